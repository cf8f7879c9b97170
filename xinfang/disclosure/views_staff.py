"""Staff screens (login required): the queue of cases waiting for a publication
decision, the masked preview and approval, and withdrawal."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .forms import PublicationForm, WithdrawForm
from .models import Publication
from .publishing import (
    PublicationError,
    approvable_cases,
    approve_publication,
    approver_seats,
    candidates,
    final_letter,
    get_approvable_case,
    masked_draft,
    refusal,
    remask,
    withdraw_publication,
)


@require_GET
def manage(request):
    if not approver_seats(request.user):
        raise PermissionDenied("只有信访部门的领导和登记员可以审核信访公开")
    published = (Publication.objects.filter(case__in=approvable_cases(request.user))
                 .select_related("case", "approved_by", "withdrawn_by").order_by("-approved_at")[:100])
    return render(request, "disclosure/manage.html", {
        "candidates": candidates(request.user)[:200], "published": published, "withdraw_form": WithdrawForm(),
    })


@require_http_methods(["GET", "POST"])
def manage_case(request, case_id: int):
    case = get_approvable_case(request.user, case_id)
    problem = refusal(case)
    error, status = "", 200
    if request.method == "POST":
        # A field left out of the POST (not one emptied) keeps the masked draft:
        # "批准公开" on an untouched draft needs no round trip of the texts.
        data = request.POST.copy()
        for key, value in masked_draft(case).items():
            data.setdefault(key, value)
        form = PublicationForm(data)
        if problem:
            error, status = problem, 400
        elif form.is_valid() and "preview" not in request.POST:
            try:
                pub = approve_publication(case.pk, user=request.user, **form.cleaned_data)
            except PublicationError as e:
                error, status = str(e), 400
            else:
                messages.success(request, f"已公开：{pub.title}")
                return redirect("disclosure:manage")
        elif form.is_valid():
            # 预览: show exactly what would be stored, masked again after the edit.
            form = PublicationForm(initial=remask(case, form.cleaned_data))
        else:
            status = 400
    else:
        form = PublicationForm(initial=masked_draft(case))
    preview = form.initial or (remask(case, form.cleaned_data) if form.is_valid() else masked_draft(case))
    return render(request, "disclosure/manage_case.html", {
        "case": case, "form": form, "preview": preview, "problem": problem, "error": error,
        "letter": final_letter(case),
    }, status=status)


@require_POST
def withdraw(request, pk: int):
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        pub = withdraw_publication(pk, user=request.user, reason=reason)
    except PublicationError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, f"已撤回：{pub.title}")
    return redirect("disclosure:manage")
