"""iCalendar (RFC 5545): one event, or every published event, as a calendar."""

import datetime
import zoneinfo

import icalendar
from django.utils import translation

from events.models import Event, Role

from .common import absolute_url, fact_sheet, language_tag, site_host


def calendar_uid(event):
    """Stable across re-imports and database moves: the slug and the site's host, not a pk."""
    return f"{event.slug}@{site_host()}"


def event_times(event):
    """DTSTART and DTEND values: dates for an all-day event, zoned date-times otherwise.

    An all-day event's DTEND is the day after its last day (RFC 5545 3.6.1: DTEND is
    exclusive). A timed event without an end time gets no DTEND rather than an invented one.
    """
    if not event.has_time:
        return event.start_date, event.end_date + datetime.timedelta(days=1)
    zone = zoneinfo.ZoneInfo(event.time_zone)
    start = datetime.datetime.combine(event.start_date, event.start_time, tzinfo=zone)
    end = None
    if event.end_time is not None:
        end = datetime.datetime.combine(event.end_date, event.end_time, tzinfo=zone)
    return start, end


def calendar_address(path, name, **params):
    """A calendar user named by their public page. RFC 5545 3.3.3 lets CAL-ADDRESS be any
    URI; none of these people has a published e-mail address, and none is invented."""
    address = icalendar.vCalAddress(absolute_url(path))
    address.params["CN"] = icalendar.vText(name)
    for key, value in params.items():
        address.params[key] = icalendar.vText(value)
    return address


# RFC 5545 STATUS of a VEVENT: a postponed event has no date to keep it at, so it is tentative;
# a rescheduled or moved event is confirmed at its new date or place.
CALENDAR_STATUSES = {
    Event.EventStatus.SCHEDULED: "CONFIRMED",
    Event.EventStatus.CANCELLED: "CANCELLED",
    Event.EventStatus.POSTPONED: "TENTATIVE",
    Event.EventStatus.RESCHEDULED: "CONFIRMED",
    Event.EventStatus.MOVED_ONLINE: "CONFIRMED",
}


def calendar_event(event):
    component = icalendar.Event()
    component.add("uid", calendar_uid(event))
    component.add("dtstamp", event.updated_at)
    component.add("last-modified", event.updated_at)
    component.add("sequence", event.version)
    component.add("status", CALENDAR_STATUSES[event.event_status])
    # The file's text is in the language it is served in (English: see webinar/languages.py).
    language = {"LANGUAGE": language_tag(translation.get_language())}
    component.add("summary", event.title, parameters=language)
    component.add("description", fact_sheet(event), parameters=language)
    component.add("url", absolute_url(event.get_absolute_url()))
    start, end = event_times(event)
    component.add("dtstart", start)
    if end is not None:
        component.add("dtend", end)
    if event.location:
        component.add("location", event.location, parameters=language)
    topics = [topic.name for topic in event.topics.all()]
    if topics:
        component.add("categories", topics)
    organizers = event.organizing_participations()
    if organizers:
        organization = organizers[0].organization
        component.add(
            "organizer",
            calendar_address(organization.get_absolute_url(), organization.display_name),
        )
    for person, is_chair in named_people(event):
        component.add(
            "attendee",
            calendar_address(
                person.get_absolute_url(),
                person.name_with_honorific,
                CUTYPE="INDIVIDUAL",
                ROLE="CHAIR" if is_chair else "REQ-PARTICIPANT",
            ),
        )
    return component


def named_people(event):
    """Each person named in the event once, in programme order, with whether they chaired:
    everyone with a role, then speakers who appear only in the programme."""
    people = {}
    for role in event.roles.all():
        chaired = people.get(role.person_id, (role.person, False))[1]
        people[role.person_id] = (role.person, chaired or role.kind == Role.Kind.CHAIR)
    for presentation in event.presentations.all():
        for speaker in presentation.speakers.all():
            people.setdefault(speaker.pk, (speaker, False))
    return list(people.values())


def calendar(events, name=None):
    """An iCalendar object with one VEVENT per event and the VTIMEZONEs that they use.

    No METHOD is set: this is a downloadable record, not an iTIP scheduling message (whose
    PUBLISH method would forbid the ATTENDEE properties that name the speakers).
    """
    cal = icalendar.Calendar()
    cal.add("prodid", f"-//Event Records//{site_host()}//EN")
    cal.add("version", "2.0")
    if name:
        cal.add("x-wr-calname", name)
    for event in events:
        cal.add_component(calendar_event(event))
    cal.add_missing_timezones()
    return cal
