"""Rate limits on the shared Redis cache (production with more than one web
process): counting is one round trip that creates the counter with
its expiry, and several limits are read in the same one. Needs a local Redis server."""

import pytest
from django.core.cache import caches

from xinfang.portal import ratelimit

from .conftest import redis_up, redis_writes

REDIS = "redis://127.0.0.1:6379/15"


pytestmark = pytest.mark.skipif(not redis_up(), reason="no Redis server on 127.0.0.1:6379")


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "xinfang.portal.redis_cache.RedisCache", "LOCATION": REDIS}}
    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()


def test_hits_count_up_from_one_and_expire_with_the_window(redis_cache):
    now = 1_800_000_000.0
    assert [ratelimit.hit("track_ip", "10.0.0.1", now) for _ in range(3)] == [1, 2, 3]
    assert ratelimit.used("track_ip", "10.0.0.1", now) == 3
    assert ratelimit.used("track_ip", "10.0.0.2", now) == 0
    raw = redis_cache.make_and_validate_key(ratelimit._key("track_ip", "10.0.0.1", 900, now))
    ttl = redis_cache._cache.get_client(raw).ttl(raw)
    assert 900 < ttl <= 960  # the window plus a minute: the counter never outlives it for long


def test_several_limits_are_checked_together(redis_cache):
    now = 1_800_000_000.0
    assert ratelimit.first_exceeded([("track_ip", "10.0.0.1"), ("track_code", "ABC")], now) is None
    for _ in range(5):
        ratelimit.hit("track_code", "ABC", now)
    assert ratelimit.first_exceeded([("track_ip", "10.0.0.1"), ("track_code", "ABC")], now) == \
        "查询失败次数过多，请15分钟后再试"
    assert ratelimit.first_exceeded([("track_ip", "10.0.0.1"), ("track_code", "XYZ")], now) is None


def test_several_hits_are_counted_together(redis_cache):
    now = 1_800_000_000.0
    ratelimit.hit("sms_phone", "idx", now)
    assert ratelimit.hit_many([("sms_ip", "10.0.0.1"), ("sms_phone", "idx")], now) == [1, 2]
    assert (ratelimit.used("sms_ip", "10.0.0.1", now), ratelimit.used("sms_phone", "idx", now)) == (1, 2)
    raw = redis_cache.make_and_validate_key(ratelimit._key("sms_phone", "idx", 86400, now))
    assert 86400 < redis_cache._cache.get_client(raw).ttl(raw) <= 86460


def test_count_within_counts_every_attempt_and_refuses_past_the_limit(redis_cache, settings):
    settings.PORTAL_RATE_LIMITS = {"submit_ip": (2, 3600)}
    now = 1_800_000_000.0
    assert ratelimit.count_within("submit_ip", "10.0.0.1", now) is None
    assert ratelimit.count_within("submit_ip", "10.0.0.1", now) is None
    assert "每小时最多提交2次" in ratelimit.count_within("submit_ip", "10.0.0.1", now)
    assert ratelimit.count_within("submit_ip", "10.0.0.2", now) is None
    assert ratelimit.used("submit_ip", "10.0.0.1", now) == 3


def test_at_the_door_counts_claims_and_checks_in_one_round_trip(redis_cache, settings):
    settings.PORTAL_RATE_LIMITS = {"submit_ip": (2, 3600), "submit_phone": (1, 86400)}
    now = 1_800_000_000.0
    client = redis_cache._cache.get_client(write=True)
    redis_cache.round_trip([("PING",)])  # connected: its handshake is not the door's
    with redis_writes() as writes:
        door = ratelimit.at_the_door(count=[("submit_ip", "10.0.0.1")], claim=ratelimit.Claim("pow:n1", "tok-a", 60),
                                     check=[("submit_phone", "idx")], now=now)
    assert door == ratelimit.Door(None, True)
    assert writes == [5]  # SET NX + INCR, SET NX + GET, GET: one round trip, no MULTI/EXEC
    # The same owner may take its claim again; another may not.
    assert ratelimit.at_the_door(claim=ratelimit.Claim("pow:n1", "tok-a", 60)).claimed
    assert not ratelimit.at_the_door(claim=ratelimit.Claim("pow:n1", "tok-b", 60)).claimed
    ratelimit.hit("submit_phone", "idx", now)
    door = ratelimit.at_the_door(count=[("submit_ip", "10.0.0.1")], check=[("submit_phone", "idx")], now=now)
    assert door.problem == ratelimit.limit("submit_phone").message  # read: at its limit of 1
    door = ratelimit.at_the_door(count=[("submit_ip", "10.0.0.1")], check=[("submit_phone", "idx")], now=now)
    assert door.problem == ratelimit.limit("submit_ip").message  # counted past 2: the count comes first
    assert ratelimit.used("submit_ip", "10.0.0.1", now) == 3
    raw = redis_cache.make_and_validate_key("pow:n1")
    assert 0 < client.ttl(raw) <= 60


