"""Django's Redis cache backend, minus its per-call client construction.

Django's RedisCacheClient builds a new redis.Redis for every cache call, and
redis-py fills a ~170-entry response-callback table in each constructor: on
the public portal's hot paths (session, rate limits, the cached case page)
that was the largest single CPU cost per request. A redis.Redis is
thread-safe and fork-safe (its connection pool checks the pid), so one per
connection pool is kept and reused. Generic; lives here because the portal
is what needed it."""

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


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = ReusingClient
