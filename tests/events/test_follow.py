"""Follow anything: Atom feeds and iCalendar subscriptions of the latest events of a person,
organization, topic, series or search, bounded, cheap, published-only, linked from pages."""

import datetime
import xml.etree.ElementTree as ET

import icalendar
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.search import documents as search_documents
from tests.factories import (
    EventFactory,
    EventOrganizationFactory,
    EventSeriesFactory,
    OrganizationFactory,
    PersonFactory,
    PresentationFactory,
    RoleFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def atom_titles(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    return [entry.find(f"{ATOM}title").text for entry in feed.iter(f"{ATOM}entry")]


def calendar_summaries(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    return [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]


@pytest.fixture
def person():
    person = PersonFactory(slug="ada")
    RoleFactory(person=person, event=EventFactory(title="Chaired forum"))
    PresentationFactory(speakers=[person], event=EventFactory(title="Keynote forum"))
    RoleFactory(person=person, event=EventFactory(title="Embargoed forum", draft=True))
    EventFactory(title="Someone else's forum")
    return person


def test_person_feed_and_calendar_carry_their_published_events_only(client, person):
    titles = atom_titles(client.get(reverse("data:person_feed", args=[person.slug])))
    summaries = calendar_summaries(client.get(reverse("data:person_calendar", args=[person.slug])))

    assert sorted(titles) == ["Chaired forum", "Keynote forum"]
    assert sorted(summaries) == ["Chaired forum", "Keynote forum"]


def test_organization_topic_and_series_feeds(client):
    organization = OrganizationFactory(slug="desa")
    EventOrganizationFactory(organization=organization, event=EventFactory(title="Hosted"))
    topic = TopicFactory(slug="water")
    EventFactory(title="On water").topics.add(topic)
    series = EventSeriesFactory(slug="webinars")
    EventFactory(title="In series", series=series)
    EventFactory(title="Elsewhere")

    for kind, slug, expected in [
        ("organization", "desa", ["Hosted"]),
        ("topic", "water", ["On water"]),
        ("series", "webinars", ["In series"]),
    ]:
        assert atom_titles(client.get(reverse(f"data:{kind}_feed", args=[slug]))) == expected
        calendar = client.get(reverse(f"data:{kind}_calendar", args=[slug]))
        assert calendar_summaries(calendar) == expected


def test_search_feed_and_calendar_follow_the_list_filters(client):
    EventFactory(title="Water forum", start_date=datetime.date(2021, 3, 1))
    EventFactory(title="Water summit", start_date=datetime.date(2022, 3, 1))
    EventFactory(title="Energy forum", start_date=datetime.date(2021, 3, 1))

    feed = client.get(reverse("data:search_feed"), {"q": "water", "year": 2021})
    calendar = client.get(reverse("data:search_calendar"), {"q": "water"})

    assert atom_titles(feed) == ["Water forum"]
    assert calendar_summaries(calendar) == ["Water summit", "Water forum"]


def test_search_feed_with_a_bad_filter_is_400_naming_it(client):
    response = client.get(reverse("data:search_feed"), {"year": "soon"})

    assert response.status_code == 400
    assert "year" in response.content.decode()


def test_feed_is_bounded_to_the_latest_events(client, settings):
    settings.FEED_ITEMS = 3
    series = EventSeriesFactory(slug="long-series")
    for day in range(1, 8):
        EventFactory(title=f"Day {day}", series=series, start_date=datetime.date(2021, 5, day))

    titles = atom_titles(client.get(reverse("data:series_feed", args=["long-series"])))
    summaries = calendar_summaries(
        client.get(reverse("data:series_calendar", args=["long-series"]))
    )

    assert titles == ["Day 7", "Day 6", "Day 5"]
    assert sorted(summaries) == ["Day 5", "Day 6", "Day 7"]


def test_unknown_or_draft_only_subject_is_404(client):
    draft_only = PersonFactory(slug="hidden")
    RoleFactory(person=draft_only, event=EventFactory(draft=True))

    for name in ("data:person_feed", "data:person_calendar"):
        for slug in ("hidden", "nobody"):
            assert client.get(reverse(name, args=[slug])).status_code == 404


def queries_of(client, url):
    cache.clear()
    # The search documents of the test's writes, rebuilt as when they commit (a test never
    # does), so that only the feed's own queries are counted.
    search_documents.bring_up_to_date()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_feed_and_calendar_queries_do_not_grow_with_the_archive(client, person):
    urls = [
        reverse("data:person_feed", args=[person.slug]),
        reverse("data:person_calendar", args=[person.slug]),
        reverse("data:search_feed") + "?q=forum",
        reverse("data:search_calendar") + "?q=forum",
    ]
    small = [queries_of(client, url) for url in urls]
    for n in range(30):
        event = EventFactory(title=f"Forum {n}")
        RoleFactory(person=person, event=event)
        EventOrganizationFactory(event=event)

    large = [queries_of(client, url) for url in urls]

    assert large == small


@pytest.mark.parametrize("kind", ["person", "organization", "series"])
def test_pages_link_their_feed_and_calendar_from_head_and_body(client, kind):
    organization = OrganizationFactory(slug="desa")
    series = EventSeriesFactory(slug="webinars")
    event = EventFactory(series=series)
    person = PersonFactory(slug="ada")
    RoleFactory(event=event, person=person, organization=organization)
    EventOrganizationFactory(event=event, organization=organization)
    record = {"person": person, "organization": organization, "series": series}[kind]

    page = client.get(record.get_absolute_url()).content.decode()

    feed = reverse(f"data:{kind}_feed", args=[record.slug])
    calendar = reverse(f"data:{kind}_calendar", args=[record.slug])
    head = page.split("</head>")[0]
    body = page.split("</head>")[1]
    assert 'type="application/atom+xml" title="Events of' in head
    assert feed in head and calendar in head
    assert f'href="webcal://127.0.0.1:8000{calendar}"' in body
    assert feed in body


def test_event_list_links_the_feed_of_its_search(client):
    EventFactory(title="Water forum")

    page = client.get(reverse("events:list"), {"q": "water", "page": 1}).content.decode()

    assert f"{reverse('data:search_feed')}?q=water" in page
    assert "page=1" not in page.split("</head>")[0]
    assert f"webcal://127.0.0.1:8000{reverse('data:search_calendar')}?q=water" in page


def test_event_list_of_one_topic_links_the_topic_feed(client):
    topic = TopicFactory(slug="water")
    EventFactory().topics.add(topic)

    page = client.get(reverse("events:list"), {"topic": "water"}).content.decode()

    assert reverse("data:topic_feed", args=["water"]) in page
