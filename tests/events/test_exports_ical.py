import datetime
import zoneinfo

import icalendar
import pytest
from django.urls import reverse

from tests.factories import (
    EventFactory,
    EventOrganizationFactory,
    PersonFactory,
    PresentationFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.getvalue())


def only_event(calendar):
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return events[0]


def test_event_calendar_of_the_shanghai_record_carries_its_facts(client, settings, shanghai):
    settings.SITE_URL = "https://records.example.org"

    vevent = only_event(parse(client.get(reverse("data:event_ics", args=[shanghai.slug]))))

    assert vevent["UID"] == "advancing-smart-cities-2021-09-09@records.example.org"
    assert vevent["SUMMARY"] == shanghai.title
    assert vevent["URL"] == f"https://records.example.org{shanghai.get_absolute_url()}"
    assert vevent.decoded("DTSTAMP") == shanghai.updated_at.replace(microsecond=0)
    assert "More than 200 participants." in vevent["DESCRIPTION"]
    assert "Source: Report: Professor Yijia Jing" in vevent["DESCRIPTION"]
    organizer = vevent["ORGANIZER"]
    assert (
        organizer.params["CN"]
        == "United Nations Department of Economic and Social Affairs (UN DESA)"
    )
    # Files are the same for every reader: their links are the English pages.
    assert organizer == "https://records.example.org/en/organizations/un-desa/"


def test_event_calendar_names_the_chair_and_the_other_speakers(client, shanghai):
    vevent = only_event(parse(client.get(reverse("data:event_ics", args=[shanghai.slug]))))

    attendees = {str(a.params["CN"]): a for a in vevent["ATTENDEE"]}

    assert attendees["Adriana Alberti"].params["ROLE"] == "CHAIR"
    assert attendees["Adriana Alberti"].endswith("/people/adriana-alberti/")
    assert {a.params["ROLE"] for name, a in attendees.items() if name != "Adriana Alberti"} == {
        "REQ-PARTICIPANT"
    }
    assert "Professor Yijia Jing" in attendees
    assert not any(str(a).startswith("mailto:") for a in attendees.values())


def test_event_calendar_names_each_person_once_including_programme_only_speakers(client):
    event = EventFactory()
    chair = PersonFactory()
    RoleFactory(event=event, person=chair, kind="chair")
    RoleFactory(event=event, person=chair, kind="speaker")
    programme_only = PersonFactory()
    PresentationFactory(event=event, speakers=[programme_only, chair])

    vevent = only_event(parse(client.get(reverse("data:event_ics", args=[event.slug]))))

    attendees = vevent["ATTENDEE"]
    assert [str(a.params["CN"]) for a in attendees] == [chair.name, programme_only.name]
    assert [a.params["ROLE"] for a in attendees] == ["CHAIR", "REQ-PARTICIPANT"]


def test_date_only_event_is_an_all_day_event_ending_the_next_day(client):
    event = EventFactory(start_date=datetime.date(2021, 9, 9))

    vevent = only_event(parse(client.get(reverse("data:event_ics", args=[event.slug]))))

    assert vevent.decoded("DTSTART") == datetime.date(2021, 9, 9)
    assert not isinstance(vevent.decoded("DTSTART"), datetime.datetime)
    assert vevent["DTSTART"].params["VALUE"] == "DATE"
    assert vevent.decoded("DTEND") == datetime.date(2021, 9, 10)
    assert b"T000000" not in vevent.to_ical(), "no invented time of day"


def test_timed_event_in_shanghai_carries_its_time_zone(client):
    event = EventFactory(
        start_date=datetime.date(2021, 9, 9),
        start_time=datetime.time(20, 0),
        end_time=datetime.time(22, 30),
        time_zone="Asia/Shanghai",
    )

    calendar = parse(client.get(reverse("data:event_ics", args=[event.slug])))
    vevent = only_event(calendar)

    start = vevent.decoded("DTSTART")
    assert vevent["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert start.astimezone(datetime.UTC) == datetime.datetime(
        2021, 9, 9, 12, 0, tzinfo=datetime.UTC
    )
    assert vevent.decoded("DTEND") == datetime.datetime(
        2021, 9, 9, 22, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")
    )
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]


def test_timed_event_without_end_time_gets_no_invented_end(client):
    event = EventFactory(start_time=datetime.time(9), time_zone="Europe/Paris")

    vevent = only_event(parse(client.get(reverse("data:event_ics", args=[event.slug]))))

    assert "DTEND" not in vevent
    assert "DURATION" not in vevent


def test_calendar_uid_does_not_depend_on_the_database_key(client):
    event = EventFactory(slug="same-record")
    first = only_event(parse(client.get(reverse("data:event_ics", args=[event.slug]))))["UID"]
    event.delete()
    event = EventFactory(slug="same-record")

    second = only_event(parse(client.get(reverse("data:event_ics", args=[event.slug]))))["UID"]

    assert first == second == "same-record@127.0.0.1"


def test_calendar_of_all_events_lists_published_events_only(client):
    published = EventFactory()
    draft = EventFactory(draft=True)

    calendar = parse(client.get(reverse("data:calendar")))

    uids = {str(vevent["UID"]) for vevent in calendar.walk("VEVENT")}
    assert uids == {f"{published.slug}@127.0.0.1"}
    assert draft.title.encode() not in client.get(reverse("data:calendar")).getvalue()


def test_draft_event_has_no_calendar_file(client):
    draft = EventFactory(draft=True)

    response = client.get(reverse("data:event_ics", args=[draft.slug]))

    assert response.status_code == 404


def test_event_page_links_to_its_calendar_file(client, shanghai):
    response = client.get(shanghai.get_absolute_url())

    assert reverse("data:event_ics", args=[shanghai.slug]) in response.content.decode()
    assert "Add to calendar" in response.content.decode()


@pytest.mark.parametrize("events", [1, 10])
def test_calendar_queries_do_not_grow_with_events(client, django_assert_num_queries, events):
    for _ in range(events):
        event = EventFactory()
        EventOrganizationFactory(event=event)
        RoleFactory(event=event, person=PersonFactory())

    with django_assert_num_queries(7):
        response = client.get(reverse("data:calendar"))
        content = response.getvalue()

    assert len(icalendar.Calendar.from_ical(content).walk("VEVENT")) == events
