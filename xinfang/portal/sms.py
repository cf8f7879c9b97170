"""SMS verification codes: prove the petitioner holds the mobile number given.

A code is 6 digits, valid 10 minutes, for at most 5 tries; a new one may be
sent to the same number once a minute. Only its keyed hash (HMAC-SM3, the same
key family as the blind indexes) is stored; the plain code travels only in the
outbox message that the SMS gateway delivers."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from xinfang.lib import hotsql
from xinfang.lib.crypto import index_field
from xinfang.lib.dbinsert import insert_parts
from xinfang.lib.masking import mask_phone
from xinfang.lib.sqlrows import Statement, as_instance
from xinfang.notifications.models import OutboxMessage
from xinfang.notifications.outbox import queue_message

from . import challenge, ratelimit
from .models import PhoneVerification

CODE_TTL = timedelta(minutes=10)
RESEND_AFTER = timedelta(seconds=60)
MAX_ATTEMPTS = 5

MSG_NONE = "请先获取短信验证码"
MSG_EXPIRED = "短信验证码已过期，请重新获取"
MSG_WRONG = "短信验证码不正确"
MSG_TOO_MANY = "短信验证码错误次数过多，请重新获取"
MSG_USED = "该短信验证码已使用，请重新获取"


class CodeError(Exception):
    """Why a code request or a code was refused (Chinese); `wait` seconds before a retry."""

    def __init__(self, message: str, wait: int = 0):
        super().__init__(message)
        self.wait = wait


@dataclass(frozen=True)
class Sent:
    message: str
    wait: int


def phone_index(phone: str) -> str:
    return index_field(phone)


def _hash(phone: str, code: str) -> str:
    return index_field(f"portal-sms:{phone}:{code}")


def send_code(phone: str, *, ip: str, claim: ratelimit.Claim | None = None, now=None) -> Sent:
    """Queue a new code for `phone` (already validated as a mobile number).
    `claim`: the request's checked challenge, taken in the same cache round trip
    as the limits are read (challenge.ChallengeError if it was someone else's)."""
    now = now or timezone.now()
    idx = phone_index(phone)
    # The limits count codes sent: held at the door, given back if none is sent.
    door = ratelimit.at_the_door(claim=claim, hold=[("sms_ip", ip), ("sms_phone", idx)])
    try:
        if not door.claimed:
            raise challenge.ChallengeError(challenge.MSG_USED)
        if door.problem:
            raise CodeError(door.problem)
        code = f"{secrets.randbelow(10**6):06d}"
        saved = _save_with_message(
            PhoneVerification(phone_index=idx, code_hash=_hash(phone, code), created_at=now,
                              expires_at=now + CODE_TTL),
            OutboxMessage(template="verification_code", recipient=phone, dedupe_key=DEDUPE_PREFIX, created_at=now,
                          payload={"code": code, "minutes": int(CODE_TTL.total_seconds() // 60)}),
        )
        if not saved:  # one was sent less than RESEND_AFTER ago
            last = latest(phone)
            elapsed = now - last.created_at if last is not None else RESEND_AFTER
            wait = max(int((RESEND_AFTER - elapsed).total_seconds()) + 1, 1)
            raise CodeError(f"验证码已发送，请{wait}秒后再重新获取", wait=wait)
    except BaseException:
        ratelimit.release(door)
        raise
    message = f"验证码已发送至 {mask_phone(phone)}，{int(CODE_TTL.total_seconds() // 60)}分钟内有效"
    if getattr(settings, "PORTAL_SMS_ECHO", False) and settings.DEBUG:
        # Embedded demo only: there is no SMS gateway, so show the code on screen.
        message += f"（演示环境，验证码：{code}）"
    return Sent(message, int(RESEND_AFTER.total_seconds()))


DEDUPE_PREFIX = "portal-verify:"  # + the verification's id


def _recently_sent(v: PhoneVerification) -> bool:
    return PhoneVerification.objects.filter(phone_index=v.phone_index,
                                            created_at__gt=v.created_at - RESEND_AFTER).exists()


def _save_with_message(v: PhoneVerification, msg: OutboxMessage) -> bool:
    """Save the code and queue its SMS (dedupe key: DEDUPE_PREFIX + the code's
    id) atomically, unless a code went to the same phone less than RESEND_AFTER
    before `v`; False then, and nothing saved. On PostgreSQL that is one
    statement, the check and the INSERTs joined by a WITH, instead of SELECT,
    BEGIN, INSERT, INSERT, COMMIT; elsewhere a transaction."""
    if connection.vendor != "postgresql":
        with transaction.atomic():
            if _recently_sent(v):
                return False
            v.save()
            queue_message(template=msg.template, recipient=msg.recipient, dedupe_key=f"{DEDUPE_PREFIX}{v.pk}",
                          payload=msg.payload, at=msg.created_at)
        return True
    v_table, v_columns, v_values = insert_parts(v)
    m_table, m_columns, m_values = insert_parts(msg)
    m_selects = ["%s"] * len(m_columns)
    m_selects[m_columns.index(connection.ops.quote_name("dedupe_key"))] = "%s || v.id::text"
    # Tables and columns come from our models; every value is a parameter.
    recent = (f"SELECT 1 FROM {v_table} WHERE phone_index = %s AND created_at > %s")  # noqa: S608
    v_part = (f"INSERT INTO {v_table} ({', '.join(v_columns)}) SELECT {', '.join(['%s'] * len(v_columns))}"  # noqa: S608
              f" WHERE NOT EXISTS ({recent}) RETURNING id")
    m_part = f"INSERT INTO {m_table} ({', '.join(m_columns)}) SELECT {', '.join(m_selects)} FROM v"  # noqa: S608
    sql = f"WITH v AS ({v_part}) {m_part} RETURNING id, dedupe_key"
    row = hotsql.fetchone(sql, [*v_values, v.phone_index, v.created_at - RESEND_AFTER, *m_values])
    if row is None:
        return False
    msg.pk, key = row
    v.pk = int(key.removeprefix(DEDUPE_PREFIX))
    msg.dedupe_key = key
    for saved in (v, msg):
        saved._state.adding, saved._state.db = False, DEFAULT_DB_ALIAS
    return True


def latest(phone: str) -> PhoneVerification | None:
    # Written out: on every petition POST, and the ORM took longer to build it than to run it.
    row = _LATEST.first([phone_index(phone)])
    return as_instance(PhoneVerification, row) if row is not None else None


_FIELDS = PhoneVerification._meta.concrete_fields
_COLUMNS = ", ".join(connection.ops.quote_name(f.column or "") for f in _FIELDS)
_LATEST = Statement(
    f"SELECT {_COLUMNS} FROM {PhoneVerification._meta.db_table}"  # noqa: S608 - names from the model
    " WHERE phone_index = %s ORDER BY created_at DESC, id DESC LIMIT 1", _FIELDS)


def check_code(phone: str, code: str, *, token: str, now=None) -> PhoneVerification:
    """The verification this code matches, or CodeError. A wrong code costs one
    of the 5 tries. A code already consumed by this same client token passes:
    that is a retried POST, and the caller returns the submission it made."""
    now = now or timezone.now()
    v = latest(phone)
    if v is None:
        raise CodeError(MSG_NONE)
    if v.consumed_at is not None:
        if token and v.consumed_token == token:
            return v
        raise CodeError(MSG_USED)
    if v.expires_at < now:
        raise CodeError(MSG_EXPIRED)
    if v.attempts >= MAX_ATTEMPTS:
        raise CodeError(MSG_TOO_MANY)
    if not constant_time_compare(v.code_hash, _hash(phone, (code or "").strip())):
        # Conditional increment: concurrent guesses cannot share one try.
        PhoneVerification.objects.filter(pk=v.pk, attempts__lt=MAX_ATTEMPTS).update(attempts=F("attempts") + 1)
        left = MAX_ATTEMPTS - v.attempts - 1
        raise CodeError(f"{MSG_WRONG}，还可尝试{left}次" if left > 0 else MSG_TOO_MANY)
    return v


def consume(v: PhoneVerification, *, token: str, now=None) -> bool:
    """Mark the code used by this client token, inside the caller's transaction.
    One conditional UPDATE: it locks the row, so of two concurrent submissions
    the second waits for the first to commit and then matches nothing. Returns
    False if it was already consumed (by this token: the caller finds that
    submission; by another: the caller refuses)."""
    now = now or timezone.now()
    return hotsql.rowcount(_CONSUME_SQL, [connection.ops.adapt_datetimefield_value(now), token, v.pk]) == 1


# Written out, as the update() it replaces wrote it: one statement, on every petition.
_CONSUME_SQL = (f"UPDATE {PhoneVerification._meta.db_table} SET consumed_at = %s, consumed_token = %s"  # noqa: S608
                " WHERE id = %s AND consumed_at IS NULL")


def purge(*, now=None, keep=timedelta(days=1)) -> int:
    """Delete codes older than `keep` (long dead: 10-minute codes, 60-second
    resends). Idempotent; run daily."""
    now = now or timezone.now()
    deleted, _ = PhoneVerification.objects.filter(created_at__lt=now - keep).delete()
    return deleted
