"""
The whole-dataset downloads (Popolo, events.ics, the four CSVs): built as files when records
change and served with validators, streamed before the first build, never half-written, in
a number of queries that does not grow with the number of events.
"""

import gc
import io
import json
import os
import tracemalloc
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from events.models import Event
from events.opendata import files, streams
from events.opendata.tasks import rebuild_downloads
from tests.factories import (
    EventFactory,
    EventOrganizationFactory,
    OrganizationFactory,
    PersonFactory,
    PresentationFactory,
    RoleFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

NAMES = list(files.DOWNLOADS)


def full_event(**kwargs):
    """An event with every kind of related record a download reads."""
    event = EventFactory(**kwargs)
    event.topics.add(TopicFactory())
    EventOrganizationFactory(
        event=event, organization=OrganizationFactory(parent=OrganizationFactory())
    )
    RoleFactory(event=event, organization=OrganizationFactory(parent=OrganizationFactory()))
    PresentationFactory(event=event, speakers=[PersonFactory(), PersonFactory()])
    return event


@pytest.mark.parametrize("name", NAMES)
def test_download_before_any_build_is_streamed_with_the_same_bytes_as_the_built_file(client, name):
    full_event()
    streamed = client.get(reverse(f"data:{name}"))

    files.build_downloads()
    served = client.get(reverse(f"data:{name}"))

    assert streamed.streaming and "ETag" not in streamed
    assert served.getvalue() == streamed.getvalue()
    assert served["Content-Type"] == files.DOWNLOADS[name].content_type


@pytest.mark.parametrize("name", NAMES)
def test_built_download_has_validators_and_answers_304_to_a_repeat(client, name):
    full_event()
    files.build_downloads()
    path = files.directory() / files.DOWNLOADS[name].filename

    response = client.get(reverse(f"data:{name}"))
    again = client.get(reverse(f"data:{name}"), headers={"if-none-match": response["ETag"]})
    since = client.get(
        reverse(f"data:{name}"), headers={"if-modified-since": response["Last-Modified"]}
    )

    assert response.status_code == 200
    assert int(response["Content-Length"]) == path.stat().st_size == len(response.getvalue())
    assert response["Last-Modified"] == http_date(int(path.stat().st_mtime))
    assert again.status_code == 304 and again.content == b""
    assert since.status_code == 304


def as_if_committed_before():
    """The test's own transaction never commits, so the setup's on-commit callbacks are still
    pending; a real commit would have run them, and the next change starts afresh."""
    connection.run_on_commit.clear()


def test_a_committed_change_rebuilds_the_downloads(client, django_capture_on_commit_callbacks):
    event = full_event(title="Water Week")
    files.build_downloads()
    as_if_committed_before()

    with django_capture_on_commit_callbacks(execute=True):
        event.title = "Ocean Week"
        event.save()
    popolo = json.loads(client.get(reverse("data:popolo")).getvalue())

    assert "Ocean Week" in {item["name"] for item in popolo["events"]}
    assert "Water Week" not in {item["name"] for item in popolo["events"]}


def test_unpublishing_an_event_takes_it_out_of_the_built_files(
    client, django_capture_on_commit_callbacks
):
    event = full_event(title="Water Week")
    files.build_downloads()
    as_if_committed_before()

    with django_capture_on_commit_callbacks(execute=True):
        event.status = Event.Status.DRAFT
        event.save()

    assert b"Water Week" not in client.get(reverse("data:calendar")).getvalue()
    assert b"Water Week" not in client.get(reverse("data:events_csv")).getvalue()


def test_one_transaction_of_many_changes_queues_one_rebuild(
    monkeypatch, django_capture_on_commit_callbacks
):
    builds = []
    monkeypatch.setattr(files, "build_downloads", lambda: builds.append(1))

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for _ in range(5):
            full_event()

    assert callbacks.count(files.rebuild_soon) == 1
    assert builds == [1]


def test_a_rebuild_queued_before_the_last_build_started_does_nothing():
    changed = timezone.now()
    files.build_downloads()

    assert rebuild_downloads.call(changed_at=changed.isoformat()) == "current"
    assert rebuild_downloads.call(changed_at=timezone.now().isoformat()) == "built"


def test_a_failed_build_leaves_the_previous_file_whole(client, monkeypatch):
    full_event(title="Water Week")
    files.build_downloads()
    before = client.get(reverse("data:popolo")).getvalue()

    def broken(counts=None):
        yield '{"persons": ['
        raise RuntimeError("the database went away")

    monkeypatch.setitem(
        files.DOWNLOADS, "popolo", files.DOWNLOADS["popolo"].__class__("popolo.json", "x", broken)
    )
    with pytest.raises(RuntimeError):
        files.build_downloads()

    assert client.get(reverse("data:popolo")).getvalue() == before
    assert sorted(os.listdir(files.directory())) == sorted(
        [d.filename for d in files.DOWNLOADS.values()] + [files.MANIFEST]
    )


def queries_for(client, name):
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse(f"data:{name}")).getvalue()
    return len(queries)


