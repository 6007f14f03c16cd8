"""
Django's Redis cache backend, made safe to lose: one redis-py client per connection pool,
short socket timeouts and no retries, and an outage breaker.

- Django's backend builds a new `redis.Redis` object for every cache operation. With redis-py
  5 and later that costs more than the loopback round trip itself (it rebuilds its table of
  response callbacks; bench/README.md has the figure), and a cached page costs one such
  operation. A client
  only holds a pool, and redis-py clients are thread-safe, so one per pool is enough.
- The cache is never a single point of failure. An operation that fails (Redis stopped,
  frozen, unreachable) counts as a miss (reads) or is dropped (writes), and for
  CACHE_RETRY_SECONDS this process does not ask Redis at all, so a frozen server costs one
  socket timeout per process per interval, not one per request. The outage is logged once
  when it starts and once when Redis answers again. `add()` reports success while Redis is
  away, so that no caller waits for a lock nobody can hold.
- Publish/subscribe channels are global to a Redis server, whatever the database number: the
  channel names carry the database number and the key prefix, so two sites on one Redis
  (a staging copy on another database) never hear each other.
"""

import logging
import threading
import time

import redis as redis_py
from django.conf import settings
from django.core.cache.backends import redis

logger = logging.getLogger(__name__)


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


class Outage:
    """Per process and server (Django makes a backend object per thread): since when this
    server has not answered, and until when it is not asked."""

    def __init__(self, location):
        self.location = location
        self.lock = threading.Lock()
        self.since = None
        self.retry_at = 0.0

    def skipping(self):
        return self.since is not None and time.monotonic() < self.retry_at

    def failed(self, error):
        with self.lock:
            now = time.monotonic()
            self.retry_at = now + settings.CACHE_RETRY_SECONDS
            if self.since is None:
                self.since = now
                logger.error(
                    "Cache %s is not answering (%s: %s); serving without it",
                    self.location,
                    type(error).__name__,
                    error,
                )

    def answered(self):
        if self.since is None:
            return
        with self.lock:
            if self.since is not None:
                logger.warning(
                    "Cache %s answers again after %.1f s",
                    self.location,
                    time.monotonic() - self.since,
                )
                self.since = None


_outages = {}
_outages_lock = threading.Lock()


def outage_of(location):
    with _outages_lock:
        return _outages.setdefault(location, Outage(location))


def guarded(fallback):
    """Run the backend's operation unless the server is away; on a Redis error count it as
    away and return fallback (a value, or a callable of the operation's arguments)."""

    def decorate(operation):
        def wrapper(self, *args, **kwargs):
            outage = self.outage
            if outage.skipping():
                return fallback(*args, **kwargs) if callable(fallback) else fallback
            try:
                result = operation(self, *args, **kwargs)
            except redis_py.RedisError as error:
                outage.failed(error)
                return fallback(*args, **kwargs) if callable(fallback) else fallback
            outage.answered()
            return result

        wrapper.__name__ = operation.__name__
        wrapper.__doc__ = operation.__doc__
        return wrapper

    return decorate


def _default(key, default=None, *args, **kwargs):
    return default


def _all_keys(data, *args, **kwargs):
    return list(data)


def _is_true(*args, **kwargs):
    return True


def _missing(key, *args, **kwargs):
    raise ValueError(f"Key {key!r} not found (the cache is away)")


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        timeout = settings.CACHE_SOCKET_TIMEOUT_SECONDS
        options.setdefault("socket_connect_timeout", timeout)
        options.setdefault("socket_timeout", timeout)
        # redis-py retries a failed command with backoff by default, which multiplies every
        # timeout while the server is away; the breaker above is the retry.
        options.setdefault("retry", redis_py.retry.Retry(redis_py.backoff.NoBackoff(), 0))
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = ReusingRedisCacheClient
        self.outage = outage_of(self._servers[0])

    get = guarded(_default)(redis.RedisCache.get)
    get_many = guarded({})(redis.RedisCache.get_many)
    has_key = guarded(False)(redis.RedisCache.has_key)
    set = guarded(None)(redis.RedisCache.set)
    add = guarded(_is_true)(redis.RedisCache.add)
    touch = guarded(False)(redis.RedisCache.touch)
    set_many = guarded(_all_keys)(redis.RedisCache.set_many)
    delete = guarded(False)(redis.RedisCache.delete)
    delete_many = guarded(None)(redis.RedisCache.delete_many)
    incr = guarded(_missing)(redis.RedisCache.incr)
    clear = guarded(False)(redis.RedisCache.clear)

    def is_away(self):
        return self.outage.skipping()

    @guarded(None)
    def server_id(self):
        """The server's run id, new at every restart (None while it is away): fragment keys
        carry it, so copies brought back from a snapshot are never read."""
        return self._cache.get_client().info("server")["run_id"]

    def channel(self, name):
        database = self._cache._pool_options.get("db")
        if database is None:
            database = redis_py.connection.parse_url(self._servers[0]).get("db", 0)
        return f"{self.make_key(name)}@db{database}"

    @guarded(None)
    def publish(self, channel, message):
        """Announce message to every process of this site subscribed to channel."""
        self._cache.get_client(write=True).publish(self.channel(channel), message)

    def subscribe(self, channel):
        """
        A redis-py PubSub listening to channel, on a connection of its own, returned once
        Redis has confirmed the subscription. Pings every 15 s while read, so a silently
        dropped connection raises instead of waiting forever.
        """
        client = redis_py.Redis.from_url(
            self._servers[0],
            health_check_interval=15,
            socket_connect_timeout=settings.CACHE_SOCKET_TIMEOUT_SECONDS,
            # Longer than the 1 s a listener waits for a message, so waiting is not an error.
            socket_timeout=max(5.0, settings.CACHE_SOCKET_TIMEOUT_SECONDS),
            retry=redis_py.retry.Retry(redis_py.backoff.NoBackoff(), 0),
        )
        pubsub = client.pubsub()
        pubsub.subscribe(self.channel(channel))
        while True:
            message = pubsub.get_message(timeout=5)
            if message is None:
                pubsub.close()
                raise redis_py.ConnectionError(f"No confirmation of the subscription to {channel}")
            if message["type"] == "subscribe":
                return pubsub
