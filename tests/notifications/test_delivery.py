"""Delivery by the worker: retries with backoff while the gateway is down,
every message exactly once when it is back, permanent errors not retried,
leases that survive crashes, and no double sends between workers."""

import json
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from xinfang.notifications import delivery
from xinfang.notifications.delivery import backoff, deliver_due
from xinfang.notifications.gateways import get_gateway
from xinfang.notifications.models import MessageTemplate, OutboxMessage, OutboxState
from xinfang.notifications.outbox import queue_message

pytestmark = pytest.mark.django_db

PHONE = "13812345678"


def queue(n: int = 1, template: str = "accepted", recipient: str = PHONE, **kw) -> list[OutboxMessage]:
    payload = kw.pop("payload", {"number": "320213-2026-000001", "query_code": "ABCD2345EFGH", "note": ""})
    return [queue_message(template=template, recipient=recipient, dedupe_key=f"test:{template}:{i}",
                          payload=payload, **kw) for i in range(n)]


def test_it_delivers_through_the_console_and_writes_the_file(settings, capsys):
    (msg,) = queue()
    assert deliver_due() == {"claimed": 1, "sent": 1, "retrying": 0, "failed": 0, "lost": 0, "deferred": 0}
    msg.refresh_from_db()
    assert (msg.state, msg.attempts, msg.claimed_by) == (OutboxState.SENT, 1, "")
    assert msg.sent_at is not None and msg.provider_id.startswith("console-")
    written = Path(settings.SMS_FILE).read_text(encoding="utf-8")
    (line,) = [json.loads(x) for x in written.splitlines()]
    assert line["to"] == "138****5678"
    assert line["text"].startswith("【阳光信访】您的信访事项（编号320213-2026-000001）已受理")
    assert PHONE not in written
    assert PHONE not in capsys.readouterr().out


def test_it_sends_the_rendered_text_over_http(scenario, http_sms):
    scenario.reach("registered")
    counts = deliver_due()
    assert counts["sent"] == 1
    (delivery,) = http_sms.delivered.values()
    assert delivery.phone == PHONE
    assert delivery.text == (f"【阳光信访】您的信访事项已登记，编号{scenario.case.number}，查询码{scenario.case.query_code}。"
                             "请妥善保管查询码，可凭编号和查询码在阳光信访网站查询办理进度。")
    msg = OutboxMessage.objects.get(case=scenario.case)
    assert http_sms.requests[0].headers["Idempotency-Key"] == msg.idempotency_key
    assert msg.provider_id == delivery.message_id


def test_it_delivers_every_message_exactly_once_after_the_gateway_comes_back(scenario, http_sms):
    scenario.reach("replied")
    keys = {m.idempotency_key for m in OutboxMessage.objects.all()}
    assert len(keys) == 4
    http_sms.down()
    now = timezone.now()
    for attempt in (1, 2, 3):
        counts = deliver_due(now=now)
        assert (counts["claimed"], counts["retrying"], counts["sent"]) == (4, 4, 0)
        rows = list(OutboxMessage.objects.all())
        assert {r.attempts for r in rows} == {attempt}
        assert {r.state for r in rows} == {OutboxState.PENDING}
        assert all("503" in r.last_error for r in rows)
        # Backoff: 30 s · 2^(n-1) with ±20 % jitter, and nothing is retried earlier.
        base = 30 * 2 ** (attempt - 1)
        for r in rows:
            assert now + timedelta(seconds=0.8 * base) <= r.next_attempt_at <= now + timedelta(seconds=1.2 * base)
        earliest = min(r.next_attempt_at for r in rows)
        assert deliver_due(now=earliest - timedelta(seconds=1))["claimed"] == 0
        now = max(r.next_attempt_at for r in rows)
    assert len(http_sms.requests) == 12
    http_sms.up()
    assert deliver_due(now=now)["sent"] == 4
    assert deliver_due(now=now + timedelta(hours=5))["claimed"] == 0
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {OutboxState.SENT}
    assert set(http_sms.delivered) == keys
    assert [k for k, n in http_sms.keys_sent().items() if n != 4] == []  # 3 refused + 1 accepted, no more


def test_it_fails_a_rejected_message_without_retrying(http_sms):
    (msg,) = queue()
    http_sms.reject()
    now = timezone.now()
    assert deliver_due(now=now)["failed"] == 1
    msg.refresh_from_db()
    assert (msg.state, msg.attempts) == (OutboxState.FAILED, 1)
    assert "400" in msg.last_error
    assert deliver_due(now=now + timedelta(days=1))["claimed"] == 0
    assert len(http_sms.requests) == 1


