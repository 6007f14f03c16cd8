"""
The page cache on Redis, as production runs it: the generation published to every process,
and pages answered from the process's memory while that generation is current.

Needs Redis on 127.0.0.1:6379 (REDIS_TEST_URL to change); skipped without it, except where
REQUIRE_REDIS=1 (CI), which makes a missing Redis a failure.
"""

import os
import time
import uuid

import pytest
import redis
from django.test import override_settings

from events.cache import generation, pages
from tests.factories import EventFactory
from webinar.cache import RedisCache

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


def redis_answers():
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


@pytest.fixture
def redis_cache():
    if not redis_answers():
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"REQUIRE_REDIS=1 but Redis does not answer at {REDIS_URL}")
        pytest.skip(f"Redis does not answer at {REDIS_URL}")
    backend = {
        "BACKEND": "webinar.cache.RedisCache",
        "LOCATION": REDIS_URL,
        # Keys and the generation's channel of their own, so parallel runs never meet.
        "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
    }
    with override_settings(CACHES={"default": backend}, PAGE_CACHE_SECONDS=600):
        generation.watcher.token = None
        pages.local_pages.clear()
        yield
    generation.watcher.token = None
    pages.local_pages.clear()


def wait_for_watcher(expected=None):
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        value = generation.watcher.current()
        if value is not None and (expected is None or value == expected):
            return value
        time.sleep(0.02)
    raise AssertionError(f"the watcher did not reach {expected or 'a generation'} in 5 s")


def publish_from_another_process(value):
    """What another app server does on a record change: store and publish a generation."""
    from django.core.cache import cache

    cache.set(generation.GENERATION_KEY, value, timeout=None)
    cache.publish(generation.GENERATION_KEY, value)


def test_watcher_follows_generations_published_by_other_processes(redis_cache):
    wait_for_watcher()

    publish_from_another_process("from-another-server")

    assert wait_for_watcher("from-another-server") == "from-another-server"


def test_repeat_hit_is_answered_from_memory_without_the_cache(
    redis_cache, client, django_assert_num_queries, monkeypatch
):
    wait_for_watcher()
    url = EventFactory(title="Remembered record").get_absolute_url()
    first = client.get(url)

    def unreachable(*args, **kwargs):
        raise AssertionError("the shared cache was read for a page held in memory")

    monkeypatch.setattr(RedisCache, "get", unreachable)
    monkeypatch.setattr(RedisCache, "get_many", unreachable)
    with django_assert_num_queries(0):
        second = client.get(url)

    assert second.status_code == 200
    assert second.content == first.content
    assert "Remembered record" in second.content.decode()


def test_a_change_on_another_server_retires_pages_held_in_memory(redis_cache, client):
    wait_for_watcher()
    event = EventFactory(title="Old title")
    url = event.get_absolute_url()
    client.get(url)
    # Another server's edit: the row changes and that server publishes a new generation.
    type(event).objects.filter(pk=event.pk).update(title="New title")
    publish_from_another_process("after-the-edit")
    wait_for_watcher("after-the-edit")

    assert "New title" in client.get(url).content.decode()


def test_a_change_here_shows_at_once(redis_cache, client):
    wait_for_watcher()
    event = EventFactory(title="Old title")
    url = event.get_absolute_url()
    client.get(url)

    event.title = "New title"
    event.save()

    assert "New title" in client.get(url).content.decode()


def test_pages_are_checked_against_the_cache_until_the_watcher_is_current(redis_cache, client):
    event = EventFactory(title="Old title")
    url = event.get_absolute_url()
    # A watcher that has not subscribed (yet, or any more).
    generation.watcher.token, generation.watcher.value = (os.getpid(), object()), None
    client.get(url)
    type(event).objects.filter(pk=event.pk).update(title="New title")

    publish_from_another_process("after-the-edit")

    assert generation.watcher.current() is None
    assert "New title" in client.get(url).content.decode()


def test_a_record_retired_on_another_server_leaves_other_pages_in_memory(
    redis_cache, client, monkeypatch
):
    wait_for_watcher()
    event, other = EventFactory(title="Old title"), EventFactory(title="Untouched record")
    client.get(event.get_absolute_url())
    client.get(other.get_absolute_url())
    # Another server's edit of the first event: the row changes, and that server retires
    # the event's page key (its stamp in the cache, then the announcement).
    type(event).objects.filter(pk=event.pk).update(title="New title")
    from django.core.cache import cache

    at = cache.incr(generation.CLOCK_KEY)
    cache.set(generation.stamp_key(f"event-{event.pk}"), at)
    cache.publish(generation.GENERATION_KEY, f"{generation.RETIRED}{at} event-{event.pk}")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and len(pages.local_pages.entries) > 1:
        time.sleep(0.02)

    assert "New title" in client.get(event.get_absolute_url()).content.decode()
    monkeypatch.setattr(RedisCache, "get", lambda *a, **k: pytest.fail("read the shared cache"))
    assert "Untouched record" in client.get(other.get_absolute_url()).content.decode()
