"""htmx panel on the registration form: suggested category and competent org."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_POST

from xinfang.cases.models import Category
from xinfang.orgs.access import case_seats
from xinfang.orgs.models import Region, Role

from .categories import suggest_category
from .routing import suggest_org

REGISTERING_ROLES = {Role.REGISTRAR, Role.HANDLER, Role.LEADER}  # as cases.views.REGISTRAR_ROLES
MAX_INPUT = 20000


def _can_register(user) -> bool:
    return any(s.role in REGISTERING_ROLES for s in case_seats(user))


@require_POST
def register_suggestions(request):
    """Called (debounced) while the registrar types. Reads title, content,
    category and issue_region as the form names them; changes nothing. POST
    only so that petition text never lands in access logs as a query string."""
    if not _can_register(request.user):
        raise PermissionDenied("您没有登记信访事项的权限")
    title = request.POST.get("title", "")[:MAX_INPUT]
    content = request.POST.get("content", "")[:MAX_INPUT]
    suggestion = suggest_category(title, content)
    chosen = _chosen_category(request.POST.get("category", ""))
    routed_category = chosen or (suggestion.category if suggestion else None)
    region = Region.objects.filter(pk=request.POST.get("issue_region", "")[:12]).first()
    routing = suggest_org(region.code, routed_category) if region and routed_category else None
    return render(request, "triage/_suggestions.html", {
        "suggestion": suggestion,
        "routing": routing,
        "routed_category": routed_category,
        "category_is_chosen": chosen is not None,
        "region": region,
        "has_text": bool((title + content).strip()),
    })


def _chosen_category(raw: str) -> Category | None:
    if not raw.isdigit():
        return None
    return Category.objects.filter(pk=int(raw), parent__isnull=False).select_related("parent").first()
