import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def feed_entries(client):
    response = client.get(reverse("data:feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content).findall(f"{ATOM}entry")


def test_feed_lists_events_newest_published_first(client):
    moment = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    older_event_published_later = EventFactory(
        start_date=datetime.date(2019, 1, 1), published_at=moment + datetime.timedelta(days=2)
    )
    newer_event_published_earlier = EventFactory(
        start_date=datetime.date(2024, 1, 1), published_at=moment
    )

    entries = feed_entries(client)

    titles = [entry.find(f"{ATOM}title").text for entry in entries]
    assert titles == [older_event_published_later.title, newer_event_published_earlier.title]
    assert entries[0].find(f"{ATOM}published").text.startswith("2026-01-03")


def test_feed_leaves_out_drafts(client):
    draft = EventFactory(draft=True)

    entries = feed_entries(client)

    assert draft.title not in [entry.find(f"{ATOM}title").text for entry in entries]


def test_feed_entry_keeps_the_count_qualifier(client, shanghai):
    (entry,) = feed_entries(client)

    assert "More than 200 participants." in entry.find(f"{ATOM}summary").text
    assert entry.find(f"{ATOM}link").get("href").endswith(shanghai.get_absolute_url())


def test_pages_link_to_the_feed(client, shanghai):
    response = client.get(reverse("events:list"))

    assert (
        f'<link rel="alternate" type="application/atom+xml" title="Newly published events" '
        f'href="{reverse("data:feed")}">'
    ) in response.content.decode()
