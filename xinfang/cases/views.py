"""Officer workspace: inbox, case page, registration for the four channels."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from xinfang.lib.idcard import InvalidIdNumber, gender_of, validate_id_number
from xinfang.lib.phone import InvalidPhone, validate_phone
from xinfang.orgs.access import case_seats, get_case_for_user, visible_cases
from xinfang.orgs.models import Org, Role

from . import workflow_engine as engine
from .actions import attach_repeat, earlier_cases_of, register_case
from .events import action_label
from .forms import CaseForm, PetitionerFormSet, petitioner_data
from .models import Attachment, Channel
from .presenters import petitioners_for
from .queries import InboxFilter, filtered_parts, keyset_page

REGISTRAR_ROLES = {Role.REGISTRAR, Role.HANDLER, Role.LEADER}


@require_GET
def inbox(request):
    form = InboxFilter(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    page = keyset_page(filtered_parts(request.user, data), request.GET.get("after"), request.GET.get("before"))
    params = request.GET.copy()
    for key in ("after", "before"):
        params.pop(key, None)
    return render(request, "cases/inbox.html", {
        "filter": form, "page": page, "params": params.urlencode(),
        "scope": data.get("scope") or "mine", "can_register": bool(registering_orgs(request.user)),
    })


def registering_orgs(user) -> list[Org]:
    ids = [s.org_id for s in case_seats(user) if s.role in REGISTRAR_ROLES]
    return list(Org.objects.filter(pk__in=ids).select_related("region"))


@require_GET
def case_detail(request, case_id: int):
    case = get_case_for_user(request.user, case_id)
    people, full_identity = petitioners_for(request.user, case)
    events = list(case.events.select_related("actor", "org"))
    for e in events:
        setattr(e, "label", action_label(e.action))  # noqa: B010 - a display attribute for the template
    return render(request, "cases/detail.html", {
        "case": case,
        "actions": engine.available(request.user, case),
        "clocks": case.clocks.order_by("started_at", "id"),
        "letters": case.letters.select_related("org", "signed_by").order_by("drafted_at"),
        "evaluations": case.evaluations.select_related("org").order_by("at"),
        "assignments": case.assignments.select_related("from_org", "to_org").order_by("created_at"),
        "people": people,
        "full_identity": full_identity,
        "events": events,
        "submissions": case.submissions.select_related("received_by_org").prefetch_related("attachments"),
        "attachments": case.attachments.all(),
    })


@require_http_methods(["GET", "POST"])
def register(request, channel: str):
    if channel not in Channel.values:
        raise Http404
    orgs = registering_orgs(request.user)
    if not orgs:
        raise PermissionDenied("您没有登记信访事项的权限")
    org = _chosen_org(request, orgs)
    if request.method == "POST":
        form = CaseForm(request.POST, request.FILES, channel=channel)
        people = PetitionerFormSet(request.POST, prefix="p")
        if form.is_valid() and people.is_valid():
            try:
                petitioners = petitioner_data(form, people)
            except ValidationError as e:
                form.add_error(None, e)
            else:
                for p in petitioners:
                    if p.id_number:
                        p.gender = gender_of(p.id_number)
                reg = form.registration(petitioners)
                repeat_of = form.cleaned_data.get("repeat_of")
                if repeat_of:
                    case = get_case_for_user(request.user, repeat_of)
                    sub = attach_repeat(case, reg, actor=request.user, org=org)
                    messages.success(request, f"已作为重复信访件并入 {sub.case.number}")
                else:
                    sub = register_case(reg, actor=request.user, org=org)
                    messages.success(request, f"登记成功，编号 {sub.case.number}，查询码 {sub.case.query_code}")
                return redirect("cases:detail", case_id=sub.case_id)
    else:
        form = CaseForm(channel=channel, initial={"issue_region": org.region_id})
        people = PetitionerFormSet(prefix="p")
    return render(request, "cases/register.html", {
        "form": form, "people": people, "channel": channel, "channel_label": Channel(channel).label,
        "org": org, "orgs": orgs, "channels": Channel.choices, "default_region": org.region,
    })


def _chosen_org(request, orgs: list[Org]) -> Org:
    wanted = request.POST.get("org") or request.GET.get("org")
    for o in orgs:
        if str(o.pk) == wanted:
            return o
    return orgs[0]


@require_GET
def lookup_petitioner(request):
    """htmx: while the registrar types an ID number or phone, list earlier cases
    of the same person that the registrar may see, offering to attach as a repeat."""
    id_number, phone, problems = "", "", []
    for key in request.GET:
        if key.endswith("id_number") and request.GET[key].strip():
            try:
                id_number = validate_id_number(request.GET[key])
            except InvalidIdNumber as e:
                problems.append(str(e))
        elif key.endswith("phone") and request.GET[key].strip():
            try:
                phone = validate_phone(request.GET[key])
            except InvalidPhone as e:
                problems.append(str(e))
    cases = []
    if id_number or phone:
        ids = earlier_cases_of(id_number, phone).values("pk")
        cases = list(
            visible_cases(request.user).filter(pk__in=ids).select_related("category").order_by("-registered_at")[:10]
        )
    return render(request, "cases/_earlier_cases.html", {"cases": cases, "problems": problems,
                                                          "searched": bool(id_number or phone)})


@require_GET
def download_attachment(request, case_id: int, attachment_id: int):
    case = get_case_for_user(request.user, case_id)
    att = get_object_or_404(Attachment, pk=attachment_id, case=case)
    return FileResponse(att.file.open("rb"), as_attachment=True, filename=att.original_name,
                        content_type=att.content_type)
