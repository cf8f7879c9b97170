"""The blank petition form from the page cache (page_cache): rendering it costs
~8 ms of templates (the category select alone has ~250 options), and all but
four values are the same for every visitor — the CSRF token, the two
proof-of-work challenges and the form's client token. It is rendered again when
the category table reloads (xinfang.cases.categories.second_level)."""

from django.http import HttpRequest, HttpResponse

from xinfang.cases.models import new_client_token

from . import challenge, page_cache
from .forms import PetitionForm

TEMPLATE = "portal/petition.html"


def blank_form_page(request: HttpRequest, context_for, version: object) -> HttpResponse | None:
    """The blank form's response, or None when the caller must render it in
    full. `context_for(form, **extra)` builds the page's context (views_petition.form_context);
    `version` is the category table the page shows."""
    if not page_cache.usable(request):
        return None

    def context() -> dict:
        form = PetitionForm(initial={"client_token": page_cache.mark("client_token")})
        return context_for(form, challenge=page_cache.mark("challenge"),
                           sms_challenge=page_cache.mark("sms_challenge"))

    values = {"challenge": challenge.issue("petition"), "sms_challenge": challenge.issue("sms"),
              "client_token": new_client_token()}
    return HttpResponse(page_cache.render(request, TEMPLATE, version, context, values))
