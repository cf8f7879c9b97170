"""Bench-only URLs: the site, plus /__bench__/ok — a view that does nothing, behind
the same middleware, to measure the stack's own ceiling on this machine."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as site


@login_not_required
def ok(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("__bench__/ok", ok), *site]