def test_it_gives_up_after_the_configured_attempts(settings, http_sms):
    settings.NOTIFICATIONS = {"MAX_ATTEMPTS": 3}
    (msg,) = queue()
    http_sms.down()
    now = timezone.now()
    for _ in range(5):
        deliver_due(now=now)
        now += timedelta(hours=2)
    msg.refresh_from_db()
    assert (msg.state, msg.attempts) == (OutboxState.FAILED, 3)
    assert "已尝试3次" in msg.last_error
    assert len(http_sms.requests) == 3


def test_it_stops_hammering_a_gateway_that_is_down(http_sms):
    queue(8)
    http_sms.down()
    counts = deliver_due()
    assert (counts["retrying"], counts["deferred"]) == (5, 3)
    assert len(http_sms.requests) == 5
    untouched = OutboxMessage.objects.filter(attempts=0)
    assert untouched.count() == 3
    assert set(untouched.values_list("claimed_by", "next_attempt_at")) == {("", None)}


def test_the_worker_task_drains_full_batches_but_stops_while_the_gateway_is_down(http_sms):
    queue(10)
    assert delivery.deliver_pending(batch=4)["sent"] == 10
    queue(10, template="declined")
    http_sms.down()
    total = delivery.deliver_pending(batch=4)
    assert (total["claimed"], total["retrying"]) == (4, 4)  # one batch, then it waits for the next run


def test_it_keeps_messages_while_the_sms_settings_are_broken(settings):
    (msg,) = queue()
    settings.SMS_BACKEND, settings.SMS_HTTP_URL = "http", ""
    assert deliver_due()["retrying"] == 1
    msg.refresh_from_db()
    assert msg.state == OutboxState.PENDING and "短信通道配置错误" in msg.last_error


def test_it_does_not_send_what_another_worker_holds_and_resends_once_its_lease_lapses(http_sms):
    """A worker sent the message, then crashed before recording it. Its lease
    keeps others away for a while; the resend carries the same idempotency key,
    so the provider sends one SMS."""
    (msg,) = queue()
    now = timezone.now()
    first_id = get_gateway().send(PHONE, "已受理", idempotency_key=msg.idempotency_key)
    OutboxMessage.objects.filter(pk=msg.pk).update(claimed_by="crashed-worker/1", claimed_until=now + timedelta(minutes=2))
    assert deliver_due(now=now + timedelta(minutes=1))["claimed"] == 0
    assert deliver_due(now=now + timedelta(minutes=3))["sent"] == 1
    msg.refresh_from_db()
    assert msg.state == OutboxState.SENT and msg.provider_id == first_id
    assert len(http_sms.delivered) == 1 and len(http_sms.requests) == 2


def test_it_skips_what_it_cannot_send_with_a_reason_for_staff(http_sms):
    fixed, = queue(recipient="0510-82345678")
    none, = queue(template="declined", recipient="")
    assert deliver_due()["failed"] == 2
    fixed.refresh_from_db()
    none.refresh_from_db()
    assert "不是手机号码" in fixed.last_error and fixed.attempts == 0
    assert "未登记手机号码" in none.last_error
    assert http_sms.requests == []


def test_it_drops_expired_verification_codes_and_forgets_sent_ones(http_sms):
    now = timezone.now()
    stale = queue_message(template="verification_code", recipient=PHONE, dedupe_key="v-1",
                          payload={"code": "111111"}, at=now - timedelta(minutes=11))
    fresh = queue_message(template="verification_code", recipient=PHONE, dedupe_key="v-2",
                          payload={"code": "222222", "minutes": 10}, at=now)
    counts = deliver_due(now=now)
    assert (counts["sent"], counts["failed"]) == (1, 1)
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.state == OutboxState.FAILED and "有效期" in stale.last_error
    assert http_sms.delivered[fresh.idempotency_key].text == "【阳光信访】您的验证码为222222，10分钟内有效。如非本人操作请忽略。"
    assert "code" not in fresh.payload and "code" not in stale.payload


