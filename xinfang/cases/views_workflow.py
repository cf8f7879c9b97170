"""Case page actions: only what the user may do now appears, each with its form
(loaded by htmx); a successful action refreshes the page and its timeline."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from xinfang.orgs.access import get_case_for_user

from . import workflow_engine as engine
from .workflow import BY_NAME
from .workflow_forms import TransitionForm


@require_http_methods(["GET", "POST"])
def case_action(request, case_id: int, name: str):
    case = get_case_for_user(request.user, case_id)
    t = BY_NAME.get(name)
    if t is None:
        raise Http404
    problem = engine.refusal(request.user, case, t)
    if problem and request.method == "GET":
        return _render(request, case, t, None, problem)
    form = TransitionForm(request.POST or None, transition=t, case=case, user=request.user)
    if request.method == "POST" and not problem and form.is_valid():
        try:
            engine.apply(case.pk, name, user=request.user, data=form.cleaned_data)
        except engine.TransitionError as e:
            problem = str(e)
        else:
            messages.success(request, f"已{t.label}")
            if request.headers.get("HX-Request"):
                resp = HttpResponse(status=204)
                resp["HX-Redirect"] = f"/cases/{case.pk}/"
                return resp
            return redirect("cases:detail", case_id=case.pk)
    return _render(request, case, t, form, problem)


def _render(request, case, t, form, problem):
    template = "cases/_action_form.html" if request.headers.get("HX-Request") else "cases/action_page.html"
    status = 200 if not problem or request.method == "GET" else 422
    return render(request, template, {"case": case, "t": t, "form": form, "problem": problem}, status=status)
