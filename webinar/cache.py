"""
Django's Redis cache backend, with one redis-py client per connection pool.

Django's backend builds a new `redis.Redis` object for every cache operation. With redis-py
5 and later that costs more than the loopback round trip itself (it rebuilds its table of
response callbacks; bench/README.md has the figure), and a cached page costs one such
operation. A client
only holds a pool, and redis-py clients are thread-safe, so one per pool is enough.
"""

import redis as redis_py
from django.core.cache.backends import redis


class ReusingRedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._client(connection_pool=self._get_connection_pool(write))
            self._clients[index] = client
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    def publish(self, channel, message):
        """Announce message to every process subscribed to channel (see subscribe)."""
        self._cache.get_client(write=True).publish(self.make_key(channel), message)

    def subscribe(self, channel):
        """
        A redis-py PubSub listening to channel, on a connection of its own, returned once
        Redis has confirmed the subscription. Pings every 15 s while read, so a silently
        dropped connection raises instead of waiting forever.
        """
        client = redis_py.Redis.from_url(self._cache._servers[0], health_check_interval=15)
        pubsub = client.pubsub()
        pubsub.subscribe(self.make_key(channel))
        while True:
            message = pubsub.get_message(timeout=5)
            if message is None:
                pubsub.close()
                raise redis_py.ConnectionError(f"No confirmation of the subscription to {channel}")
            if message["type"] == "subscribe":
                return pubsub
