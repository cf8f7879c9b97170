"""Fixed-window counters in the Django cache, for the public pages.

Windows are aligned to Beijing time, so "per day" means a calendar day as the
petitioner understands it. The identities (IP, phone, query code) are hashed
before they become cache keys: no personal data in Redis. With more than one
web process the cache must be shared (REDIS_URL), or each process counts alone."""

import contextlib
import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache, caches

from .redis_cache import RedisCache

BEIJING_OFFSET = 8 * 3600
# The windows' clock: the tests hold it still, so that a test's counts never
# fall on both sides of a window's end (they did, at 03:45 UTC).
_clock = time.time


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int
    message: str


DEFAULTS: dict[str, tuple[int, int]] = {
    "submit_ip": (20, 3600),      # petition form posts per IP per hour
    "submit_phone": (5, 86400),   # new petitions per mobile number per day
    "sms_ip": (20, 3600),         # SMS code requests per IP per hour
    "sms_phone": (10, 86400),     # SMS codes per mobile number per day
    "track_ip": (5, 900),         # failed progress queries per IP per 15 minutes
    "track_code": (5, 900),       # failed progress queries per query code per 15 minutes
}

MESSAGES = {
    "submit_ip": "提交过于频繁，请稍后再试（同一网络每小时最多提交{count}次）",
    "submit_phone": "该手机号码今日提交的信访事项已达{count}件，请明日再试，或到信访接待场所当面反映",
    "sms_ip": "获取验证码过于频繁，请稍后再试",
    "sms_phone": "该手机号码今日获取验证码次数已达上限，请明日再试",
    "track_ip": "查询失败次数过多，请{minutes}分钟后再试",
    "track_code": "查询失败次数过多，请{minutes}分钟后再试",
}