@pytest.mark.parametrize("name", NAMES)
def test_streamed_download_queries_do_not_grow_with_events(client, name):
    full_event()
    one = queries_for(client, name)
    for _ in range(11):
        full_event()

    assert queries_for(client, name) == one


@pytest.mark.parametrize("name", NAMES)
def test_streamed_download_queries_grow_with_chunks_only(client, monkeypatch, name):
    monkeypatch.setattr(streams, "CHUNK_SIZE", 2)
    full_event()
    one_chunk = queries_for(client, name)
    for _ in range(3):
        full_event()

    # Four events and their people and organizations fill a few chunks of two, each with
    # the same queries as the first: bounded by chunks, never by a query per record.
    assert queries_for(client, name) <= one_chunk * 8


def live_memory_streaming(client, name):
    """(most memory held between two pieces of the answer, bytes sent). Garbage is collected
    at each piece: a Django model and its translated fields leave reference cycles that
    the collector frees on its own schedule, and only what stays alive can grow with the
    number of records."""
    tracemalloc.start()
    try:
        response = client.get(reverse(f"data:{name}"))
        held, size = 0, 0
        gc.freeze()  # what exists already is not scanned again: each collection stays quick
        for piece in response.streaming_content:
            size += len(piece)
            gc.collect()
            held = max(held, tracemalloc.get_traced_memory()[0])
        return held, size
    finally:
        gc.unfreeze()
        tracemalloc.stop()


@pytest.mark.parametrize("name", ["popolo", "calendar", "roles_csv"])
def test_streamed_download_memory_does_not_grow_with_events(client, monkeypatch, name):
    monkeypatch.setattr(streams, "CHUNK_SIZE", 3)
    monkeypatch.setattr(streams, "SPOOL_BYTES", 1)  # Popolo's waiting lists go to disk at once
    for _ in range(6):
        full_event()
    live_memory_streaming(client, name)  # first use: imports, time zone data, URL resolver
    small_held, small_size = live_memory_streaming(client, name)
    for _ in range(42):
        full_event()
    large_held, large_size = live_memory_streaming(client, name)

    assert large_size > 6 * small_size
    # Eight times the records, the same few chunks in memory.
    assert large_held < 1.5 * small_held


def popolo_event_names(client):
    return {
        item["name"] for item in json.loads(client.get(reverse("data:popolo")).getvalue())["events"]
    }


@pytest.mark.parametrize("command", ["loaddata", "import_records"])
def test_a_fixture_load_or_import_rebuilds_the_downloads_once(
    client, tmp_path, django_capture_on_commit_callbacks, command
):
    files.build_downloads()  # a site with built files, none of them holding the record yet
    fixture = Path(settings.BASE_DIR) / "events" / "fixtures" / "shanghai_webinar.json"
    as_if_committed_before()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        call_command(command, str(fixture), verbosity=0, stdout=io.StringIO())

    assert callbacks.count(files.rebuild_soon) == 1
    assert any(name.startswith("Advancing SMART Cities") for name in popolo_event_names(client))


def test_generating_demo_data_rebuilds_the_downloads(client, django_capture_on_commit_callbacks):
    files.build_downloads()
    as_if_committed_before()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("generate_demo_data", events=3, draft_share=0, verbosity=0)

    assert len(popolo_event_names(client)) >= 3
