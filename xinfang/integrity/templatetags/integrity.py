"""Fills the integrity slots of other apps' pages without touching their views."""

from django import template

from ..panels import case_panel, queue_groups

register = template.Library()


@register.inclusion_tag("integrity/case_panel.html", takes_context=True)
def integrity_case_panel(context):
    user, case = context["user"], context["case"]
    return {"panel": case_panel(user, case), "request": context.get("request")}


@register.inclusion_tag("integrity/queue_section.html", takes_context=True)
def integrity_queue_section(context):
    return {"groups": queue_groups(context["user"]), "request": context.get("request")}
