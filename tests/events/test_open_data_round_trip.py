"""
Round trip of the Shanghai record: the facts read back from every format, with each format's
own parser, match the fixture file (read here directly, not through the site's models).
"""

import csv
import datetime
import io
import json
import xml.etree.ElementTree as ET

import icalendar
import pytest
from django.conf import settings
from django.urls import reverse

from tests.conftest import SHANGHAI_SLUG

pytestmark = pytest.mark.django_db


def fixture_facts():
    path = settings.BASE_DIR / "events" / "fixtures" / "shanghai_webinar.json"
    objects = json.loads(path.read_text(encoding="utf-8"))
    by_model = {}
    for obj in objects:
        by_model.setdefault(obj["model"], []).append(obj["fields"])
    (event,) = by_model["events.event"]
    (chair,) = [role for role in by_model["events.role"] if role["kind"] == "chair"]
    (host,) = [p for p in by_model["events.eventorganization"] if p["part"] == "host"]
    (source,) = by_model["events.source"]
    return {
        "title": event["title"],
        "date": datetime.date.fromisoformat(event["start_date"]),
        "has_time": event["start_time"] is not None,
        "count": event["participant_count"],
        "qualifier": event["participant_count_qualifier"],
        "chair": chair["person"][0],
        "chair_title": chair["position_title"],
        "host": host["organization"][0],
        "source": source["title"],
    }


@pytest.fixture
def facts(shanghai):
    facts = fixture_facts()
    assert facts["qualifier"] == "more-than" and facts["count"] == 200
    assert facts["has_time"] is False
    return facts


def test_icalendar_round_trip(client, facts):
    calendar = icalendar.Calendar.from_ical(
        client.get(reverse("data:event_ics", args=[SHANGHAI_SLUG])).content
    )
    (vevent,) = calendar.walk("VEVENT")
    chair = next(a for a in vevent["ATTENDEE"] if a.params["ROLE"] == "CHAIR")

    assert vevent["SUMMARY"] == facts["title"]
    assert vevent.decoded("DTSTART") == facts["date"]
    assert not isinstance(vevent.decoded("DTSTART"), datetime.datetime)
    assert f"More than {facts['count']} participants." in vevent["DESCRIPTION"]
    assert chair.endswith(f"/people/{facts['chair']}/")
    assert facts["chair_title"] in vevent["DESCRIPTION"]
    assert vevent["ORGANIZER"].endswith(f"/organizations/{facts['host']}/")
    assert facts["source"] in vevent["DESCRIPTION"]


def test_jsonld_round_trip(client, facts):
    data = json.loads(client.get(reverse("data:event_jsonld", args=[SHANGHAI_SLUG])).content)
    chair = next(role for role in data["performer"] if role["roleName"] == "Chair")

    assert data["name"] == facts["title"]
    assert data["startDate"] == facts["date"].isoformat()
    assert f"More than {facts['count']} participants." in data["description"]
    assert chair["performer"]["@id"].endswith(f"/people/{facts['chair']}/")
    assert chair["description"].startswith(facts["chair_title"])
    assert data["organizer"][0]["@id"].endswith(f"/organizations/{facts['host']}/")
    assert data["subjectOf"][0]["name"] == facts["source"]


def test_popolo_round_trip(client, facts):
    data = json.loads(client.get(reverse("data:popolo")).getvalue())
    event = next(e for e in data["events"] if e["id"] == f"event/{SHANGHAI_SLUG}")
    membership = next(
        m for m in data["memberships"] if m["person_id"] == f"person/{facts['chair']}"
    )

    assert event["name"] == facts["title"]
    assert event["start_date"] == facts["date"].isoformat()
    assert f"More than {facts['count']} participants." in event["description"]
    assert event["organization_id"] == f"organization/{facts['host']}"
    assert facts["source"] in event["sources"][0]["note"]
    assert membership["role"] == facts["chair_title"]
    assert membership["start_date"] == facts["date"].isoformat()


def test_csv_round_trip(client, facts):
    def rows(name):
        content = client.get(reverse(f"data:{name}_csv")).getvalue().decode("utf-8-sig")
        return list(csv.DictReader(io.StringIO(content)))

    (event,) = rows("events")
    chair = next(row for row in rows("roles") if row["role"] == "chair")

    assert event["title"] == facts["title"]
    assert event["start_date"] == facts["date"].isoformat()
    assert event["start_time"] == ""
    assert event["participant_count"] == str(facts["count"])
    assert event["participant_count_qualifier"] == facts["qualifier"]
    assert event["sources"] == facts["source"]
    assert chair["person"] == facts["chair"]
    assert chair["position_title"] == facts["chair_title"]


def test_api_round_trip(client, facts):
    data = client.get(reverse("api:event-detail", args=[SHANGHAI_SLUG])).json()
    chair = next(role for role in data["roles"] if role["kind"] == "chair")

    assert data["title"] == facts["title"]
    assert data["start_date"] == facts["date"].isoformat()
    assert data["start_time"] is None
    assert data["participant_count"] == facts["count"]
    assert data["participant_count_qualifier"] == facts["qualifier"]
    assert chair["person"]["slug"] == facts["chair"]
    assert chair["position_title"] == facts["chair_title"]
    assert data["organizations"][0]["organization"]["slug"] == facts["host"]
    assert data["sources"][0]["title"] == facts["source"]


def test_atom_round_trip(client, facts):
    feed = ET.fromstring(client.get(reverse("data:feed")).content)
    atom = "{http://www.w3.org/2005/Atom}"
    (entry,) = feed.findall(f"{atom}entry")

    assert entry.find(f"{atom}title").text == facts["title"]
    assert f"More than {facts['count']} participants." in entry.find(f"{atom}summary").text
