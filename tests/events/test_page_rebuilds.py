"""
After a cache loss, readers asking at once for a page that is not cached get it rendered
once, by whoever asked first, and the others get that copy; the lock that makes this so never
fails a request, never serves a page retired meanwhile, and is not waited for when the cache
is away. With the local-memory cache (shared by this process's threads) and with a Redis of
the test's own (shared by processes, as in production).
"""

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from events.cache import coalesce, generation, pages
from tests.events import rebuild_urls
from tests.faults.servers import own_redis_or_skip
from webinar import cache as cache_backend

pytestmark = pytest.mark.django_db
READERS = 8


@pytest.fixture(params=["locmem", "redis"])
def shared_cache(request):
    backends = {"locmem": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    if request.param == "redis":
        own_redis = request.getfixturevalue("own_redis")
        backends["redis"] = {
            "BACKEND": "webinar.cache.RedisCache",
            "LOCATION": own_redis.url,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    with override_settings(
        CACHES={"default": backends[request.param]},
        ROOT_URLCONF="tests.events.rebuild_urls",
        PAGE_CACHE_SECONDS=600,
        PAGE_REBUILD_WAIT_SECONDS=2,
        PAGE_GENERATION_CHECK_SECONDS=600,
        CACHE_SOCKET_TIMEOUT_SECONDS=0.2,
        CACHE_RETRY_SECONDS=0.5,
    ):
        cache_backend._outages.clear()
        generation.watcher.token = None
        pages.local_pages.clear()
        rebuild_urls.renders.update(slow=0, missing=0)
        rebuild_urls.body["text"] = "first version"
        yield request.getfixturevalue("own_redis") if request.param == "redis" else None
    generation.watcher.token = None
    pages.local_pages.clear()
    cache_backend._outages.clear()


@pytest.fixture
def own_redis(tmp_path):
    yield from own_redis_or_skip(tmp_path)


def read_at_once(path, readers=READERS):
    def read(_):
        response = Client().get(path)
        return response.status_code, response.content.decode()

    with ThreadPoolExecutor(max_workers=readers) as pool:
        return list(pool.map(read, range(readers)))


def test_concurrent_cold_requests_render_the_page_once(shared_cache):
    answers = read_at_once("/en/slow/")

    assert answers == [(200, "first version")] * READERS
    assert rebuild_urls.renders["slow"] == 1


def test_after_a_cache_loss_the_page_is_rendered_once_again(shared_cache):
    read_at_once("/en/slow/")
    # A Redis flush, or a restart that kept nothing, and workers that lost their memory.
    cache.clear()
    pages.local_pages.clear()

    answers = read_at_once("/en/slow/")

    assert answers == [(200, "first version")] * READERS
    assert rebuild_urls.renders["slow"] == 2


def test_readers_do_not_wait_out_a_page_that_is_never_stored(shared_cache):
    started = time.monotonic()
    answers = read_at_once("/en/missing/")

    assert answers == [(404, "not here")] * READERS
    # The first render's 404 is not stored: the others render as soon as its lock is gone,
    # not after PAGE_REBUILD_WAIT_SECONDS.
    assert time.monotonic() - started < 1.9


def test_a_lock_left_by_a_killed_worker_delays_the_page_but_never_fails_it(shared_cache):
    client = Client()
    key = pages.page_key(client.get("/en/slow/").wsgi_request, "en")
    cache.clear()
    pages.local_pages.clear()
    cache.add(coalesce.lock_key(key, generation.generation()), True, timeout=60)

    started = time.monotonic()
    with override_settings(PAGE_REBUILD_WAIT_SECONDS=0.5):
        response = client.get("/en/slow/")

    assert response.status_code == 200
    assert response.content == b"first version"
    assert 0.5 <= time.monotonic() - started < 2


def test_a_page_retired_while_a_reader_waits_is_not_served(shared_cache):
    client = Client()
    request = client.get("/en/slow/").wsgi_request
    key = pages.page_key(request, "en")
    old = generation.generation()
    stored_old = cache.get(key)
    assert stored_old[0] == old and stored_old[3] == b"first version"

    # An edit lands: new generation; another worker still holds the rebuild lock of the new
    # generation and a copy of the retired page sits under the key.
    generation.new_generation()
    rebuild_urls.body["text"] = "second version"
    current = generation.generation()
    assert current != old
    cache.add(coalesce.lock_key(key, current), True, timeout=60)
    with override_settings(PAGE_REBUILD_WAIT_SECONDS=0.5):
        response = client.get("/en/slow/")

    assert response.content == b"second version"


@pytest.mark.parametrize("shared_cache", ["redis"], indirect=True)
def test_nobody_waits_while_redis_is_away(shared_cache):
    shared_cache.stop()

    started = time.monotonic()
    answers = read_at_once("/en/slow/")

    assert answers == [(200, "first version")] * READERS
    assert rebuild_urls.renders["slow"] == READERS
    assert time.monotonic() - started < 2
