"""The portal's Redis cache backend: its one-write round trip for the rate
limits (RedisCache.round_trip) against a real Redis server."""

import multiprocessing
import socket
import threading

import pytest
import redis
from django.core.cache import caches
from django.test import override_settings

from xinfang.portal.redis_cache import pack

from .conftest import redis_up

pytestmark = pytest.mark.skipif(not redis_up(), reason="no Redis server on 127.0.0.1:6379")


@pytest.fixture
def backend(settings):
    settings.CACHES = {"default": {"BACKEND": "xinfang.portal.redis_cache.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:6379/13"}}
    cache = caches["default"]
    cache.clear()
    yield cache
    cache.clear()


def test_it_packs_commands_as_the_redis_protocol_does():
    assert pack([("SET", "k", 0, "EX", 60, "NX"), ("GET", b"k\xe4")]) == (
        b"*6\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\n0\r\n$2\r\nEX\r\n$2\r\n60\r\n$2\r\nNX\r\n"
        b"*2\r\n$3\r\nGET\r\n$2\r\nk\xe4\r\n")
    assert pack([("SET", "电", "访")]) == "*3\r\n$3\r\nSET\r\n$3\r\n电\r\n$3\r\n访\r\n".encode()


def test_it_answers_each_command_in_order_with_its_raw_reply(backend):
    key = backend.make_key("rt:a")
    replies = backend.round_trip([("SET", key, 0, "EX", 60, "NX"), ("INCR", key), ("INCR", key),
                                  ("SET", key, 5, "EX", 60, "NX"), ("GET", key), ("GET", backend.make_key("rt:none"))])
    assert replies == [b"OK", 1, 2, None, b"2", None]
    assert backend.get("rt:a") == 2  # the cache reads what it wrote
    assert 0 < backend._cache.get_client(write=True).ttl(key) <= 60


def test_an_error_reply_leaves_nothing_unread_for_the_next_round_trip(backend):
    text, count = backend.make_key("rt:text"), backend.make_key("rt:count")
    backend.round_trip([("SET", text, "not a number")])
    with pytest.raises(redis.exceptions.ResponseError):
        backend.round_trip([("INCR", text), ("INCR", count), ("GET", count)])
    # The next caller on this thread reads its own replies, not the ones left over.
    assert backend.round_trip([("GET", count), ("INCR", count)]) == [b"1", 2]


def test_it_raises_when_redis_is_down_and_carries_on_when_it_is_back(backend):
    with socket.socket() as s:  # a port where nothing listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    down = {"default": {"BACKEND": "xinfang.portal.redis_cache.RedisCache", "LOCATION": f"redis://127.0.0.1:{port}/13"}}
    with override_settings(CACHES=down), pytest.raises(redis.exceptions.ConnectionError):
        caches["default"].round_trip([("INCR", "x")])
    # A dropped connection is made again on the next call.
    own = backend._connection()
    own.disconnect()
    assert backend.round_trip([("INCR", backend.make_key("rt:back"))]) == [1]


def test_each_thread_has_its_own_connection_and_every_count_lands_once(backend):
    key, seen = backend.make_key("rt:threads"), []

    def count():
        for _ in range(50):
            seen.append(backend.round_trip([("INCR", key)])[0])

    threads = [threading.Thread(target=count) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(seen) == list(range(1, 401))


def _in_child(backend, key, out):
    reply = backend.round_trip([("INCR", key)])[0]
    out.put((backend._connection()._sock.getsockname(), reply))


def test_a_forked_process_makes_its_own_connection(backend):
    key = backend.make_key("rt:fork")
    assert backend.round_trip([("INCR", key)]) == [1]
    parent = backend._connection()
    address = parent._sock.getsockname()
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    child = ctx.Process(target=_in_child, args=(backend, key, out))
    child.start()
    child_address, reply = out.get(timeout=20)
    assert reply == 2 and child_address != address  # a socket of its own
    child.join(timeout=20)
    # The parent's socket was not used by the child: its next reply is its own.
    assert backend._connection() is parent
    assert backend.round_trip([("INCR", key), ("GET", key)]) == [3, b"3"]
