"""Public pages rendered once per process and served many times.

The busiest public pages differ between visitors only in a few values: the
CSRF token, and per page the browser's key in a case page's links, or the
blank petition form's challenges and client token. Everything else follows
from what the caller names as the page's `slot` (the case's cache version and
what is decided at request time; the category table the form shows). So a
page is rendered once with a marker in place of each varying value, kept here
under its slot, and every response joins the pieces with fresh values: the
template engine was a third of a tracking query and most of the form's GET.

Visitors with messages waiting, and DEBUG (templates may change under a running
process), get the full render instead. Entries live as long as the case page
cache's (TTL), for the same backstop reasons."""

import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping

from django.conf import settings
from django.contrib.messages import get_messages
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string

from .track_cache import TTL

SIZE = 1000  # pages per process (~10-60 KB each)
# Random per process, letters and digits only: nothing in a page spells them, escaping leaves them as they are.
_SALT = secrets.token_hex(8)
CSRF = f"xf{_SALT}csrf"
KEY = f"xf{_SALT}key"

_pages: OrderedDict[Hashable, tuple[float, list[str]]] = OrderedDict()
_lock = threading.Lock()


def mark(name: str) -> str:
    """The marker that stands for the value `name` in a kept page."""
    return f"xf{_SALT}{name}"


def usable(request: HttpRequest) -> bool:
    """False when this visitor must get the full render (messages waiting, DEBUG)."""
    return not settings.DEBUG and not len(get_messages(request))


def render(request: HttpRequest, template: str, slot: Hashable, context: Callable[[], dict],
           values: Mapping[str, str]) -> str:
    """The page for this request. `context()` builds the template's context with
    `mark(name)` in place of each of `values`' names; `values` are this response's,
    ready for HTML (escaped). `slot` must name everything else the page depends
    on. The CSRF token is filled in where the page shows one."""
    key = (template, slot)
    now = time.monotonic()
    with _lock:
        hit = _pages.get(key)
        if hit is not None and now - hit[0] <= TTL:
            _pages.move_to_end(key)
        else:
            hit = None
    if hit is None:
        names = {mark(name): name for name in values} | {CSRF: "csrf"}
        # No request: nothing of this visitor (session, user, messages) can get into the page.
        html = render_to_string(template, {**context(), "csrf_token": CSRF})
        parts = re.split("(" + "|".join(names) + ")", html)
        missing = set(values) - {names[p] for p in parts[1::2]}
        if missing:
            raise RuntimeError(f"{template} no longer shows {sorted(missing)}")
        hit = (now, [p if i % 2 == 0 else names[p] for i, p in enumerate(parts)])
        with _lock:
            _pages[key] = hit
            _pages.move_to_end(key)
            while len(_pages) > SIZE:
                _pages.popitem(last=False)
    fill = dict(values)
    if "csrf" in hit[1][1::2]:  # a page with a form (asking for the token sets the CSRF cookie)
        fill["csrf"] = get_token(request)
    return "".join(p if i % 2 == 0 else fill[p] for i, p in enumerate(hit[1]))


def clear() -> None:
    with _lock:
        _pages.clear()
