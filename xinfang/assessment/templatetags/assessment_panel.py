"""Context for the case-page panel: the handler's assessment and its history,
and the third-party call-back results beside the petitioner's evaluation."""

from django import template

from ..actions import FROZEN, assessing_org, current_assessment, handling_org_id
from ..models import HandlerAssessment, ThirdPartyEvaluation, Verdict

register = template.Library()


@register.inclusion_tag("assessment/_case_panel_body.html", takes_context=True)
def assessment_panel(context, case):
    user = context.get("user")
    history = list(HandlerAssessment.objects.filter(case=case, org_id=handling_org_id(case))
                   .select_related("assessed_by", "org").order_by("-at", "-id"))
    return {
        "case": case, "current": current_assessment(case) if history else None, "history": history[1:],
        "can_assess": case.status not in FROZEN and assessing_org(user, case) is not None,
        "verdicts": Verdict.choices, "csrf_token": context.get("csrf_token"),
        "third_party": ThirdPartyEvaluation.objects.filter(case=case).select_related("evaluator").order_by("-at"),
    }
