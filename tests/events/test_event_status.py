"""Event status (scheduled, cancelled, postponed, rescheduled with the previous date, moved
online): kept sound by constraints, shown on the page and the lists, and carried by schema.org
`eventStatus` / `previousStartDate`, iCalendar STATUS, the API, Popolo and the CSV."""

import csv
import datetime
import io

import icalendar
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from events.models import Event
from tests.events.test_exports_jsonld import embedded_jsonld
from tests.events.test_exports_popolo import popolo_of, schema_errors
from tests.factories import EventFactory
from tests.standards.schemaorg import vocabulary

pytestmark = pytest.mark.django_db

Status = Event.EventStatus


def rescheduled():
    return EventFactory(
        slug="moved-forum",
        start_date=datetime.date(2022, 6, 1),
        event_status=Status.RESCHEDULED,
        previous_start_date=datetime.date(2022, 3, 1),
    )


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"event_status": Status.RESCHEDULED}, "needs its previous start date"),
        (
            {"previous_start_date": datetime.date(2021, 1, 1)},
            "Only a rescheduled or postponed event",
        ),
        (
            {"event_status": Status.MOVED_ONLINE, "attendance_mode": "in-person"},
            "moved online needs",
        ),
    ],
)
def test_status_that_contradicts_itself_is_refused_with_a_reason(fields, says):
    event = EventFactory.build(**fields)

    with pytest.raises(ValidationError) as raised:
        event.full_clean()

    assert says in " ".join(raised.value.messages)
    with pytest.raises(IntegrityError), transaction.atomic():
        event.save()


def test_shanghai_record_is_scheduled_and_shows_no_status(client, shanghai):
    page = client.get(shanghai.get_absolute_url()).content.decode()

    assert shanghai.event_status == Status.SCHEDULED
    assert shanghai.previous_start_date is None
    assert "status-banner" not in page


def test_cancelled_event_page_says_so(client):
    event = EventFactory(event_status=Status.CANCELLED)

    page = client.get(event.get_absolute_url()).content.decode()

    assert 'class="status-banner" role="status"' in page
    assert "Cancelled" in page


def test_rescheduled_event_page_gives_the_previous_date(client):
    event = rescheduled()

    page = client.get(event.get_absolute_url()).content.decode()

    assert "Rescheduled" in page
    assert "first announced for 1 March 2022" in page


def test_event_list_shows_the_status_of_each_event(client):
    EventFactory(title="Postponed Forum on Water", event_status=Status.POSTPONED)
    EventFactory(title="Ordinary Seminar")

    page = client.get(reverse("events:list")).content.decode()

    assert "event-status--postponed" in page
    assert page.count('class="event-status ') == 1


def test_jsonld_carries_event_status_and_previous_start_date(client):
    event = rescheduled()

    data = embedded_jsonld(client.get(event.get_absolute_url()))

    assert vocabulary().check(data) == []
    assert data["eventStatus"] == "https://schema.org/EventRescheduled"
    assert data["previousStartDate"] == "2022-03-01"


@pytest.mark.parametrize(
    ("status", "schema_org", "ical"),
    [
        (Status.SCHEDULED, "EventScheduled", "CONFIRMED"),
        (Status.CANCELLED, "EventCancelled", "CANCELLED"),
        (Status.POSTPONED, "EventPostponed", "TENTATIVE"),
        (Status.MOVED_ONLINE, "EventMovedOnline", "CONFIRMED"),
    ],
)
def test_each_status_in_jsonld_and_icalendar(client, status, schema_org, ical):
    event = EventFactory(event_status=status)

    data = client.get(reverse("data:event_jsonld", args=[event.slug])).json()
    calendar = icalendar.Calendar.from_ical(
        client.get(reverse("data:event_ics", args=[event.slug])).content
    )

    assert data["eventStatus"] == f"https://schema.org/{schema_org}"
    assert "previousStartDate" not in data
    (component,) = calendar.walk("VEVENT")
    assert str(component["STATUS"]) == ical


def test_api_gives_event_status_and_previous_date(client):
    rescheduled()

    event = client.get(reverse("api:event-detail", args=["moved-forum"])).json()
    listed = client.get(reverse("api:event-list")).json()["results"][0]

    assert (event["event_status"], event["previous_start_date"]) == ("rescheduled", "2022-03-01")
    assert listed["event_status"] == "rescheduled"


def test_popolo_event_has_its_status_and_validates(client):
    rescheduled()

    data = popolo_of(client)

    assert schema_errors(data) == {}
    assert data["events"][0]["status"] == "rescheduled"


def test_csv_has_status_columns(client):
    rescheduled()

    response = client.get(reverse("data:events_csv"))
    (row,) = csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig")))

    assert (row["event_status"], row["previous_start_date"]) == ("rescheduled", "2022-03-01")
