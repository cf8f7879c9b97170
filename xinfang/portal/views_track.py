"""进度查询: query code + last four phone digits → the public case page, where
the petitioner can also rate the reply and ask for 复查 / 复核.

A correct query answers with the case page itself, not a redirect to it: one
round trip instead of two on a phone network, and the busiest public request
costs half. The page's own address (/track/<key>/, good only in this browser)
comes in Content-Location, and the page puts it in the address bar
(history.replaceState), so a refresh or a bookmark reads the page with GET."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xinfang.cases.workflow_engine import TransitionError
from xinfang.lib.plans import generic_plans

from . import access, page_cache, ratelimit, track_cache
from .actions import evaluate_case, request_review
from .forms import EvaluationForm, ReviewRequestForm, TrackForm
from .track import QueryRefused, find_case, public_case


def verify_query(request, form: TrackForm):
    """(the browser's key for the case, the case) if the form names one correctly,
    else None with the (deliberately vague) reason on the form."""
    if not form.is_valid():
        return None
    try:
        case = find_case(form.cleaned_data["query_code"], form.cleaned_data["phone_last4"],
                         ip=ratelimit.client_ip(request))
    except QueryRefused as e:
        form.add_error(None, str(e))
        return None
    return access.grant_case(request, case), case


def answered(response, url: str):
    """The query's answer is the page at `url`: say so (Content-Location), and
    never let a shared cache keep it."""
    response["Content-Location"] = url
    response["Cache-Control"] = "private, no-store"
    return response


@generic_plans
@login_not_required
@require_http_methods(["GET", "POST"])
def track(request):
    form = TrackForm(request.POST or None)
    if request.method == "POST":
        found = verify_query(request, form)
        if found:
            key, case = found
            return answered(render_case(request, key, case=case), reverse("portal:track_case", kwargs={"key": key}))
        return render(request, "portal/track.html", {"form": form}, status=400)
    return render(request, "portal/track.html", {"form": form})


def case_or_404(request, key: str):
    case_id = access.case_id_for(request, key)
    case = track_cache.load(case_id) if case_id is not None else None
    if case is None:
        # Expired, never granted, or someone else's link: all look the same.
        raise Http404("查询已失效，请重新输入查询码")
    return case


def render_case(request, key: str, *, case=None, evaluation=None, review=None, status: int = 200):
    case = case or case_or_404(request, key)
    view = public_case(case)

    def context(k: str) -> dict:
        # The forms only where the page shows them (most views are of cases still in progress).
        ev, rv = evaluation, review
        if ev is None and view.show_evaluation and not view.evaluations and not view.evaluation_refusal:
            ev = EvaluationForm()
        if rv is None and view.review_step and not view.review_refusal:
            rv = ReviewRequestForm()
        return {"key": k, "view": view, "page_url": reverse("portal:track_case", kwargs={"key": k}),
                "evaluation_form": ev, "review_form": rv}

    if evaluation is None and review is None:  # a form with errors is this visitor's alone
        return keyed_page(request, "portal/track_case.html", key, view.page_signature(), context,
                          full=lambda ctx: render(request, "portal/track_case.html", ctx, status=status))
    return render(request, "portal/track_case.html", context(key), status=status)


def keyed_page(request, template: str, key: str, slot, context: Callable[[str], dict], *, full) -> HttpResponse:
    """A case page whose only per-browser parts are its key and the CSRF token:
    from the page cache when it can be, else `full(context(key))`."""
    if page_cache.usable(request):
        html = page_cache.render(request, template, slot, lambda: context(page_cache.KEY), {"key": key})
        return HttpResponse(html)
    return full(context(key))


@generic_plans
@login_not_required
@require_GET
def track_case(request, key: str):
    return render_case(request, key)


@generic_plans
@login_not_required
@require_POST
def evaluate(request, key: str):
    case = case_or_404(request, key)
    form = EvaluationForm(request.POST)
    if form.is_valid():
        try:
            evaluate_case(case, **form.cleaned_data)
        except TransitionError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, "评价已提交，感谢您的参与")
            return redirect("portal:track_case", key=key)
    return render_case(request, key, evaluation=form, status=400)


@generic_plans
@login_not_required
@require_POST
def review(request, key: str):
    case = case_or_404(request, key)
    form = ReviewRequestForm(request.POST)
    if form.is_valid():
        try:
            event = request_review(case, reason=form.cleaned_data["reason"])
        except TransitionError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, f"已提交{'复查' if event.action == 'review_request' else '复核'}申请，"
                                      "请留意办理告知")
            return redirect("portal:track_case", key=key)
    return render_case(request, key, review=form, status=400)


@login_not_required
@require_POST
def leave(request):
    """退出查询: this browser forgets every case it looked at."""
    access.forget_all(request)
    return redirect("portal:track")
