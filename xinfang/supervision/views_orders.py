"""督办单 and 通报 pages. Views are glue: parse → find the order the user may
see (404 alike for missing and forbidden) → one action → render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from xinfang.disclosure.rates import MIN_VOLUME, Period
from xinfang.orgs.access import get_case_for_user
from xinfang.orgs.models import Org

from . import orders as actions
from .circulate import generate_notice
from .forms import NoteForm, NoticeForm, OrderForm, ReportForm, SendBackForm, UrgeForm
from .models import CirculatedNotice, OrderStatus, SupervisionOrder
from .scope import (
    is_issuer_side,
    is_ordered_side,
    issuer_for,
    may_order,
    orderable_orgs,
    ordering_seats,
    visible_orders,
)

PAGE = 200


def get_order_for_user(user, pk) -> SupervisionOrder:
    try:
        return visible_orders(user).select_related("org", "issued_by_org", "case").get(pk=int(pk))
    except (SupervisionOrder.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该督办单") from None


@login_required
def order_list(request):
    seats = ordering_seats(request.user)
    mine = visible_orders(request.user).select_related("org", "issued_by_org", "case")
    tab = request.GET.get("tab") or ("issued" if seats else "received")
    status = request.GET.get("status", "")
    if tab == "issued":
        mine = mine.filter(issued_by_org_id__in=[s.org_id for s in seats])
    elif tab == "received":
        from xinfang.orgs.access import case_seats

        mine = mine.filter(org_id__in=[s.org_id for s in case_seats(request.user)])
    if status in OrderStatus.values:
        mine = mine.filter(status=status)
    return render(request, "supervision/orders/list.html", {
        "orders": mine[:PAGE], "tab": tab, "status": status, "statuses": OrderStatus.choices,
        "may_issue": bool(seats), "today": timezone.localdate(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def order_new(request):
    user = request.user
    if not ordering_seats(user):
        raise PermissionDenied("仅信访部门督查员和领导可以下发督办单")
    case = get_case_for_user(user, request.GET["case"]) if request.GET.get("case") else None
    orgs = orderable_orgs(user).order_by("path")
    initial = {"deadline": actions.default_deadline(timezone.now())}
    if case is not None:
        initial |= {"org": case.current_org_id, "title": f"信访事项{case.number}督办"[:100],
                    "requirements": f"请对信访事项{case.number}（{case.title}）依法及时办理，并书面反馈办理情况。"}
    elif request.GET.get("org"):
        initial["org"] = request.GET["org"]
    form = OrderForm(request.POST or None, orgs=orgs, initial=initial)
    if request.method == "POST" and form.is_valid():
        org: Org = form.cleaned_data["org"]
        issuer = issuer_for(user, org)
        try:
            if issuer is None:
                raise PermissionDenied
            order = actions.draft_order(user=user, issuer=issuer, org=org, case=case,
                                        title=form.cleaned_data["title"],
                                        requirements=form.cleaned_data["requirements"],
                                        deadline=form.cleaned_data["deadline"])
        except ValidationError as e:
            form.add_error(None, e.messages[0])
        except PermissionDenied:
            form.add_error("org", "不能向该单位下发督办单")
        else:
            messages.success(request, "督办单草稿已保存，核对后请签发")
            return redirect("supervision:order", order.pk)
    return render(request, "supervision/orders/new.html", {"form": form, "case": case})


def _detail_context(request, order: SupervisionOrder, **extra) -> dict:
    user = request.user
    issuer_side = is_issuer_side(user, order)
    return {
        "order": order, "today": timezone.localdate(),
        "issuer_side": issuer_side, "ordered_side": is_ordered_side(user, order),
        "may_issue": issuer_side and may_order(user, order.org, order.issued_by_org),
        "urges": order.urges.select_related("by"),
        "report_form": extra.pop("report_form", None) or ReportForm(),
        "close_form": NoteForm(), "back_form": extra.pop("back_form", None) or SendBackForm(),
        "urge_form": extra.pop("urge_form", None) or UrgeForm(),
        **extra,
    }


@login_required
def order_detail(request, pk: int):
    order = get_order_for_user(request.user, pk)
    return render(request, "supervision/orders/detail.html", _detail_context(request, order))


def _after(request, order: SupervisionOrder, **extra):
    """htmx requests get the refreshed action panel; plain posts go back to the page."""
    order = get_order_for_user(request.user, order.pk)
    if request.headers.get("HX-Request"):
        return render(request, "supervision/orders/_body.html", _detail_context(request, order, **extra))
    if extra.get("error"):
        return render(request, "supervision/orders/detail.html", _detail_context(request, order, **extra), status=400)
    return redirect("supervision:order", order.pk)


def _run(request, order, fn, **kwargs):
    try:
        fn(order, user=request.user, **kwargs)
    except ValidationError as e:
        return _after(request, order, error=e.messages[0])
    return _after(request, order)


def _order_on_side(request, pk: int, side, denial: str) -> SupervisionOrder:
    """The order, if the user may see it and stands on the side (issuing bureau
    or ordered org) that may take this action; otherwise 404 / 403 with `denial`."""
    order = get_order_for_user(request.user, pk)
    if not side(request.user, order):
        raise PermissionDenied(denial)
    return order


@login_required
@require_POST
def order_issue(request, pk: int):
    order = _order_on_side(request, pk, is_issuer_side, "您无权签发该督办单")
    return _run(request, order, actions.issue_order)


@login_required
@require_POST
def order_report(request, pk: int):
    order = _order_on_side(request, pk, is_ordered_side, "只有督办对象单位的承办人或领导可以反馈")
    form = ReportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _after(request, order, report_form=form, error="请检查反馈内容")
    return _run(request, order, actions.report_order, text=form.cleaned_data["text"],
                attachment=form.cleaned_data.get("attachment"))


@login_required
@require_POST
def order_close(request, pk: int):
    order = _order_on_side(request, pk, is_issuer_side, "您无权办结该督办单")
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return _run(request, order, actions.close_order, note=note)


@login_required
@require_POST
def order_send_back(request, pk: int):
    order = _order_on_side(request, pk, is_issuer_side, "您无权退回该督办单")
    form = SendBackForm(request.POST)
    if not form.is_valid():
        return _after(request, order, back_form=form, error="请填写退回意见")
    return _run(request, order, actions.send_back_order, note=form.cleaned_data["note"],
                deadline=form.cleaned_data.get("deadline"))


@login_required
@require_POST
def order_withdraw(request, pk: int):
    order = _order_on_side(request, pk, is_issuer_side, "您无权撤回该督办单")
    return _run(request, order, actions.withdraw_order)


@login_required
@require_POST
def order_urge(request, pk: int):
    order = _order_on_side(request, pk, is_issuer_side, "您无权催办该督办单")
    form = UrgeForm(request.POST)
    if not form.is_valid():
        return _after(request, order, urge_form=form, error="请填写催办内容并选择催办方式")
    return _run(request, order, actions.urge_order, text=form.cleaned_data["text"],
                channel=form.cleaned_data["channel"])


@login_required
def order_attachment(request, pk: int):
    order = get_order_for_user(request.user, pk)
    if not order.report_attachment:
        raise Http404("没有附件")
    response = HttpResponse(order.report_attachment.open("rb").read(), content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="order-{order.pk}-report"'
    return response


# -- 通报 ---------------------------------------------------------------------------

def _notice_scopes(user) -> list[Org]:
    return list(Org.objects.filter(pk__in=[s.org_id for s in ordering_seats(user)]))


@login_required
@require_http_methods(["GET", "POST"])
def notices(request):
    scopes = _notice_scopes(request.user)
    if not scopes:
        raise PermissionDenied("仅信访部门督查员和领导可以生成通报")
    last_month = Period.month(timezone.localdate().year, timezone.localdate().month).shifted(-1)
    form = NoticeForm(request.POST or None, initial={"month": last_month.key})
    if request.method == "POST" and form.is_valid():
        try:
            period = Period.parse_month(form.cleaned_data["month"])
        except ValueError as e:
            form.add_error("month", str(e))
        else:
            notice = generate_notice(user=request.user, scope=scopes[0], period=period,
                                     worst=form.cleaned_data["worst"] or 5)
            return redirect("supervision:notice", notice.pk)
    listed = CirculatedNotice.objects.filter(scope_org__in=scopes).select_related("generated_by", "scope_org")[:100]
    return render(request, "supervision/notices/list.html", {"form": form, "notices": listed, "min_volume": MIN_VOLUME})


@login_required
def notice_detail(request, pk: int):
    scopes = _notice_scopes(request.user)
    notice = CirculatedNotice.objects.filter(pk=pk, scope_org__in=scopes).select_related("scope_org", "generated_by").first()
    if notice is None:
        raise Http404("未找到该通报")
    ranked = [r for r in notice.rows if r.get("rank")]
    return render(request, "supervision/notices/detail.html", {
        "notice": notice, "listed": [r for r in ranked if r.get("listed")], "ranked": ranked,
        "small": [r for r in notice.rows if not r.get("rank")],
        "back": reverse("supervision:notices"),
    })
