"""
One rebuild per page after a cache loss (a Redis flush or restart, a new generation): the
first worker to miss a page takes a short lock in the shared cache and renders it; workers
that miss the same page meanwhile wait for its stored copy instead of rendering it too.

The lock only ever saves work, it never decides an answer:
- a waiter takes only a copy stored under the generation that is current when it takes it,
  so it never serves a page retired while it waited (an edit, an unpublish);
- it stops waiting as soon as the lock is gone without a stored copy (the holder's answer
  was not storable: a 404, a page that set a cookie), after PAGE_REBUILD_WAIT_SECONDS at
  most, or when the cache stops answering, and then renders the page itself;
- the lock expires by itself (PAGE_REBUILD_LOCK_SECONDS), so a worker killed while holding
  it delays the page by that much at most;
- while the cache is away its `add()` reports success (webinar.cache.RedisCache), so every
  worker renders and nobody waits.
"""

import time

from django.conf import settings

from .generation import cache, cache_is_away, generation

POLL_SECONDS = 0.05


def lock_key(key, current):
    return f"{key}:rebuilding:{current}"


def claim_or_wait(key, current, method="GET"):
    """(stored, claimed): the page another worker stored while this one waited, or None;
    claimed is True when this worker holds the lock and must `release()` it once done. Only
    GET answers are stored, so only a GET takes part."""
    wait = settings.PAGE_REBUILD_WAIT_SECONDS
    if not wait or method != "GET":
        return None, False
    lock = lock_key(key, current)
    if cache().add(lock, True, timeout=settings.PAGE_REBUILD_LOCK_SECONDS):
        return None, True
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and not cache_is_away():
        time.sleep(POLL_SECONDS)
        found = cache().get_many([key, lock])
        stored = found.get(key)
        if stored is not None and stored[0] == current == generation():
            return stored, False
        if lock not in found:
            break
    return None, False


def release(key, current):
    cache().delete(lock_key(key, current))
