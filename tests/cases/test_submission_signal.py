"""The `submission_received` hook: receivers see each new submission inside the
registering transaction, and a failing receiver never costs the submission."""

import pytest

from xinfang.cases.models import Case, CaseEvent
from xinfang.cases.signals import submission_received

pytestmark = pytest.mark.django_db


def register_letter_with(receivers, client, registrar, registration_post):
    """Register one letter with these receivers connected (in this order)."""
    for receiver in receivers:
        submission_received.connect(receiver, weak=False)
    try:
        client.force_login(registrar)
        return client.post("/cases/new/letter/", registration_post("letter"))
    finally:
        for receiver in receivers:
            submission_received.disconnect(receiver)


def test_receivers_see_new_cases_and_a_failing_one_is_skipped(client, lx_registrar, registration_post):
    seen = []

    def good(case, submission, is_new_case, **kwargs):
        seen.append((case.pk, submission.pk, is_new_case))
        CaseEvent.objects.filter(case=case).exists()  # a query inside the savepoint works

    def bad(case, **kwargs):
        Case.objects.filter(pk=case.pk).update(title="被回滚的修改")
        raise RuntimeError("analysis failed")

    resp = register_letter_with([bad, good], client, lx_registrar, registration_post)
    assert resp.status_code == 302
    case = Case.objects.get()
    assert seen == [(case.pk, case.submissions.get().pk, True)]
    # The failing receiver's write was rolled back with its savepoint only.
    assert case.title != "被回滚的修改"


def test_a_receiver_before_a_failing_one_writes_once(client, lx_registrar, registration_post):
    """The receivers share one savepoint; when one fails, that savepoint rolls
    back and each runs again alone, so an earlier receiver's rows land exactly once."""
    from django.utils import timezone

    calls = []

    def first(case, **kwargs):
        calls.append(case.pk)
        CaseEvent.objects.create(case=case, at=timezone.now(), action="receiver_note", note="分析结果")

    def bad(case, **kwargs):
        raise RuntimeError("analysis failed")

    resp = register_letter_with([first, bad], client, lx_registrar, registration_post)
    assert resp.status_code == 302
    case = Case.objects.get()
    assert calls == [case.pk, case.pk]  # once with the others, once alone
    assert CaseEvent.objects.filter(case=case, action="receiver_note").count() == 1
    assert CaseEvent.objects.filter(case=case, action="register").count() == 1


def test_the_similar_text_task_is_written_with_the_case_and_rolls_back_with_it(orgs, lx_registrar):
    """With the database task backend the task row is part of the registering
    transaction: there once the case is, gone if the registration rolls back."""
    from django.db import transaction
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from tests.conftest import valid_id
    from xinfang.cases.actions import PetitionerData, Registration, register_case
    from xinfang.cases.models import Category
    from xinfang.orgs.models import Region

    def registration(seq: int) -> Registration:
        return Registration(
            channel="letter", received_at=timezone.now(), title="反映问题", content="小区电梯停运三个月无人维修。",
            demands="", purpose="claim", category=Category.objects.filter(parent__isnull=False).first(),
            issue_region=Region.objects.get(code="320213021"),
            petitioners=[PetitionerData(name=f"信访人{seq}", id_number=valid_id(seq), is_lead=True)])

    tasks = DBTaskResult.objects.filter(task_path="xinfang.integrity.tasks.match_new_case")
    case = register_case(registration(1), actor=lx_registrar, org=orgs["lx_bureau"]).case
    # No commit has happened (the test's transaction never commits): the row is already there.
    assert [t.args_kwargs["args"] for t in tasks] == [[case.pk]]

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        register_case(registration(2), actor=lx_registrar, org=orgs["lx_bureau"])
        raise Abort
    assert tasks.count() == 1
