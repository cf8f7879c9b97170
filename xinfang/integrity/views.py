"""htmx endpoints: decide a repeat link on the case page, resolve a flag in the
supervision queue. Missing and forbidden answer alike (404)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from xinfang.orgs.access import get_case_for_user

from .access import may_link, may_resolve, visible_flags
from .actions import decide_link
from .flags import resolve_flag
from .models import CaseLink
from .panels import case_panel

NOTE_MAX = 500


@login_required
@require_POST
def link_decide(request, pk: int):
    link = get_object_or_404(CaseLink, pk=pk)
    case = get_case_for_user(request.user, link.case_id)
    # The earlier case must be visible too, or the link does not exist for this user.
    get_case_for_user(request.user, link.earlier_id)
    if not may_link(request.user, case):
        raise Http404("未找到该关联")
    decision = request.POST.get("decision")
    if decision not in ("confirm", "reject"):
        return render(request, "integrity/case_panel.html",
                      {"panel": case_panel(request.user, case), "error": "请选择确认关联或不是重复"}, status=400)
    decide_link(link, user=request.user, confirm=decision == "confirm")
    if not request.headers.get("HX-Request"):
        return redirect("cases:detail", case_id=case.pk)
    return render(request, "integrity/case_panel.html", {"panel": case_panel(request.user, case)})


@login_required
@require_POST
def flag_resolve(request, pk: int):
    if not may_resolve(request.user):
        raise Http404("未找到该提示")
    flag = get_object_or_404(visible_flags(request.user).select_related("case", "org"), pk=pk)
    note = (request.POST.get("note") or "").strip()
    status = 200
    error = ""
    if not note:
        error, status = "请填写处理意见", 400
    elif len(note) > NOTE_MAX:
        error, status = f"处理意见不能超过{NOTE_MAX}字", 400
    else:
        resolve_flag(flag, user=request.user, note=note)
        flag.refresh_from_db()
    if not request.headers.get("HX-Request"):
        if error:
            return render(request, "integrity/_flag_row.html", {"flag": flag, "error": error}, status=status)
        return redirect("supervision:queue")
    return render(request, "integrity/_flag_row.html", {"flag": flag, "error": error}, status=status)
