"""The handler's assessment of a petition, recorded from the case page."""

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from xinfang.orgs.access import get_case_for_user

from .actions import AssessmentError, record_handler_assessment


@require_POST
def assess_case(request, case_id: int):
    case = get_case_for_user(request.user, case_id)
    try:
        record_handler_assessment(case.pk, user=request.user, verdict=request.POST.get("verdict", ""),
                                  note=request.POST.get("note", ""))
    except AssessmentError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, "已保存办理单位评估")
    return redirect("cases:detail", case.pk)
