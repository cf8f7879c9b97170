"""The NOTIFICATIONS setting, with defaults for anything it leaves out."""

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    "MAX_ATTEMPTS": 12,  # 30 s, 1, 2, 4 … min, then hourly: about 5 hours before giving up
    "BACKOFF_BASE_SECONDS": 30,
    "BACKOFF_MAX_SECONDS": 3600,
    "BACKOFF_JITTER": 0.2,  # ±20 %, so a recovering gateway is not hit by every retry at once
    "CLAIM_SECONDS": 120,  # a worker's lease on the messages it is sending
    "BATCH": 100,
    "BREAK_AFTER": 5,  # retryable errors in a row after which a run leaves the rest of its batch for later
    "VALUE_MAX_CHARS": 70,  # longest placeholder value in an SMS (one segment)
    # Messages that are useless once old: not sent after this many seconds.
    "EXPIRE_SECONDS": {"verification_code": 600},
    "EVALUATION_INVITE_DELAY_HOURS": 1,  # after the reply, so the reply notice arrives first
}


def conf() -> dict[str, Any]:
    return {**DEFAULTS, **getattr(settings, "NOTIFICATIONS", {})}
