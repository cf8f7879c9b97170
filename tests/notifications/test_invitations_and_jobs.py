"""Evaluation invitations after the reply, and the worker, scheduler and
command that deliver the outbox."""

from datetime import timedelta

import pytest
from django.core.management import call_command

from xinfang.cases import workflow_engine as engine
from xinfang.jobs.schedule import SCHEDULE
from xinfang.notifications.delivery import deliver_due
from xinfang.notifications.invitations import queue_evaluation_invitations
from xinfang.notifications.models import OutboxMessage, OutboxState
from xinfang.notifications.outbox import queue_message

pytestmark = pytest.mark.django_db


def invitations(case):
    return OutboxMessage.objects.filter(case=case, template="evaluation_invitation")


def test_it_invites_the_petitioner_to_rate_the_reply_once(scenario, http_sms):
    scenario.reach("replied")
    assert queue_evaluation_invitations(now=scenario.at + timedelta(minutes=30)) == 0
    assert queue_evaluation_invitations(now=scenario.at + timedelta(hours=2)) == 1
    assert queue_evaluation_invitations(now=scenario.at + timedelta(hours=3)) == 0
    (msg,) = invitations(scenario.case)
    clock = scenario.case.clocks.get(kind="evaluate")
    assert msg.dedupe_key == f"evaluate:{clock.pk}"
    deliver_due()
    text = http_sms.delivered[msg.idempotency_key].text
    due = clock.due_date
    assert f"诚邀您于{due.year}年{due.month}月{due.day}日前对办理情况作出评价" in text
    assert scenario.case.query_code in text


def test_it_does_not_invite_once_rated(scenario, orgs):
    scenario.reach("replied")
    engine.apply(scenario.case.pk, "evaluate", user=engine.PETITIONER,
                 data={"rating": "satisfied", "bureau_rating": "satisfied"}, at=scenario.at)
    assert queue_evaluation_invitations(now=scenario.at + timedelta(hours=2)) == 0
    assert not invitations(scenario.case).exists()


def test_it_does_not_invite_anonymous_petitioners(scenario):
    scenario.reach("replied")
    type(scenario.case).objects.filter(pk=scenario.case.pk).update(is_anonymous=True)
    assert queue_evaluation_invitations(now=scenario.at + timedelta(hours=2)) == 0


def test_it_schedules_delivery_every_few_seconds():
    jobs = {j.task_path: j.every_seconds for j in SCHEDULE}
    assert jobs["xinfang.jobs.tasks.deliver_outbox"] <= 10
    assert "xinfang.jobs.tasks.invite_evaluations" in jobs
    assert "xinfang.jobs.tasks.close_lapsed_cases" in jobs


@pytest.mark.django_db(transaction=True)
def test_it_delivers_through_the_worker(http_sms):
    from xinfang.jobs.tasks import deliver_outbox

    msg = queue_message(template="accepted", recipient="13812345678", dedupe_key="w-1", payload={"number": "N1"})
    deliver_outbox.enqueue()
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    msg.refresh_from_db()
    assert msg.state == OutboxState.SENT
    assert list(http_sms.delivered) == [msg.idempotency_key]
    deliver_outbox.enqueue()  # running again sends nothing more
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    assert len(http_sms.requests) == 1


def test_it_delivers_from_the_command(capsys):
    queue_message(template="accepted", recipient="13812345678", dedupe_key="c-1", payload={"number": "N1"})
    call_command("deliver_outbox")
    assert "已发送 1 条" in capsys.readouterr().out
    assert OutboxMessage.objects.get(dedupe_key="c-1").state == OutboxState.SENT
