"""The blank petition form, rendered once per process.

Rendering the page costs ~8 ms of templates (the category select alone has
~250 options); all but four values are the same for every visitor. So the
page is rendered once with a marker in place of each of those values — the
CSRF token, the two proof-of-work challenges and the form's client token —
and every request joins the pieces with fresh values. It is rendered again
when the category table reloads (xinfang.cases.categories.second_level).

Anything else that could differ per request falls back to the full render:
pending messages (base_public.html shows them) and DEBUG (templates may change
under a running process)."""

import re
import threading
import uuid

from django.conf import settings
from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string

from . import challenge
from .forms import PetitionForm

TEMPLATE = "portal/petition.html"

# Plain letters: HTML escaping leaves them as they are.
MARKS = {
    "csrf": "xfMarkCsrfToken",
    "challenge": "xfMarkPowChallenge",
    "sms_challenge": "xfMarkSmsChallenge",
    "client_token": "xfMarkClientToken",
}
_SPLIT = re.compile("(" + "|".join(MARKS.values()) + ")")
_NAME = {mark: name for name, mark in MARKS.items()}

_lock = threading.Lock()
_page: tuple[object, list[str]] | None = None  # (category table, pieces: text, name, text, name, …)


def _pieces(context_for) -> list[str]:
    form = PetitionForm(initial={"client_token": MARKS["client_token"]})
    context = context_for(form, challenge=MARKS["challenge"], sms_challenge=MARKS["sms_challenge"])
    context["csrf_token"] = MARKS["csrf"]
    html = render_to_string(TEMPLATE, context)  # no request: no context processors, no messages
    parts = _SPLIT.split(html)
    found = {_NAME[p] for p in parts[1::2]}
    if found != set(MARKS):
        raise RuntimeError(f"{TEMPLATE} no longer shows {sorted(set(MARKS) - found)}")
    return [p if i % 2 == 0 else _NAME[p] for i, p in enumerate(parts)]


def blank_form_page(request: HttpRequest, context_for, version: object) -> HttpResponse | None:
    """The blank form's response, or None when the caller must render it in
    full. `context_for(form, **extra)` builds the page's context (views_petition.form_context);
    `version` is the category table the page shows."""
    global _page
    if settings.DEBUG or len(get_messages(request)):
        return None
    cached = _page
    if cached is None or cached[0] is not version:
        with _lock:
            cached = _page
            if cached is None or cached[0] is not version:
                cached = _page = (version, _pieces(context_for))
    values = {
        "csrf": get_token(request),
        "challenge": challenge.issue("petition"),
        "sms_challenge": challenge.issue("sms"),
        "client_token": uuid.uuid4().hex,
    }
    pieces = cached[1]
    html = "".join(p if i % 2 == 0 else values[p] for i, p in enumerate(pieces))
    return HttpResponse(html)
