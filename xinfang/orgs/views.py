from django.shortcuts import render
from django.views.decorators.http import require_GET

from .models import Region


@require_GET
def region_children(request):
    """htmx: the options of the next level of the region picker."""
    parent = request.GET.get("parent", "")
    regions = Region.objects.filter(parent_id=parent) if parent else Region.objects.filter(level=1)
    return render(request, "orgs/_region_options.html", {"regions": regions.only("code", "name")})
