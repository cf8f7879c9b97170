"""电子触摸屏: the kiosk in a reception hall. Its own full-screen layout, a
shorter form, read-only progress, and a reset (JS after 90 s idle, or the
button) that forgets whatever the last person looked at."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xinfang.lib.plans import generic_plans
from xinfang.rules.rulesets import get_rule

from . import access
from .forms import KioskPetitionForm, TrackForm
from .receipt import answer_with_receipt
from .track import public_case
from .views_petition import form_context, handle_post, receipt_context
from .views_track import answered, case_or_404, keyed_page, verify_query

QUERY_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # Case.query_code's alphabet


def kiosk_context() -> dict:
    return {"idle_seconds": int(getattr(settings, "PORTAL_KIOSK_IDLE_SECONDS", 90))}


def kiosk_render(request, template: str, context: dict | None = None, status: int = 200):
    return render(request, f"portal/kiosk/{template}", {**kiosk_context(), **(context or {})}, status=status)


@login_not_required
@require_GET
def home(request):
    # Arriving at the kiosk's home always leaves the last person's cases behind.
    access.forget_all(request)
    return kiosk_render(request, "home.html")


@generic_plans
@login_not_required
@require_http_methods(["GET", "POST"])
def petition(request):
    if request.method == "POST":
        form = KioskPetitionForm(request.POST)
        sub, status = handle_post(request, form, kiosk=True)
        if sub is not None:
            return answer_with_receipt(request, sub, url_name="portal:kiosk_receipt",
                                       template="portal/kiosk/receipt.html", extra=kiosk_context())
        return kiosk_render(request, "petition.html", form_context(form), status=status)
    return kiosk_render(request, "petition.html", form_context(KioskPetitionForm()))


@generic_plans
@login_not_required
@require_GET
def receipt(request, token: str):
    return kiosk_render(request, "receipt.html", receipt_context(request, token))


@generic_plans
@login_not_required
@require_http_methods(["GET", "POST"])
def track(request):
    form = TrackForm(request.POST or None)
    if request.method == "POST":
        found = verify_query(request, form)
        if found:  # the page itself, as on the web (views_track)
            key, case_row = found
            return answered(case_page(request, key, case_row), reverse("portal:kiosk_case", kwargs={"key": key}))
        return kiosk_render(request, "track.html", {"form": form, "alphabet": QUERY_ALPHABET}, status=400)
    return kiosk_render(request, "track.html", {"form": form, "alphabet": QUERY_ALPHABET})


@generic_plans
@login_not_required
@require_GET
def case(request, key: str):
    return case_page(request, key, case_or_404(request, key))


def case_page(request, key: str, case_row) -> HttpResponse:
    """Read-only progress, from the page cache like the web's (views_track.render_case)."""
    view = public_case(case_row)
    idle = int(getattr(settings, "PORTAL_KIOSK_IDLE_SECONDS", 90))

    def context(k: str) -> dict:
        return {"view": view, "idle_seconds": idle, "page_url": reverse("portal:kiosk_case", kwargs={"key": k})}

    return keyed_page(request, "portal/kiosk/case.html", key, (view.page_signature(), idle), context,
                      full=lambda ctx: kiosk_render(request, "case.html", ctx))


# The steps a petitioner meets, with the rule each clock comes from.
GUIDE = [
    ("提交", "来信、来访、来电或网上提交，须如实反映，实名提交可查询进度", None),
    ("登记处理", "信访部门登记后转送、交办有权处理的机关，或告知其他法定途径", "dispose"),
    ("受理告知", "有权处理的机关决定是否受理，并书面告知信访人", "accept"),
    ("办理答复", "受理后调查核实，出具书面答复意见；情况复杂的可延期，延长不超过30日", "handle"),
    ("评价", "收到答复后，可对信访部门和办理单位分别评价", "evaluate"),
    ("复查", "对答复意见不服的，可请求原办理机关的上一级机关复查", "review_request"),
    ("复核", "对复查意见不服的，可向复查机关的上一级机关请求复核；复核意见为最终意见", "reexamine_request"),
]


@login_not_required
@require_GET
def guide(request):
    steps = []
    for title, text, kind in GUIDE:
        rule = get_rule("2022", kind) if kind else None
        steps.append({"title": title, "text": text, "limit": rule.limit_text if rule else "",
                      "article": rule.article if rule else ""})
    return kiosk_render(request, "guide.html", {"steps": steps})


@login_not_required
@require_POST
def reset(request):
    access.forget_all(request)
    return redirect("portal:kiosk_home")
