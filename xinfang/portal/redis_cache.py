"""Django's Redis cache backend, minus its per-call client construction, plus
one lean round trip for the portal's rate limits.

Django's RedisCacheClient builds a new redis.Redis for every cache call, and
redis-py fills a ~170-entry response-callback table in each constructor: on
the public portal's hot paths (session, rate limits, the cached case page)
that was the largest single CPU cost per request. A redis.Redis is
thread-safe and fork-safe (its connection pool checks the pid), so one per
connection pool is kept and reused. Generic; lives here because the portal
is what needed it.

`RedisCache.round_trip` sends a few raw commands and reads their replies on a
connection of the calling thread's own. Every SMS code and every petition
passes the rate limits' round trip; through a redis-py pipeline it cost this
process ~130 µs of CPU, most of it the pipeline's command objects, Python
packing and the pool's bookkeeping (its locks, a poll of the socket on every
checkout, observability counters), for what is one write and one read."""

import os
import threading
from collections.abc import Sequence

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusingClient(RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(index))
        return client


def pack(commands: Sequence[Sequence[str | bytes | int]]) -> bytes:
    """Commands in the Redis protocol (RESP arrays of bulk strings)."""
    out = bytearray()
    for command in commands:
        out += b"*%d\r\n" % len(command)
        for arg in command:
            raw = arg if isinstance(arg, bytes) else str(arg).encode()
            out += b"$%d\r\n%b\r\n" % (len(raw), raw)
    return bytes(out)


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = ReusingClient
        self._own = threading.local()

    def round_trip(self, commands: Sequence[Sequence[str | bytes | int]]) -> list:
        """Send `commands` (raw: keys already made with make_key, values as Redis
        takes them) in one write and return their replies, unconverted (bytes,
        int or None). Any error (Redis down, a reply that is an error) drops the
        connection, so no unread reply is left for the next caller, and is
        raised as redis-py raises it."""
        conn = self._connection()
        try:
            conn.send_packed_command([pack(commands)], check_health=False)
            return [conn.read_response() for _ in commands]
        except BaseException:
            conn.disconnect()
            raise

    def _connection(self):
        """This thread's connection to the write server, made like the pool's
        (same class and options: host, database, password, TLS, timeouts). A
        forked process makes its own: a socket is never shared with the parent."""
        own = self._own
        if getattr(own, "pid", None) != os.getpid():
            pool = self._cache._get_connection_pool(True)
            own.conn, own.pid = pool.connection_class(**pool.connection_kwargs), os.getpid()
        return own.conn
