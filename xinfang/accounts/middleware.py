"""Django's LoginRequiredMiddleware, asking the view before the user.

Django's checks `request.user.is_authenticated` first, which loads the session
and the user on every request, including the public pages that need neither
(three per online petition). A view marked login_not_required is let through
first; every other request is checked exactly as Django checks it."""

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "login_required", True):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
