"""The outbox is written with the event it reports: both or neither. Nothing
is sent while the transaction is open; anonymous petitioners get nothing."""

from datetime import timedelta

import pytest
from django.db import transaction

from tests.cases.test_access_and_search import make_case
from xinfang.cases import workflow_engine as engine
from xinfang.cases.models import Status
from xinfang.notifications.delivery import deliver_due
from xinfang.notifications.models import OutboxMessage, OutboxState
from xinfang.notifications.outbox import queue_message

pytestmark = pytest.mark.django_db


def accept(s, hours=1):
    engine.apply(s.case.pk, "accept", user=s.user("lx_zhujian", "handler"), at=s.at + timedelta(hours=hours))


def test_it_rolls_the_notice_back_with_the_event(scenario):
    scenario.reach("forwarded")
    with pytest.raises(RuntimeError), transaction.atomic():
        accept(scenario)
        assert OutboxMessage.objects.filter(case=scenario.case, template="accepted").exists()
        raise RuntimeError("the request fails after the step")
    assert not OutboxMessage.objects.filter(case=scenario.case, template="accepted").exists()
    assert not scenario.case.events.filter(action="accept").exists()


def test_it_rolls_the_event_back_when_the_notice_cannot_be_written(scenario, monkeypatch):
    scenario.reach("forwarded")

    def broken(**kwargs):
        raise RuntimeError("outbox insert failed")

    monkeypatch.setattr("xinfang.notifications.outbox.queue_message", broken)
    with pytest.raises(RuntimeError):
        accept(scenario)
    scenario.case.refresh_from_db()
    assert scenario.case.status == Status.FORWARDED
    assert not scenario.case.events.filter(action="accept").exists()


def test_it_links_each_notice_to_its_event_with_what_the_text_needs(scenario):
    scenario.reach("forwarded")
    accept(scenario)
    msg = OutboxMessage.objects.get(case=scenario.case, template="accepted")
    assert msg.event.action == "accept"
    assert msg.recipient == "13812345678"
    assert msg.payload["number"] == scenario.case.number
    assert msg.payload["query_code"] == scenario.case.query_code
    assert (msg.state, msg.attempts, msg.claimed_by) == (OutboxState.PENDING, 0, "")


def test_it_sends_nothing_before_the_worker_runs(scenario, http_sms):
    http_sms.down()  # even a gateway that is down cannot make a step fail
    scenario.reach("replied")
    assert http_sms.requests == []
    assert OutboxMessage.objects.filter(case=scenario.case, state=OutboxState.PENDING).count() == 4


def test_it_queues_a_notice_once_per_dedupe_key(orgs, lx_registrar):
    case = make_case(orgs["lx_bureau"], lx_registrar)
    first = queue_message(template="accepted", recipient="13812345678", dedupe_key="k-1", case=case)
    again = queue_message(template="accepted", recipient="13900000000", dedupe_key="k-1", case=case)
    assert first.pk == again.pk
    assert OutboxMessage.objects.filter(dedupe_key="k-1").count() == 1


def test_it_sends_no_sms_about_anonymous_cases(orgs, lx_registrar, make_user):
    case = make_case(orgs["lx_bureau"], lx_registrar, is_anonymous=True)
    engine.apply(case.pk, "forward", user=lx_registrar, data={"to_org": orgs["lx_zhujian"].pk})
    assert case.events.count() >= 2
    assert not OutboxMessage.objects.filter(case=case).exists()
    assert deliver_due()["claimed"] == 0


def test_it_stores_the_phone_encrypted(orgs, lx_registrar):
    from django.db import connection

    case = make_case(orgs["lx_bureau"], lx_registrar)
    msg = OutboxMessage.objects.get(case=case, template="registered")
    with connection.cursor() as cur:
        cur.execute("SELECT recipient FROM notifications_outboxmessage WHERE id = %s", [msg.pk])
        stored = cur.fetchone()[0]
    assert "13812345678" not in stored
    assert msg.masked_recipient == "138****5678"


def test_it_gives_each_message_one_idempotency_key_unique_to_this_deployment(orgs, lx_registrar, settings):
    case = make_case(orgs["lx_bureau"], lx_registrar)
    msg = OutboxMessage.objects.get(case=case, template="registered")
    key = msg.idempotency_key
    assert OutboxMessage.objects.get(pk=msg.pk).idempotency_key == key  # every resend carries the same key
    assert key.startswith("xf-") and msg.dedupe_key not in key  # the provider learns no internal ids
    settings.SECRET_KEY = "another-deployment-with-its-own-secret-key"
    assert msg.idempotency_key != key  # a county system sharing the provider account never collides
