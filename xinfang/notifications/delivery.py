"""Delivering the outbox: claim, send, record — no lock held while sending.

Run outside any transaction (the worker task and the `deliver_outbox` command
do), so every UPDATE below commits on its own.

* Claiming: one conditional UPDATE gives this run a short lease (`claimed_by`,
  `claimed_until`) on messages that are pending, due and not leased by anyone
  else; a row another worker leased since our SELECT no longer matches. Just
  before each send the lease is renewed, again conditionally, so a slow batch
  can never send a message whose lease another worker has taken over.
* Recording: every result is written by an UPDATE conditional on still
  holding the lease, so a worker that lost it cannot overwrite a result.
* Retrying: retryable errors back off exponentially (30 s · 2ⁿ, at most 1 h,
  ±20 % jitter) until MAX_ATTEMPTS, then the message fails and staff see it.
  After BREAK_AFTER retryable errors in a row the run stops sending and
  releases the rest of its batch untouched: a gateway that is down (or
  timing out) is not hammered, and the worker is not tied up for minutes.
* Exactly once: a crash after the provider accepted a message but before we
  recorded it leaves the row pending; once the lease lapses it is sent again
  with the same idempotency key (`OutboxMessage.idempotency_key`, fixed per
  row), which a well-behaved provider
  answers with the first result instead of a second SMS. At-least-once
  delivery plus the idempotency key is exactly-once as the petitioner sees it.
* Privacy: logs carry the message id, template and masked recipient, never a
  phone number or a text; one-time secrets (verification codes) are dropped
  from the payload once a message is done.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.utils import timezone

from xinfang.lib.masking import mask_text
from xinfang.lib.phone import is_mobile

from .conf import conf
from .gateways import GatewayError, SmsGateway, get_gateway
from .mail import send_email
from .models import Channel, MessageTemplate, OutboxMessage, OutboxState
from .texts import DEFAULTS, render

log = logging.getLogger(__name__)

SECRET_VALUES = ("code",)  # one-time secrets: not kept once the message is sent or failed
OUTCOMES = ("sent", "retrying", "failed", "lost", "deferred")


class Unsendable(Exception):
    """The message can never go out as it is (no number, expired …); Chinese text for staff."""


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_native_id()}"[:80]


def backoff(attempts: int, cfg: dict[str, Any] | None = None, rng: Callable[[], float] = random.random) -> timedelta:
    """Wait before attempt `attempts + 1`: base · 2^(attempts-1), capped, with jitter."""
    cfg = cfg or conf()
    base = cfg["BACKOFF_BASE_SECONDS"] * 2 ** min(max(attempts - 1, 0), 30)
    jitter = cfg["BACKOFF_JITTER"] * (2 * rng() - 1)
    return timedelta(seconds=min(base, cfg["BACKOFF_MAX_SECONDS"]) * (1 + jitter))


def _due(now: datetime) -> Q:
    return (Q(state=OutboxState.PENDING)
            & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            & (Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)))


def due_ids(now: datetime, batch: int) -> list[int]:
    return list(OutboxMessage.objects.filter(_due(now)).order_by("id").values_list("pk", flat=True)[:batch])


def take(ids: list[int], now: datetime, *, token: str, until: datetime) -> list[int]:
    """Lease these messages to `token` unless someone else holds them; the ids taken.

    The WHERE repeats the due conditions: rows another worker leased since
    `ids` was read no longer match, so two workers reading the same ids split
    them instead of both sending."""
    if not ids or not OutboxMessage.objects.filter(_due(now), pk__in=ids).update(claimed_by=token,
                                                                                  claimed_until=until):
        return []
    return list(OutboxMessage.objects.filter(pk__in=ids, claimed_by=token).order_by("id").values_list("pk", flat=True))


def claim(now: datetime, *, batch: int, token: str, lease: timedelta) -> list[int]:
    """Lease up to `batch` due messages to `token`; the ids actually leased."""
    return take(due_ids(now, batch), now, token=token, until=now + lease)


def _scrub(payload: Any) -> dict:
    return {k: v for k, v in (payload or {}).items() if k not in SECRET_VALUES}


class _Run:
    """One deliver_due call: its lease token, clock, settings and gateway."""

    def __init__(self, token: str, clock: Callable[[], datetime], cfg: dict[str, Any], lease: timedelta,
                 gateway: SmsGateway | None):
        self.token, self.clock, self.cfg, self.lease = token, clock, cfg, lease
        self._gateway = gateway
        self.failures_in_a_row = 0
        self.templates = {t.key: t for t in MessageTemplate.objects.all()}

    @property
    def gateway(self) -> SmsGateway:
        if self._gateway is None:
            self._gateway = get_gateway()
        return self._gateway

    def _mine(self, msg: OutboxMessage):
        return OutboxMessage.objects.filter(pk=msg.pk, claimed_by=self.token, state=OutboxState.PENDING)

    def deliver(self, msg: OutboxMessage) -> str:
        if self.failures_in_a_row >= self.cfg["BREAK_AFTER"]:
            self._mine(msg).update(claimed_by="", claimed_until=None)
            return "deferred"
        if not self._mine(msg).update(claimed_until=self.clock() + self.lease):
            return "lost"  # our lease lapsed and another worker took the message over
        try:
            subject, text = self.compose(msg, self.clock())
        except Unsendable as e:
            return self.fail(msg, str(e), counts_as_attempt=False)
        try:
            provider_id = self.send(msg, subject, text)
        except GatewayError as e:
            self.failures_in_a_row += int(e.retryable)
            return self.retry_or_fail(msg, mask_text(str(e)), retryable=e.retryable)
        except ImproperlyConfigured as e:  # retried: fixing the settings should not lose messages
            log.error("outbox %s: SMS backend misconfigured: %s", msg.pk, e)
            self.failures_in_a_row += 1
            return self.retry_or_fail(msg, f"短信通道配置错误：{e}", retryable=True)
        except Exception as e:  # a broken backend must not stop the batch; its text may hold personal data
            log.error("outbox %s: %s from the %s backend", msg.pk, type(e).__name__, msg.channel)
            self.failures_in_a_row += 1
            return self.retry_or_fail(msg, f"发送程序异常：{type(e).__name__}", retryable=True)
        self.failures_in_a_row = 0
        done = self._mine(msg).update(
            state=OutboxState.SENT, sent_at=self.clock(), provider_id=(provider_id or "")[:100],
            attempts=msg.attempts + 1, claimed_by="", claimed_until=None, payload=_scrub(msg.payload))
        if not done:
            log.warning("outbox %s: sent, but the lease was lost before recording it; a resend carries the "
                        "same idempotency key", msg.pk)
        log.info("outbox %s (%s) sent to %s", msg.pk, msg.template, msg.masked_recipient)
        return "sent"

    def compose(self, msg: OutboxMessage, now: datetime) -> tuple[str, str]:
        """(subject, text) of the message, or Unsendable."""
        max_age = self.cfg["EXPIRE_SECONDS"].get(msg.template)
        if max_age is not None and now - msg.created_at > timedelta(seconds=max_age):
            raise Unsendable(f"已超过有效期（{max_age // 60}分钟）未能发出，不再发送")
        if msg.channel == Channel.SMS:
            if not msg.recipient:
                raise Unsendable("未登记手机号码，无法发送短信，请书面告知")
            if not is_mobile(msg.recipient):
                raise Unsendable("接收号码不是手机号码，无法发送短信，请书面告知")
        elif msg.channel == Channel.EMAIL:
            if not msg.recipient:
                raise Unsendable("未登记电子邮箱，无法发送邮件")
        else:
            raise Unsendable(f"未知的发送渠道：{msg.channel}")
        row, spec = self.templates.get(msg.template), DEFAULTS.get(msg.template)
        if row is None and spec is None:
            raise Unsendable(f"未找到通知模板「{msg.template}」")
        body = row.body if row is not None else spec.body  # type: ignore[union-attr]
        name = row.name if row is not None else spec.name  # type: ignore[union-attr]
        values = msg.payload if isinstance(msg.payload, dict) else {}
        missing = sorted(n for n in (spec.required if spec else ()) if values.get(n) in (None, ""))
        if missing:
            raise Unsendable("通知数据缺少" + "、".join(f"{{{n}}}" for n in missing) + "，无法发送")
        limit = self.cfg["VALUE_MAX_CHARS"] if msg.channel == Channel.SMS else None
        return f"阳光信访：{name}", render(body, values, value_limit=limit)

    def send(self, msg: OutboxMessage, subject: str, text: str) -> str:
        if msg.channel == Channel.EMAIL:
            return send_email(msg.recipient, subject, text, idempotency_key=msg.idempotency_key)
        return self.gateway.send(msg.recipient, text, idempotency_key=msg.idempotency_key)

    def retry_or_fail(self, msg: OutboxMessage, error: str, *, retryable: bool) -> str:
        attempts = msg.attempts + 1
        if not retryable:
            return self.fail(msg, error)
        if attempts >= self.cfg["MAX_ATTEMPTS"]:
            return self.fail(msg, f"{error}（已尝试{attempts}次，不再重试）")
        self._mine(msg).update(attempts=attempts, next_attempt_at=self.clock() + backoff(attempts, self.cfg),
                               last_error=error[:1000], claimed_by="", claimed_until=None)
        log.info("outbox %s (%s): attempt %s failed, will retry", msg.pk, msg.template, attempts)
        return "retrying"

    def fail(self, msg: OutboxMessage, error: str, *, counts_as_attempt: bool = True) -> str:
        self._mine(msg).update(state=OutboxState.FAILED, attempts=msg.attempts + int(counts_as_attempt),
                               last_error=error[:1000], claimed_by="", claimed_until=None,
                               payload=_scrub(msg.payload))
        log.warning("outbox %s (%s) failed to %s", msg.pk, msg.template, msg.masked_recipient)
        return "failed"


def deliver_due(now: datetime | None = None, batch: int | None = None, worker_id: str | None = None,
                gateway: SmsGateway | None = None) -> dict[str, int]:
    """Send the messages that are due now; counts of what happened.

    `now` pins the clock (tests); `gateway` overrides settings.SMS_BACKEND."""
    cfg = conf()
    clock: Callable[[], datetime] = (lambda: now) if now is not None else timezone.now
    # The lease must outlast the slowest single send by a wide margin.
    lease = timedelta(seconds=max(cfg["CLAIM_SECONDS"], 3 * float(getattr(settings, "SMS_TIMEOUT", 10))))
    token = f"{(worker_id or worker_name())[:80]}/{uuid.uuid4().hex[:8]}"  # unique per run
    ids = claim(clock(), batch=batch or cfg["BATCH"], token=token, lease=lease)
    counts = dict.fromkeys(("claimed", *OUTCOMES), 0)
    counts["claimed"] = len(ids)
    if ids:
        run = _Run(token, clock, cfg, lease, gateway)
        for msg in OutboxMessage.objects.filter(pk__in=ids).order_by("id"):
            counts[run.deliver(msg)] += 1
    return counts


def deliver_pending(max_seconds: float = 30.0, **kwargs: Any) -> dict[str, int]:
    """deliver_due in full batches until the backlog is empty or time is up (for the worker task)."""
    total = dict.fromkeys(("claimed", *OUTCOMES), 0)
    started = time.monotonic()
    batch = kwargs.pop("batch", None) or conf()["BATCH"]
    while True:
        counts = deliver_due(batch=batch, **kwargs)
        for k, v in counts.items():
            total[k] += v
        # Go on only while a full batch went out well: a short batch means the
        # backlog is empty, nothing sent or deferrals mean the gateway is in trouble.
        if (counts["claimed"] < batch or not counts["sent"] or counts["deferred"]
                or time.monotonic() - started > max_seconds):
            return total
