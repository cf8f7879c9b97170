from django import template

from xinfang.insights.models import Alert

register = template.Library()


@register.simple_tag
def case_alerts(case) -> list[Alert]:
    """Urgent-content alerts on this case's submissions (the case page has
    already checked that the viewer may see the case)."""
    return list(Alert.objects.filter(case=case).select_related("submission").order_by("-created_at"))
