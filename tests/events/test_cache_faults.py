"""
The cache is never a single point of failure, and never brings an old page back: a Redis of
the test's own (never the machine's shared one) is stopped, frozen, restarted from an older
snapshot, while pages are read and records written in this process.
"""

import logging
import time
import uuid

import pytest
import redis
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client, override_settings

from events.cache import generation
from events.cache.pages import local_pages
from events.models import Event
from tests.factories import EventFactory
from tests.faults.servers import own_redis_or_skip
from webinar import cache as cache_backend

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_redis(tmp_path):
    yield from own_redis_or_skip(tmp_path)


def redis_settings(url):
    return {
        "BACKEND": "webinar.cache.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
    }


@pytest.fixture
def site_cache(own_redis):
    """The site's cache on the test's own Redis, with production's timeouts."""
    with override_settings(
        CACHES={"default": redis_settings(own_redis.url)},
        PAGE_CACHE_SECONDS=600,
        CACHE_SOCKET_TIMEOUT_SECONDS=0.2,
        CACHE_RETRY_SECONDS=0.5,
        PAGE_GENERATION_CHECK_SECONDS=0,
    ):
        cache_backend._outages.clear()
        generation.durable.checked = float("-inf")
        yield own_redis
    cache_backend._outages.clear()
    local_pages.clear()


def read(client, url):
    started = time.monotonic()
    response = client.get(url)
    return response, time.monotonic() - started


def test_pages_answer_without_the_cache_while_redis_is_stopped(site_cache, client, caplog):
    event = EventFactory(title="Readable without Redis")
    url = event.get_absolute_url()
    assert client.get(url).status_code == 200
    site_cache.stop()

    with caplog.at_level(logging.WARNING, logger="webinar.cache"):
        answers = [read(client, url) for _ in range(10)]

    for response, seconds in answers:
        assert response.status_code == 200
        assert "Readable without Redis" in response.content.decode()
        assert seconds < 1.5
    outage_lines = [r for r in caplog.records if "is not answering" in r.getMessage()]
    assert len(outage_lines) == 1, "the outage is logged once, not once per request"


def test_pages_answer_within_the_timeout_while_redis_is_frozen(site_cache, client):
    url = EventFactory(title="Readable while frozen").get_absolute_url()
    client.get(url)
    site_cache.freeze()
    try:
        answers = [read(client, url) for _ in range(10)]
    finally:
        site_cache.thaw()

    assert [response.status_code for response, _ in answers] == [200] * 10
    # The first request waits for the socket timeouts; the breaker spares the others.
    assert answers[0][1] < 2.0
    assert max(seconds for _, seconds in answers[1:]) < 0.5


def test_writes_and_history_succeed_while_redis_is_stopped(site_cache, shanghai):
    site_cache.stop()
    history_before = shanghai.history.count()

    shanghai.title_en = "Saved while Redis was away"
    shanghai.save()
    call_command("loaddata", "shanghai_webinar", verbosity=0)

    assert shanghai.history.count() == history_before + 1
    assert Event.objects.get(pk=shanghai.pk).title_en != "Saved while Redis was away"


def test_the_cache_is_used_again_when_redis_returns(site_cache, client, tmp_path):
    url = EventFactory().get_absolute_url()
    site_cache.stop()
    client.get(url)
    assert caches["default"].is_away()

    site_cache.start()
    time.sleep(0.6)  # CACHE_RETRY_SECONDS
    client.get(url)

    assert not caches["default"].is_away()
    assert redis.Redis.from_url(site_cache.url).dbsize() > 0


def test_an_edit_made_while_redis_was_frozen_shows_when_it_returns(site_cache, client):
    event = EventFactory(title="Before the outage")
    url = event.get_absolute_url()
    assert "Before the outage" in client.get(url).content.decode()
    site_cache.freeze()
    try:
        event.title = "Edited during the outage"
        event.save()
    finally:
        site_cache.thaw()
    time.sleep(0.6)  # CACHE_RETRY_SECONDS: the cache is asked again

    page = client.get(url).content.decode()

    assert "Edited during the outage" in page
    assert "Before the outage" not in page


def test_redis_restarted_from_an_older_snapshot_brings_no_old_page_back(site_cache, client):
    event = EventFactory(title="Title at the snapshot")
    url = event.get_absolute_url()
    client.get(url)
    redis.Redis.from_url(site_cache.url).save()  # what Debian's Redis does now and then
    event.title = "Title after the snapshot"
    event.save()
    assert "Title after the snapshot" in client.get(url).content.decode()

    site_cache.process.kill()  # a crash: the snapshot on disk is older than the edit
    site_cache.process.wait()
    site_cache.start()
    time.sleep(0.6)
    page = client.get(url).content.decode()

    assert "Title after the snapshot" in page
    assert "Title at the snapshot" not in page


def test_generation_channel_is_scoped_to_the_database(own_redis):
    site = cache_backend.RedisCache(own_redis.url.replace("/0", "/7"), {})
    staging = cache_backend.RedisCache(own_redis.url.replace("/0", "/8"), {})

    assert site.channel("public-pages:generation") != staging.channel("public-pages:generation")
    listening = site.subscribe("public-pages:generation")
    staging.publish("public-pages:generation", "from staging")

    assert listening.get_message(ignore_subscribe_messages=True, timeout=0.5) is None
    site.publish("public-pages:generation", "from the site")
    heard = listening.get_message(ignore_subscribe_messages=True, timeout=2)
    listening.close()
    assert heard["data"] == b"from the site"


def test_admin_import_and_restore_succeed_and_show_while_redis_is_stopped(
    site_cache, shanghai, admin_client, settings, tmp_path
):
    from tests.admin_forms import change_url, changeform_data
    from tests.test_write_paths import fixture_with_new_title

    settings.BACKUP_DIR = tmp_path / "backups"
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("backup_records", verbosity=0, stdout=None)
    (archive,) = (tmp_path / "backups").glob("records-*.tar.gz")
    url = shanghai.get_absolute_url()
    site_cache.stop()
    history = shanghai.history.count()

    form = changeform_data(admin_client.get(change_url(shanghai)))
    form["title_en"] = "Saved in the admin while Redis was away"
    saved = admin_client.post(change_url(shanghai), form)
    assert saved.status_code == 302
    assert shanghai.history.count() > history
    assert "Saved in the admin while Redis was away" in Client().get(url).content.decode()

    # Raw loads (import_records, loaddata, restore_records) write no history of their own,
    # cache or not.
    call_command("import_records", str(fixture_with_new_title(tmp_path)), verbosity=0)
    assert "as corrected" in Client().get(url).content.decode()

    call_command("restore_records", str(archive), "--force", verbosity=0)
    restored = Client().get(url).content.decode()
    assert shanghai.title_en in restored
    assert "as corrected" not in restored


def test_after_a_redis_restart_every_process_uses_the_shared_generation(site_cache, client):
    url = EventFactory().get_absolute_url()
    with override_settings(CACHE_RETRY_SECONDS=3):
        assert wait_until(lambda: generation.watcher.current() is not None)
        site_cache.stop()
        client.get(url)  # the process notices: it does not ask Redis for 3 s
        assert caches["default"].is_away()
        site_cache.start()  # the subscription can reconnect before then

        assert wait_until(lambda: not caches["default"].is_away() and client.get(url))
        assert wait_until(lambda: generation.watcher.current() is not None)

        # The value other workers read and publish, not one of this process's own.
        assert generation.watcher.current() == caches["default"].get(generation.GENERATION_KEY)


def wait_until(condition, seconds=8):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False