def test_it_applies_template_edits_to_messages_not_yet_sent(http_sms):
    queue()
    MessageTemplate.objects.filter(key="accepted").update(body="事项{number}已受理，查询码{query_code}。{unknown}")
    deliver_due()
    (delivery,) = http_sms.delivered.values()
    assert delivery.text == "【阳光信访】事项320213-2026-000001已受理，查询码ABCD2345EFGH。{unknown}"


def test_it_falls_back_to_the_built_in_text_when_a_template_row_is_missing(http_sms):
    queue()
    MessageTemplate.objects.filter(key="accepted").delete()
    assert deliver_due()["sent"] == 1
    assert "已受理" in next(iter(http_sms.delivered.values())).text


def test_it_shortens_long_notes_in_an_sms(http_sms):
    queue(template="declined", payload={"number": "N1", "note": "不予受理：" + "理由很长" * 40})
    deliver_due()
    text = next(iter(http_sms.delivered.values())).text
    assert "…" in text and len(text) < 160


def test_it_sends_email_through_django():
    (msg,) = queue(channel="email", recipient="zhang.san@example.com")
    assert deliver_due()["sent"] == 1
    (email,) = mail.outbox
    assert email.to == ["zhang.san@example.com"]
    assert email.subject == "阳光信访：受理告知"
    assert "您的信访事项（编号320213-2026-000001）已受理" in email.body
    msg.refresh_from_db()
    assert email.extra_headers["Message-ID"] == msg.provider_id
    assert msg.masked_recipient == "z***@example.com"


def test_backoff_doubles_and_is_capped():
    cfg = {"BACKOFF_BASE_SECONDS": 30, "BACKOFF_MAX_SECONDS": 3600, "BACKOFF_JITTER": 0.2}
    middle = [backoff(n, cfg, rng=lambda: 0.5).total_seconds() for n in range(1, 10)]
    assert middle == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert backoff(1, cfg, rng=lambda: 0.0).total_seconds() == pytest.approx(24)
    assert backoff(1, cfg, rng=lambda: 1.0).total_seconds() == pytest.approx(36)


def test_a_stale_read_cannot_take_what_another_worker_leased():
    msgs = queue(3)
    now = timezone.now()
    ids = delivery.due_ids(now, 10)  # both workers read the same due rows …
    assert delivery.take(ids, now, token="A/1", until=now + timedelta(minutes=2)) == [m.pk for m in msgs]
    assert delivery.take(ids, now, token="B/1", until=now + timedelta(minutes=2)) == []  # … one gets them
    later = now + timedelta(minutes=3)  # A's lease lapsed (A crashed): now B may
    assert delivery.take(delivery.due_ids(later, 10), later, token="B/2", until=later) == [m.pk for m in msgs]


class StealingGateway:
    """Sends, and meanwhile another worker takes over `victim` (our lease lapsed)."""

    def __init__(self, victim: OutboxMessage):
        self.inner, self.victim = get_gateway(), victim

    def send(self, phone, text, *, idempotency_key):
        OutboxMessage.objects.filter(pk=self.victim.pk).update(claimed_by="other-worker/1")
        return self.inner.send(phone, text, idempotency_key=idempotency_key)


def test_it_does_not_send_a_message_whose_lease_it_lost(http_sms):
    first, second = queue(2)
    counts = deliver_due(gateway=StealingGateway(second))
    assert (counts["sent"], counts["lost"]) == (1, 1)
    assert list(http_sms.delivered) == [first.idempotency_key]
    second.refresh_from_db()
    assert (second.state, second.claimed_by, second.attempts) == (OutboxState.PENDING, "other-worker/1", 0)


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_send_the_same_message_twice(http_sms, monkeypatch):
    msgs = queue(30)
    http_sms.delay = 0.01  # sends overlap
    read = delivery.due_ids

    def slow_read(now, batch):
        ids = read(now, batch)
        time.sleep(0.02)  # widen the gap between reading and leasing: both workers read the same rows
        return ids

    monkeypatch.setattr(delivery, "due_ids", slow_read)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def work(name: str) -> None:
        try:
            start.wait()
            while deliver_due(batch=4, worker_id=name)["claimed"]:
                pass
        except BaseException as e:  # surfaced below; a thread cannot fail the test itself
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(f"worker-{i}",)) for i in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert OutboxMessage.objects.filter(state=OutboxState.SENT).count() == len(msgs)
    sent = http_sms.keys_sent()
    assert set(sent) == {m.idempotency_key for m in msgs}
    assert max(sent.values()) == 1  # every message reached the provider exactly once