def limit(scope: str) -> Limit:
    count, seconds = {**DEFAULTS, **getattr(settings, "PORTAL_RATE_LIMITS", {})}[scope]
    return Limit(count, seconds, MESSAGES[scope].format(count=count, minutes=max(seconds // 60, 1)))


def _key(scope: str, ident: str, seconds: int, now: float) -> str:
    window = int((now + BEIJING_OFFSET) // seconds)
    digest = hashlib.sha256(f"{scope}:{ident}".encode()).hexdigest()[:32]
    return f"portal:rl:{scope}:{window}:{digest}"


def used(scope: str, ident: str, now: float | None = None) -> int:
    lim = limit(scope)
    return cache.get(_key(scope, ident, lim.seconds, now or _clock()), 0)


def exceeded(scope: str, ident: str, now: float | None = None) -> str | None:
    """The Chinese message if the limit is already reached, else None. Does not count."""
    return first_exceeded([(scope, ident)], now)


def first_exceeded(checks: list[tuple[str, str]], now: float | None = None) -> str | None:
    """`exceeded` for several (scope, identity) pairs in one cache round trip:
    the message of the first one at its limit, else None."""
    return at_the_door(check=checks, now=now).problem


def count_within(scope: str, ident: str, now: float | None = None) -> str | None:
    """Count one more, then the Chinese message if that went past the limit,
    else None: `exceeded` and `hit` in one round trip, for a limit on attempts
    (a refused attempt counts too, which changes nothing: the window is full)."""
    return at_the_door(count=[(scope, ident)], now=now).problem


def hit(scope: str, ident: str, now: float | None = None) -> int:
    """Count one more; returns the new count."""
    return hit_many([(scope, ident)], now)[0]


def hit_many(hits: list[tuple[str, str]], now: float | None = None) -> list[int]:
    """`hit` for several (scope, identity) pairs, in one round trip on Redis."""
    return _round_trip(_keyed(hits, now), None, [])[0]


@dataclass(frozen=True)
class Claim:
    """A single-use key (a solved challenge) taken for `owner` for `seconds`:
    the same owner may take it again (a retried request), no one else may."""

    key: str
    owner: str
    seconds: int


@dataclass(frozen=True)
class Door:
    """What one round trip at a public POST's door found, checks in the order given."""

    problem: str | None  # the first limit's message: counted past it, or checked at it
    claimed: bool  # the claim is the owner's (True when there was no claim)
    held: tuple[str, ...] = ()  # the counters `hold` took: release() gives them back


def at_the_door(*, count: Sequence[tuple[str, str]] = (), claim: Claim | None = None,
                hold: Sequence[tuple[str, str]] = (), check: Sequence[tuple[str, str]] = (),
                now: float | None = None) -> Door:
    """`count_within` for `count` and for `hold`, the claim, and `exceeded` for
    `check`, in one round trip on Redis.

    `count` is for limits on attempts: every one counts, refused or not. `hold`
    is for limits on what an attempt achieves (codes sent, petitions accepted):
    the count is taken first, so concurrent attempts can never pass the limit
    together, and the caller gives it back with release() when the attempt ends
    otherwise. Counting after success instead took a second round trip."""
    counted, checked = _keyed([*count, *hold], now), _keyed(check, now)
    counts, claimed, used = _round_trip(counted, claim, checked)
    over = [lim.message for n, (_, lim) in zip(counts, counted, strict=True) if n > lim.count]
    over += [lim.message for n, (_, lim) in zip(used, checked, strict=True) if n >= lim.count]
    return Door(over[0] if over else None, claimed, tuple(k for k, _ in counted[len(count):]))


def release(door: Door) -> None:
    """Give back the counts `door` held: the attempt did not end as the limit counts."""
    if not door.held:
        return
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        backend.round_trip([("DECR", backend.make_key(key)) for key in door.held])
        return
    for key in door.held:
        with contextlib.suppress(ValueError):  # expired meanwhile: nothing left to give back
            cache.decr(key)


def _keyed(pairs: Sequence[tuple[str, str]], now: float | None) -> list[tuple[str, Limit]]:
    now = now or _clock()
    keyed = []
    for scope, ident in pairs:
        lim = limit(scope)  # settings merged and message formatted: once per pair
        keyed.append((_key(scope, ident, lim.seconds, now), lim))
    return keyed


def _round_trip(counted: list[tuple[str, Limit]], claim: Claim | None,
                checked: list[tuple[str, Limit]]) -> tuple[list[int], bool, list[int]]:
    """Count each of `counted` (a counter lives a minute past its window), take
    the claim, read each of `checked`: (the new counts, whether the claim is the
    owner's, the counts read). On Redis one round trip (Django's add and incr
    take four per counter; RedisCache.round_trip says why not a redis-py
    pipeline); on other caches the same, call by call.

    The commands are not a MULTI/EXEC transaction: each command is atomic on its
    own and nothing here needs them isolated from other clients' (another
    request's increment between this SET NX and INCR counts as it should; a
    claim once set is only read back). A transaction cost two more commands and
    a QUEUED reply per command, ~40% of redis-py's work for the round trip.
    A Lua script doing the same (one EVALSHA, one reply) cost this process
    ~30 µs less per call but Redis ~28 µs more: no gain on a shared machine."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        # Keys as the cache makes them (prefix, version), unvalidated: the
        # validation warns of keys memcached would refuse, and these are ours.
        raws = [backend.make_key(k) for k, _ in counted + checked]
        commands: list[tuple] = []
        for raw, (_, lim) in zip(raws, counted, strict=False):
            commands += [("SET", raw, 0, "EX", lim.seconds + 60, "NX"), ("INCR", raw)]  # created with its expiry
        if claim is not None:
            # The owner raw, not pickled like cache.add would: only this function reads it.
            claim_raw = backend.make_key(claim.key)
            commands += [("SET", claim_raw, claim.owner, "EX", claim.seconds, "NX"), ("GET", claim_raw)]
        commands += [("GET", raw) for raw in raws[len(counted):]]
        replies = backend.round_trip(commands)
        rest = replies[2 * len(counted):]
        return ([int(n) for n in replies[1:2 * len(counted):2]],
                claim is None or rest[1] == claim.owner.encode(),
                [int(n or 0) for n in rest[2 if claim is not None else 0:]])
    counts = []
    for key, lim in counted:
        cache.add(key, 0, timeout=lim.seconds + 60)
        try:
            counts.append(cache.incr(key))
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=lim.seconds + 60)
            counts.append(1)
    claimed = claim is None or cache.add(claim.key, claim.owner, timeout=claim.seconds) \
        or cache.get(claim.key) == claim.owner
    got = cache.get_many([k for k, _ in checked]) if checked else {}
    return counts, claimed, [got.get(k, 0) for k, _ in checked]


def client_ip(request) -> str:
    """REMOTE_ADDR, or the address our own proxies saw: with N trusted proxies in
    front, the N-th entry from the right of X-Forwarded-For. Never the leftmost,
    which the client writes itself."""
    proxies = int(getattr(settings, "PORTAL_TRUSTED_PROXIES", 0))
    if proxies > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"
