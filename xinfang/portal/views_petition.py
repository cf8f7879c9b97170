"""网上信访: the form, the SMS code button, the receipt, the public region picker."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xinfang.cases.attachments import ALLOWED_EXTENSIONS_TEXT
from xinfang.cases.categories import second_level
from xinfang.cases.models import Submission
from xinfang.lib.plans import generic_plans
from xinfang.orgs.models import Region

from . import access, challenge, ratelimit, sms
from .blank_form import blank_form_page
from .forms import PetitionForm, clean_mobile, region_root
from .petition import PetitionRefused, check, earlier_submission, online_source, submit
from .receipt import answer_with_receipt, receipt_context_for


def form_context(form: PetitionForm, **extra) -> dict:
    """Fresh challenges on every render: each is accepted once."""
    return {"form": form, "challenge": challenge.issue("petition"), "sms_challenge": challenge.issue("sms"),
            "category_groups": form.category_groups, "allowed_types": ALLOWED_EXTENSIONS_TEXT, **extra}


def handle_post(request, form: PetitionForm, *, kiosk: bool) -> tuple[Submission | None, int]:
    """Shared by the web and kiosk forms: (the submission, 200), or (None, HTTP
    status) with the errors on the form.

    A form already accepted (a double click, a refresh, a retry after a
    timeout) is answered with its receipt. It is looked up only when a post is
    not accepted as new: a retry that passes every check is told by the code's
    row (petition.submit), and one refused on the way (a limit reached by the
    petition itself, a code expired since) finds its submission here. A first
    post, the common case, pays for no lookup."""
    try:
        checked = check(form, ip=ratelimit.client_ip(request))
        if checked is not None:
            source = online_source(request.headers.get("User-Agent", ""), kiosk=kiosk)
            return submit(form, checked, source=source).submission, 200
        refusal, status = None, 400
    except PetitionRefused as e:
        refusal, status = str(e), e.status
    earlier = earlier_submission(request.POST.get("client_token", ""), request.POST.get("phone", ""))
    if earlier is not None:
        return earlier, 200
    if refusal:
        form.add_error(None, refusal)
    return None, status


@generic_plans
@login_not_required
@require_http_methods(["GET", "POST"])
def petition(request):
    if request.method == "POST":
        form = PetitionForm(request.POST, request.FILES)
        sub, status = handle_post(request, form, kiosk=False)
        if sub is not None:
            return answer_with_receipt(request, sub, url_name="portal:receipt", template="portal/receipt.html")
        return render(request, "portal/petition.html", form_context(form), status=status)
    page = blank_form_page(request, form_context, second_level())
    if page is not None:
        return page
    return render(request, "portal/petition.html", form_context(PetitionForm()))


@generic_plans
@login_not_required
@require_POST
def sms_code(request):
    """The 获取验证码 button (fetch): JSON with a message and a fresh challenge."""
    fresh = challenge.issue("sms")

    def answer(message: str, status: int, wait: int = 0) -> JsonResponse:
        return JsonResponse({"ok": status == 200, "message": message, "wait": wait, "challenge": fresh},
                            status=status)

    ip = ratelimit.client_ip(request)
    try:
        phone = clean_mobile(request.POST.get("phone", ""))
    except ValidationError as e:
        return answer(e.messages[0], 400)
    try:
        claim = challenge.checked(request.POST.get("challenge", ""), request.POST.get("solution", ""),
                                  purpose="sms", owner=phone)
        sent = sms.send_code(phone, ip=ip, claim=claim)
    except challenge.ChallengeError as e:
        return answer(str(e), 400)
    except sms.CodeError as e:
        return answer(str(e), 429, wait=e.wait)
    return answer(sent.message, 200, wait=sent.wait)


def receipt_context(request, token: str) -> dict:
    sub = access.receipt_submission(request, token)
    if sub is None:
        raise Http404("回执已失效")
    return receipt_context_for(request, sub)


@generic_plans
@login_not_required
@require_GET
def receipt(request, token: str):
    return render(request, "portal/receipt.html", receipt_context(request, token))


@login_not_required
@require_GET
@cache_control(max_age=3600, public=True)
def region_options(request):
    """Public copy of the region picker's options, kept inside the city:
    no parent → its districts; a district → its streets and towns."""
    root = region_root()
    parent = request.GET.get("parent", "") or root
    regions = Region.objects.none()
    if parent.isdigit() and parent.startswith(root) and len(parent) <= 6:
        regions = Region.objects.filter(parent_id=parent).only("code", "name")
    return render(request, "orgs/_region_options.html", {"regions": regions})
