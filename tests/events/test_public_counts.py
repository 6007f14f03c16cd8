"""
The public counts (events/cache/counts.py): kept in the database and counted again by a task
after each committed change, so a reader after an edit reads one row instead of counting every
published record; the previous counts are shown until the task has counted, for at most the
grace; past it, a reader counts.

These tests commit (transaction=True), as the site's writes do, so that the commit hooks run.
"""

import pytest
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from events.cache import counts
from events.models import CacheGeneration, Event, PublicCount
from tests.events.test_page_keys import purges  # noqa: F401 (a fixture)
from tests.factories import EventFactory, RoleFactory, TopicFactory

pytestmark = pytest.mark.django_db(transaction=True)

NO_WORKER = {
    "default": {
        "BACKEND": "django_tasks.backends.dummy.DummyBackend",
        "QUEUES": ["default", "public-counts"],
    }
}


def home_counts(client):
    response = client.get(reverse("events:home"))
    assert response.status_code == 200
    return {key: response.context[key] for key in ("event_count", "person_count")}


@pytest.fixture
def published_event():
    event = RoleFactory().event
    assert Event.objects.published().count() == 1
    return event


def test_a_reader_after_an_edit_reads_the_kept_counts_while_the_task_counts(
    client, published_event, settings, django_assert_num_queries
):
    settings.TASKS = NO_WORKER
    CacheGeneration.current()  # as on a site that has served a page: cards are kept
    assert home_counts(client) == {"event_count": 1, "person_count": 1}
    RoleFactory()  # a second event and person, committed; the task is queued, not yet run

    with override_settings(PAGE_CACHE_SECONDS=0):
        # The kept counts in one query, then the latest events with their kept cards, the
        # organizations of the new event and its card kept (BEGIN, INSERT, COMMIT, and on
        # PostgreSQL the store's lock timeout).
        with django_assert_num_queries(6 + (connection.vendor == "postgresql")):
            shown = home_counts(client)
        assert shown == {"event_count": 1, "person_count": 1}

        assert counts.recount.call() == ["events", "organizations", "people"]

        assert home_counts(client) == {"event_count": 2, "person_count": 2}


def test_the_task_s_count_retires_the_cached_home_page(client, published_event, settings):
    settings.TASKS = NO_WORKER
    home_counts(client)
    RoleFactory()
    assert home_counts(client)["event_count"] == 1  # kept, and the page cached with it

    counts.recount.call()

    assert home_counts(client)["event_count"] == 2


def test_past_the_grace_a_reader_counts_for_itself(client, published_event, settings):
    settings.TASKS = NO_WORKER
    settings.PUBLIC_COUNTS_GRACE_SECONDS = 0
    home_counts(client)
    RoleFactory()

    assert home_counts(client) == {"event_count": 2, "person_count": 2}
    assert PublicCount.objects.get(name="events").is_current


def test_with_a_worker_each_commit_is_counted_at_once(client, published_event):
    # The tests' task backend runs a task when it is queued, as a worker soon would.
    home_counts(client)
    draft = EventFactory(draft=True)
    RoleFactory(event=draft)
    assert home_counts(client)["event_count"] == 1

    draft.status = Event.Status.PUBLISHED
    draft.save()

    assert home_counts(client) == {"event_count": 2, "person_count": 2}
    assert all(row.is_current for row in PublicCount.objects.all())


def test_the_task_counts_only_what_changed_since_it_was_counted(client, published_event):
    home_counts(client)

    assert counts.recount.call() == []


def test_a_change_that_is_rolled_back_leaves_the_counts_alone(client, published_event):
    from django.db import transaction

    home_counts(client)
    kept = {row.name: row.counted_at for row in PublicCount.objects.all()}
    with pytest.raises(RuntimeError), transaction.atomic():
        RoleFactory()
        raise RuntimeError("the editor's save failed")

    assert home_counts(client) == {"event_count": 1, "person_count": 1}
    assert all(
        not row.changed_at or row.changed_at < row.counted_at for row in PublicCount.objects.all()
    )
    assert set(kept) == {"events", "people", "organizations"}


@override_settings(EDGE_PURGE_URLS=["http://edge.invalid/"])
def test_the_task_s_count_purges_the_lists_at_the_edge(
    client,
    published_event,
    settings,
    purges,  # noqa: F811 (the fixture)
):
    """An edge cache keeps the pages that showed the previous counts: the new count drops
    them there too, and nothing else."""
    settings.TASKS = NO_WORKER
    home_counts(client)
    RoleFactory()
    purges.clear()  # the change's own purge, when it committed

    counts.recount.call()

    assert [keys for _, _, keys in purges] == ["lists"]


def offered_topics(client, language="en"):
    with translation.override(language):
        response = client.get(reverse("events:list"))
    assert response.status_code == 200
    return [label for slug, label in response.context["form"].fields["topic"].choices if slug]


def test_a_reader_after_an_edit_is_offered_the_kept_filter_options_while_the_task_runs(
    client, published_event, settings, django_assert_num_queries
):
    """The event list's filter options are a grouping of every published event: after an
    edit the list reads them from one kept row, and the task computes them again."""
    settings.TASKS = NO_WORKER
    assert offered_topics(client) == []
    TopicFactory(name="Smart cities").events.add(published_event)  # committed; task queued

    with override_settings(PAGE_CACHE_SECONDS=0):
        # The kept options and count (one query each), the page's events, and the edited
        # event's card made again (its organizations; BEGIN, INSERT, COMMIT; on PostgreSQL
        # the store's lock timeout): no query groups the published events.
        with django_assert_num_queries(7 + (connection.vendor == "postgresql")):
            assert offered_topics(client) == []

        counts.recount.call()

        assert offered_topics(client) == ["Smart cities"]


def test_each_language_keeps_its_own_filter_options(client, published_event):
    TopicFactory(name_en="Smart cities", name_zh_hans="智慧城市").events.add(published_event)

    assert offered_topics(client, "en") == ["Smart cities"]
    assert offered_topics(client, "zh-hans") == ["智慧城市"]
    assert {"event-filter-choices:en", "event-filter-choices:zh-hans"} <= set(
        PublicCount.objects.values_list("name", flat=True)
    )


def test_after_an_unpublish_the_options_name_nothing_that_is_no_longer_public(
    client, published_event, settings
):
    settings.TASKS = NO_WORKER
    TopicFactory(name="Smart cities").events.add(published_event)
    counts.recount.call()
    assert offered_topics(client) == ["Smart cities"]

    published_event.status = Event.Status.DRAFT
    published_event.save()

    assert offered_topics(client) == []
