"""
The generation: one random value in the shared cache that every cached page and ETag is keyed
on. Replacing it retires every page at once, in every worker and app server. With Redis a
thread per process keeps a copy current through publish/subscribe, so a cached page can be
checked without a round trip. Also `remember()`: data many pages share (filter options, home
counts), kept per generation.
"""

import logging
import os
import threading
import time
import uuid

from django.conf import settings
from django.core.cache import caches
from django.utils.translation import get_language

GENERATION_KEY = "public-pages:generation"
logger = logging.getLogger(__name__)


def cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def generation():
    """The current generation: this process's copy when the cache keeps it current (Redis
    publish/subscribe), else read from the cache."""
    return watcher.current() or stored_generation()


def stored_generation():
    """The generation in the shared cache; a fresh one if the cache has lost it (restart,
    eviction)."""
    value, created = shared_token(GENERATION_KEY)
    if created:
        announce(value)
    return value


def shared_token(key):
    """(value, created): the random value kept under key in the shared cache, made now if
    there is none. When two processes make one at once, both get the one stored first."""
    value = cache().get(key)
    if value is not None:
        return value, False
    value = uuid.uuid4().hex
    if cache().add(key, value, timeout=None):
        return value, True
    return cache().get(key, value), False


def new_generation():
    value = uuid.uuid4().hex
    cache().set(GENERATION_KEY, value, timeout=None)
    announce(value)
    # This process need not wait for its own message: its next page is already fresh.
    watcher.adopt(value)


def announce(value):
    if hasattr(cache(), "publish"):
        cache().publish(GENERATION_KEY, value)


class GenerationWatcher:
    """
    This process's copy of the generation, kept current through the cache's publish/subscribe
    (webinar.cache.RedisCache): every new generation is published as it is stored, so a
    cached page can be checked without a round trip. A thread per process listens; `current()`
    is None until it has subscribed and read the stored value, and again as soon as its
    connection fails, and callers then read the cache itself: never a stale generation.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.token = None
        self.value = None

    def current(self):
        token = self.token
        if token is None or token[0] != os.getpid():
            self.restart()
        return self.value

    def restart(self):
        """Start listening in this process (after a fork or a change of cache settings)."""
        with self.lock:
            self.value = None
            self.token = token = (os.getpid(), object())
            if hasattr(cache(), "subscribe"):
                threading.Thread(
                    target=self.listen, args=(token,), name="page-cache-generation", daemon=True
                ).start()

    def listen(self, token):
        while self.token is token:
            try:
                subscription = cache().subscribe(GENERATION_KEY)
                # Read after subscribing: a change made in between arrives as a message.
                self.set(token, stored_generation())
                while self.token is token:
                    message = subscription.get_message(ignore_subscribe_messages=True, timeout=1)
                    if message and message["type"] == "message":
                        self.set(token, message["data"].decode())
                subscription.close()
            except Exception:
                logger.warning("Page cache: generation subscription lost", exc_info=True)
                self.set(token, None)
                time.sleep(1)

    def adopt(self, value):
        with self.lock:
            if self.value is not None:
                self.value = value

    def set(self, token, value):
        with self.lock:
            if self.token is token:
                self.value = value


watcher = GenerationWatcher()


def remember(name, compute):
    """
    compute()'s value for the active language, kept in the shared cache until the next
    record change (or PUBLIC_DATA_CACHE_SECONDS): for data that many pages share and that
    costs a scan of every published record, such as the list's filter options and the home
    page's counts. Independent of the page cache, so pages rebuilt with that off stay cheap.

    After a record change every worker asking at once would each rebuild the value (the
    home page's counts are a scan of every published record): the first takes a lock in the
    cache and rebuilds, the others wait for its value up to PUBLIC_DATA_WAIT_SECONDS, then
    rebuild it themselves rather than fail.
    """
    seconds = settings.PUBLIC_DATA_CACHE_SECONDS
    if not seconds:
        return compute()
    key = f"public-data:{generation()}:{get_language()}:{name}"
    value = cache().get(key)
    if value is not None:
        return value
    lock = f"{key}:rebuilding"
    if not cache().add(lock, True, timeout=settings.PUBLIC_DATA_WAIT_SECONDS):
        deadline = time.monotonic() + settings.PUBLIC_DATA_WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(0.05)
            value = cache().get(key)
            if value is not None:
                return value
    try:
        value = compute()
        cache().set(key, value, seconds)
    finally:
        cache().delete(lock)
    return value
