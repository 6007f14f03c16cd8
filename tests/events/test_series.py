"""Event series: a page listing the series' published events in order, schema.org
EventSeries with superEvent / subEvent, a filter on the list and the API."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import EventSeries
from tests.events.test_exports_jsonld import embedded_jsonld, jsonld_of
from tests.factories import EventFactory, EventSeriesFactory, OrganizationFactory
from tests.standards.schemaorg import vocabulary

pytestmark = pytest.mark.django_db


@pytest.fixture
def series():
    series = EventSeriesFactory(
        name="Capacity Development Webinar Series",
        slug="capacity-development-webinars",
        organizer=OrganizationFactory(name="Division for Public Institutions"),
    )
    for day, title in [(20, "Third webinar"), (1, "First webinar"), (10, "Second webinar")]:
        EventFactory(series=series, title=title, start_date=datetime.date(2021, 9, day))
    EventFactory(series=series, title="Embargoed webinar", draft=True)
    return series


def test_shanghai_record_belongs_to_no_series(shanghai):
    # Its source names no series; none may be invented.
    assert shanghai.series is None
    assert not EventSeries.objects.exists()


def test_series_page_lists_its_published_events_in_date_order(client, series):
    response = client.get(series.get_absolute_url())

    page = response.content.decode()
    assert response.status_code == 200
    assert "Capacity Development Webinar Series" in page
    assert page.index("First webinar") < page.index("Second webinar") < page.index("Third")
    assert "Embargoed webinar" not in page
    assert "3 published events" in page


def test_series_of_drafts_only_is_not_found(client):
    series = EventSeriesFactory()
    EventFactory(series=series, draft=True)

    assert client.get(series.get_absolute_url()).status_code == 404


def test_series_jsonld_is_an_event_series_with_its_sub_events(client, series):
    data = embedded_jsonld(client.get(series.get_absolute_url()))

    assert vocabulary().check(data) == []
    assert data["@type"] == "EventSeries"
    assert [event["name"] for event in data["subEvent"]] == [
        "First webinar",
        "Second webinar",
        "Third webinar",
    ]
    assert data["organizer"]["name"] == "Division for Public Institutions"


def test_event_jsonld_names_its_series_as_super_event(client, series):
    event = series.events.get(title="First webinar")

    data = jsonld_of(client, event)

    assert vocabulary().check(data) == []
    assert data["superEvent"]["@type"] == "EventSeries"
    assert data["superEvent"]["url"].endswith(series.get_absolute_url())


def test_event_page_links_to_its_series(client, series):
    event = series.events.get(title="First webinar")

    page = client.get(event.get_absolute_url()).content.decode()

    assert f'href="{series.get_absolute_url()}"' in page


def test_event_list_filters_by_series(client, series):
    EventFactory(title="Unrelated lecture")

    page = client.get(reverse("events:list"), {"series": series.slug}).content.decode()

    assert "Second webinar" in page
    assert "Unrelated lecture" not in page


def test_event_list_refuses_an_unknown_series(client, series):
    response = client.get(reverse("events:list"), {"series": "no-such-series"})

    assert response.status_code == 400


def test_api_filters_by_series_and_names_it(client, series):
    EventFactory(title="Unrelated lecture")

    results = client.get(reverse("api:event-list"), {"series": series.slug}).json()["results"]

    assert {event["title"] for event in results} == {
        "First webinar",
        "Second webinar",
        "Third webinar",
    }
    assert all(event["series"] == series.slug for event in results)


def series_page_queries(client, series):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(series.get_absolute_url()).status_code == 200
    return len(captured)


def test_series_page_query_count_does_not_grow_with_its_events(client, series):
    from django.core.cache import cache

    small = series_page_queries(client, series)
    for day in range(30):
        EventFactory(series=series, start_date=datetime.date(2022, 1, 1 + day % 28))
    cache.clear()

    large = series_page_queries(client, series)

    assert large == small
