"""
Event cards kept in the database (events/cache/cards.py): a list renders the cards it lacks
once per language and reads them afterwards with its events, in the same query; every write
that changes what a card shows empties it, a bulk write makes every one stale, and a card
rendered from rows changed meanwhile is never kept.

The page cache is off here, so that only kept cards can show stale text; storing happens
outside a transaction only, so these tests commit (transaction=True).
"""

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from events.cache import receivers
from events.models import CacheGeneration, Event, EventOrganization, EventRendering
from tests.factories import (
    EventFactory,
    EventOrganizationFactory,
    EventSeriesFactory,
    OrganizationFactory,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("page_cache_off")]


@pytest.fixture
def page_cache_off():
    CacheGeneration.current()  # as on a site that has served a page
    with override_settings(PAGE_CACHE_SECONDS=0):
        yield


@pytest.fixture
def hosted():
    parent = OrganizationFactory(name="Parent Ministry", short_name="PM")
    host = OrganizationFactory(name="Statistics Office", short_name="STATS", parent=parent)
    participation = EventOrganizationFactory(
        organization=host, event=EventFactory(title="Census week")
    )
    return participation


def card(event, language="en"):
    return (
        EventRendering.objects.filter(event=event, language=language)
        .values_list("card", flat=True)
        .first()
    )


def listed(client, name="events:list", **kwargs):
    return client.get(reverse(name, kwargs=kwargs), {"page": 1}).content.decode()


def test_a_list_reads_kept_cards_with_its_events_in_one_query(
    client, hosted, django_assert_num_queries
):
    for _ in range(5):
        EventOrganizationFactory()
    first = listed(client)
    assert "STATS" in card(hosted.event)

    # The filters' options and the count are remembered: the page's rows, their cards with them.
    with django_assert_num_queries(1):
        second = listed(client)

    assert second == first
    assert Event.objects.count() == EventRendering.objects.exclude(card="").count()


def test_the_home_page_and_a_series_show_the_same_kept_card(client, hosted):
    series = EventSeriesFactory()
    Event.objects.filter(pk=hosted.event.pk).update(series=series)
    receivers.records_changed_in_bulk()
    listed(client)
    kept = card(hosted.event)

    assert kept in client.get(reverse("events:home")).content.decode()
    assert kept in listed(client, "events:series", slug=series.slug)


def test_each_language_keeps_its_own_card(client):
    event = EventFactory(title_en="English title", title_zh_hans="中文标题")
    listed(client)
    with translation.override("zh-hans"):
        chinese = listed(client)

    assert "中文标题" in chinese
    assert "中文标题" in card(event, "zh-hans")
    assert "English title" in card(event, "en")


def rename_event(participation):
    participation.event.title = "Renamed week"
    participation.event.save()


def rename_organization(participation):
    participation.organization.short_name = "RENAMED"
    participation.organization.save()


def make_sponsor(participation):
    participation.part = EventOrganization.Part.SPONSOR
    participation.save()


def add_organization(participation):
    EventOrganizationFactory(
        event=participation.event, organization=OrganizationFactory(short_name="ADDED")
    )


# The card shows its event's date, format, title and status, and its organizations' labels.
CHANGES = {
    "event": (rename_event, "Renamed week"),
    "organization": (rename_organization, "RENAMED"),
    "participation": (make_sponsor, "Sponsor"),
    "another organization": (add_organization, "ADDED"),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_to_what_a_card_shows_empties_it(client, hosted, change):
    listed(client)
    assert card(hosted.event)
    write, expected = CHANGES[change]

    write(hosted)

    assert not card(hosted.event)
    assert expected in listed(client)
    assert expected in card(hosted.event)


def test_a_bulk_write_makes_every_kept_card_stale(client, hosted):
    listed(client)
    # A write that sends no signals, as generate_demo_data's.
    Event.objects.filter(pk=hosted.event.pk).update(title_en="Renamed in bulk")
    receivers.records_changed_in_bulk()

    assert "Renamed in bulk" in listed(client)


def test_a_card_kept_beside_a_page_outlives_the_pages_day(client, hosted):
    listed(client)
    client.get(hosted.event.get_absolute_url())
    EventRendering.objects.filter(event=hosted.event, language="en").update(
        card="<article>Kept card</article>"
    )
    client.get(hosted.event.get_absolute_url())  # the page of today, stored again

    assert "<article>Kept card</article>" in listed(client)


def test_a_card_rendered_from_rows_changed_meanwhile_is_not_kept(client, hosted, monkeypatch):
    """A change committed between the list reading its events (and each card's version
    with it) and storing the cards it rendered from the older rows."""
    from events.cache import cards

    render = cards.render_to_string

    def render_then_rename(*args, **kwargs):
        html = render(*args, **kwargs)
        Event.objects.get(pk=hosted.event.pk).save()  # empties the card: a new version
        return html

    monkeypatch.setattr(cards, "render_to_string", render_then_rename)
    listed(client)
    monkeypatch.undo()

    assert not card(hosted.event)
