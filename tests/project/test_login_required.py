"""Login is required everywhere but the views marked login_not_required, and
those are let through without loading the session's user."""

import pytest
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.functional import SimpleLazyObject

from xinfang.accounts.middleware import LoginRequiredMiddleware


def view(request):
    return HttpResponse("ok")


public = login_not_required(lambda request: HttpResponse("public"))


def _request(user_loader):
    request = RequestFactory().get("/somewhere/")
    request.user = SimpleLazyObject(user_loader)
    return request


def test_a_public_view_never_loads_the_user():
    def no_user():
        raise AssertionError("the user was loaded")

    assert LoginRequiredMiddleware(view).process_view(_request(no_user), public, (), {}) is None


def test_any_other_view_still_needs_a_login():
    response = LoginRequiredMiddleware(view).process_view(_request(AnonymousUser), view, (), {})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.django_db
def test_the_site_uses_it(client):
    assert client.get("/cases/").status_code == 302
    assert client.get("/petition/").status_code == 200


@pytest.mark.django_db
def test_pages_speak_chinese_without_locale_negotiation(client):
    """One language, always active: Django's own messages come out in Chinese
    whatever the browser asks for."""
    from django import forms

    class F(forms.Form):
        n = forms.IntegerField()

    assert F({"n": "x"}).errors["n"] == ["输入整数。"]
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "登录" in page and "Log in" not in page