def test_concurrent_counts_are_exact_without_a_transaction(redis_cache):
    """Requests counting the same limit at once (their SET NX and INCR
    interleaved): every count is seen once, and the total is exact."""
    import threading

    now = 1_800_000_000.0
    seen: list[int] = []

    def count():
        for _ in range(25):
            seen.extend(ratelimit.hit_many([("sms_ip", "10.0.0.7")], now))

    threads = [threading.Thread(target=count) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(seen) == list(range(1, 201))
    assert ratelimit.used("sms_ip", "10.0.0.7", now) == 200


def test_at_the_door_means_the_same_on_any_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.PORTAL_RATE_LIMITS = {"submit_ip": (2, 3600), "submit_phone": (1, 86400)}
    caches["default"].clear()
    now = 1_800_000_000.0
    first = ratelimit.at_the_door(count=[("submit_ip", "10.0.0.9")], claim=ratelimit.Claim("pow:n2", "a", 60),
                                  check=[("submit_phone", "idx9")], now=now)
    assert first == ratelimit.Door(None, True)
    assert ratelimit.at_the_door(claim=ratelimit.Claim("pow:n2", "a", 60)).claimed
    assert not ratelimit.at_the_door(claim=ratelimit.Claim("pow:n2", "b", 60)).claimed
    ratelimit.hit("submit_phone", "idx9", now)
    assert ratelimit.at_the_door(check=[("submit_phone", "idx9")], now=now).problem == \
        ratelimit.limit("submit_phone").message
    ratelimit.at_the_door(count=[("submit_ip", "10.0.0.9")], now=now)
    assert ratelimit.at_the_door(count=[("submit_ip", "10.0.0.9")], now=now).problem == \
        ratelimit.limit("submit_ip").message


@pytest.mark.parametrize("backend", ["redis", "locmem"])
def test_held_counts_stop_concurrent_attempts_at_the_limit_and_can_be_given_back(backend, redis_cache, settings):
    """`hold` counts before the attempt, so two at once cannot both pass the
    last free place; release() gives a count back when the attempt fails."""
    if backend == "locmem":
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
        caches["default"].clear()
    settings.PORTAL_RATE_LIMITS = {"sms_phone": (2, 86400)}
    now = 1_800_000_000.0
    first = ratelimit.at_the_door(hold=[("sms_phone", "idx")], now=now)
    second = ratelimit.at_the_door(hold=[("sms_phone", "idx")], now=now)
    third = ratelimit.at_the_door(hold=[("sms_phone", "idx")], now=now)
    assert (first.problem, second.problem) == (None, None) and len(first.held) == 1
    assert third.problem == ratelimit.limit("sms_phone").message
    ratelimit.release(third)  # refused: gives its count back
    ratelimit.release(second)  # failed: gives its place back
    assert ratelimit.used("sms_phone", "idx", now) == 1
    assert ratelimit.at_the_door(hold=[("sms_phone", "idx")], now=now).problem is None
    assert ratelimit.at_the_door(hold=[("sms_phone", "idx")], now=now).problem is not None
    ratelimit.release(ratelimit.Door(None, True))  # nothing held: nothing to do


def test_concurrent_held_attempts_never_pass_the_limit_together(redis_cache, settings):
    import threading

    settings.PORTAL_RATE_LIMITS = {"submit_phone": (3, 86400)}
    now = 1_800_000_000.0
    passed: list[bool] = []
    start = threading.Barrier(8)

    def attempt():
        start.wait()
        passed.append(ratelimit.at_the_door(hold=[("submit_phone", "idx")], now=now).problem is None)

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert passed.count(True) == 3
