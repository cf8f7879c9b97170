from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.http import require_GET


@login_not_required
@require_GET
def home(request):
    """The public front page: what a citizen can do here."""
    return render(request, "portal/home.html")
