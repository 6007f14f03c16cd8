"""
Published records in the formats that calendars, datasets and search engines read: iCalendar
(RFC 5545), schema.org JSON-LD, Popolo JSON and CSV.

Every builder takes records that already come from `Event.objects.published()` (or its
`.people()` / `.organizations()`), so a draft cannot reach an export. Each format carries the
record's facts without loss or invention: a date-only event stays date-only, a qualified count
keeps its qualifier (in the description where the format has no field for it), a person's title
is the one held at the time of the event, and every event names its sources.
"""

import csv
import datetime
import io
import zoneinfo
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.db.models import Prefetch
from django.utils import translation
from modeltranslation.utils import build_localized_fieldname

from people.models import Organization

from .models import Event, EventOrganization, Presentation, Role

SCHEMA_ORG = "https://schema.org/"

ATTENDANCE_MODES = {
    Event.AttendanceMode.ONLINE: SCHEMA_ORG + "OnlineEventAttendanceMode",
    Event.AttendanceMode.IN_PERSON: SCHEMA_ORG + "OfflineEventAttendanceMode",
    Event.AttendanceMode.MIXED: SCHEMA_ORG + "MixedEventAttendanceMode",
}

# schema.org 12.0 has no type for a research institute or an intergovernmental body;
# those stay plain Organization rather than borrowing a type that says something else.
ORGANIZATION_TYPES = {
    Organization.Kind.GOVERNMENT: "GovernmentOrganization",
    Organization.Kind.GOVERNMENT_OFFICE: "GovernmentOrganization",
    Organization.Kind.PUBLIC_AGENCY: "GovernmentOrganization",
    Organization.Kind.UNIVERSITY: "CollegeOrUniversity",
    Organization.Kind.COMPANY: "Corporation",
    Organization.Kind.CIVIL_SOCIETY: "NGO",
}

# How an organization's part in an event maps to schema.org's Event properties.
ORGANIZATION_PARTS = {
    EventOrganization.Part.HOST: "organizer",
    EventOrganization.Part.CO_HOST: "organizer",
    EventOrganization.Part.ORGANIZER: "organizer",
    EventOrganization.Part.COLLABORATOR: "contributor",
    EventOrganization.Part.PARTNER: "contributor",
    EventOrganization.Part.SPONSOR: "sponsor",
    EventOrganization.Part.SUPPORTER: "sponsor",
}

# Parts that make an organization the one "organizing the event" in iCalendar and Popolo.
ORGANIZING_PARTS = (
    EventOrganization.Part.HOST,
    EventOrganization.Part.CO_HOST,
    EventOrganization.Part.ORGANIZER,
)


def absolute_url(path):
    """A full address on the public site, written without a request (DJANGO_SITE_URL)."""
    return settings.SITE_URL + path


def site_host():
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def language_tag(code):
    """BCP 47 as the standards write it: en, zh-Hans."""
    return translation.to_locale(code).replace("_", "-")


def texts_by_language(instance, field):
    """(language tag, text) for each language the field is written in, English first."""
    found = []
    for code, _name in settings.LANGUAGES:
        text = getattr(instance, build_localized_fieldname(field, code))
        if text:
            found.append((language_tag(code), text))
    return found


def jsonld_text(instance, field):
    """A translated field for JSON-LD: plain text while it exists in one language only (what
    most consumers expect), language-tagged values ({"@value", "@language"}) once an editor
    has given it in both."""
    found = texts_by_language(instance, field)
    if len(found) < 2:
        return getattr(instance, field)
    return [{"@value": text, "@language": tag} for tag, text in found]


def published_events():
    """Published events with everything the exports read, in a fixed number of queries."""
    return Event.objects.published().prefetch_related(
        Prefetch(
            "roles",
            queryset=Role.objects.select_related(
                "person", "organization__parent", "source"
            ).order_by("order", "pk"),
        ),
        Prefetch(
            "presentations",
            queryset=Presentation.objects.select_related("source").prefetch_related("speakers"),
        ),
        Prefetch(
            "participations",
            queryset=EventOrganization.objects.select_related("organization__parent", "source"),
        ),
        "topics",
        "sources",
    )


def organizing_participations(event):
    return [p for p in event.participations.all() if p.part in ORGANIZING_PARTS]


def participant_sentence(event):
    """“More than 200 participants.” The qualifier stays in words, never rounded away."""
    if event.participant_count is None:
        return ""
    count = event.participant_count_display
    return f"{count[:1].upper()}{count[1:]} participants."


def fact_sheet(event):
    """The record's facts in plain text, for formats whose only free field is a description."""
    lines = [event.description] if event.description else []
    counts = [participant_sentence(event)]
    if event.speaker_count is not None:
        counts.append(f"{event.speaker_count} speakers reported.")
    counts = " ".join(part for part in counts if part)
    if counts:
        lines.append(counts)
    for role in event.roles.all():
        line = f"{role.get_kind_display()}: {role.person.name_with_honorific}"
        if role.title_at_the_time:
            line += f", {role.title_at_the_time}"
        lines.append(line)
    sources = "; ".join(source.title for source in event.sources.all())
    if sources:
        lines.append(f"Source: {sources}")
    lines.append(absolute_url(event.get_absolute_url()))
    return "\n\n".join(lines)


# iCalendar ----------------------------------------------------------------------------------


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


def calendar_event(event):
    component = icalendar.Event()
    component.add("uid", calendar_uid(event))
    component.add("dtstamp", event.updated_at)
    component.add("last-modified", event.updated_at)
    component.add("sequence", event.version)
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
    organizers = organizing_participations(event)
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


# schema.org JSON-LD -------------------------------------------------------------------------


def schema_date(event, day, time):
    """ISO 8601: a date alone when no time is known, otherwise a date-time with its offset."""
    if time is None:
        return day.isoformat()
    zone = zoneinfo.ZoneInfo(event.time_zone)
    return datetime.datetime.combine(day, time, tzinfo=zone).isoformat()


def organization_node(organization, with_parent=True):
    node = {
        "@type": ORGANIZATION_TYPES.get(organization.kind, "Organization"),
        "@id": absolute_url(organization.get_absolute_url()),
        "name": jsonld_text(organization, "name"),
        "url": absolute_url(organization.get_absolute_url()),
    }
    if organization.short_name and organization.short_name != organization.name:
        node["alternateName"] = organization.short_name
    if organization.website:
        node["sameAs"] = organization.website
    if with_parent and organization.parent_id:
        # One level only: the parent's own parents are on its page, not loaded here.
        node["parentOrganization"] = organization_node(organization.parent, with_parent=False)
    return node


def person_node(person):
    node = {
        "@type": "Person",
        "@id": absolute_url(person.get_absolute_url()),
        "name": person.name,
        "url": absolute_url(person.get_absolute_url()),
        "familyName": person.family_name,
    }
    if person.given_name:
        node["givenName"] = person.given_name
    if person.honorific:
        node["honorificPrefix"] = person.honorific
    if person.website:
        node["sameAs"] = person.website
    return node


def source_node(source):
    """A source is a work whose subject is the event (Event has no `citation` property)."""
    node = {"@type": "CreativeWork", "name": source.title}
    if source.url:
        node["url"] = source.url
    if source.publisher:
        node["publisher"] = {"@type": "Organization", "name": source.publisher}
    if source.published_on:
        node["datePublished"] = source.published_on.isoformat()
    return node


def location_nodes(event):
    nodes = []
    if event.attendance_mode in (Event.AttendanceMode.ONLINE, Event.AttendanceMode.MIXED):
        # No address is invented: the node says only that the event took place online.
        nodes.append({"@type": "VirtualLocation"})
    if event.location:
        nodes.append({"@type": "Place", "name": event.location})
    return nodes


def event_jsonld(event):
    """The schema.org Event for a published record (read with `published_events()`)."""
    url = absolute_url(event.get_absolute_url())
    node = {
        "@context": "https://schema.org",
        "@type": "Event",
        "@id": url,
        "url": url,
        "name": jsonld_text(event, "title"),
        "description": "\n\n".join(
            part for part in [event.description, participant_sentence(event)] if part
        ),
        "startDate": schema_date(event, event.start_date, event.start_time),
        "endDate": schema_date(event, event.end_date, event.end_time),
        "eventAttendanceMode": ATTENDANCE_MODES[event.attendance_mode],
        # A held event that went ahead as planned; schema.org has no "took place" status.
        "eventStatus": SCHEMA_ORG + "EventScheduled",
    }
    if event.has_time and event.end_time is None:
        del node["endDate"]
    locations = location_nodes(event)
    if locations:
        node["location"] = locations[0] if len(locations) == 1 else locations
    if event.language:
        node["inLanguage"] = event.language
    if event.audience:
        node["audience"] = {"@type": "Audience", "audienceType": event.audience}
    for participation in event.participations.all():
        prop = ORGANIZATION_PARTS[participation.part]
        node.setdefault(prop, []).append(organization_node(participation.organization))
    performers = []
    for role in event.roles.all():
        performer = {
            "@type": "Role",
            "roleName": role.get_kind_display(),
            "performer": person_node(role.person),
        }
        if role.title_at_the_time:
            performer["description"] = f"{role.title_at_the_time} (title at the time)"
        if role.source_id:
            performer["subjectOf"] = source_node(role.source)
        performers.append(performer)
    if performers:
        node["performer"] = performers
    presentations = [
        presentation_node(event, presentation) for presentation in event.presentations.all()
    ]
    if presentations:
        node["subEvent"] = presentations
    topics = list(event.topics.all())
    if topics:
        # `keywords` is a CreativeWork property in schema.org 12.0, not an Event one.
        node["about"] = [{"@type": "Thing", "name": topic.name} for topic in topics]
    sources = [source_node(source) for source in event.sources.all()]
    if sources:
        node["subjectOf"] = sources
    return node


def presentation_node(event, presentation):
    url = absolute_url(presentation.get_absolute_url())
    node = {
        "@type": "Event",
        "@id": url,
        "url": url,
        "name": jsonld_text(presentation, "title"),
        "startDate": schema_date(
            event, event.start_date, presentation.start_time if event.has_time else None
        ),
        "eventAttendanceMode": ATTENDANCE_MODES[event.attendance_mode],
        "eventStatus": SCHEMA_ORG + "EventScheduled",
    }
    if presentation.summary:
        node["description"] = presentation.summary
    locations = location_nodes(event)
    if locations:
        node["location"] = locations[0] if len(locations) == 1 else locations
    speakers = [person_node(speaker) for speaker in presentation.speakers.all()]
    if speakers:
        node["performer"] = speakers
    return node


def person_jsonld(person, roles):
    """A Person with the events they took part in and, through Role objects, the titles they
    held at the time (schema.org's Role pattern: a Role stands in for the `affiliation`)."""
    node = {"@context": "https://schema.org", **person_node(person)}
    if person.biography:
        node["description"] = person.biography
    affiliations = []
    events = {}
    for role in roles:
        events.setdefault(role.event_id, role.event)
        if role.organization_id is None:
            continue
        affiliation = {
            "@type": "OrganizationRole",
            "roleName": role.position_title or role.get_kind_display(),
            "startDate": role.event.start_date.isoformat(),
            "endDate": role.event.end_date.isoformat(),
            "description": f"Title held at the time of {role.event.title}",
            "affiliation": organization_node(role.organization),
        }
        if role.source_id:
            affiliation["subjectOf"] = source_node(role.source)
        affiliations.append(affiliation)
    if affiliations:
        node["affiliation"] = affiliations
    if events:
        node["performerIn"] = [event_summary_node(event) for event in events.values()]
    return node


def event_summary_node(event):
    """An event as a person or organization page refers to it: name, address, date."""
    return {
        "@type": "Event",
        "@id": absolute_url(event.get_absolute_url()),
        "name": event.title,
        "url": absolute_url(event.get_absolute_url()),
        "startDate": schema_date(event, event.start_date, event.start_time),
    }


def organization_jsonld(organization, children, participations):
    node = {"@context": "https://schema.org", **organization_node(organization)}
    if children:
        node["subOrganization"] = [
            organization_node(child, with_parent=False) for child in children
        ]
    events = {p.event_id: p.event for p in participations}
    if events:
        node["event"] = [event_summary_node(event) for event in events.values()]
    return node


# Popolo -------------------------------------------------------------------------------------


def popolo_date(event, time=None):
    """Popolo's date pattern: a date, or a date-time with an offset."""
    return schema_date(event, event.start_date, time)


def popolo_sources(event, fact=None):
    """The sources of `fact` (a role, a presentation: the one source its quote comes from),
    else of the whole event.

    Popolo links need a URL. A source without its own address points to the record's
    page, which reproduces its text; the note says so instead of inventing an address."""
    links = []
    sources = [fact.source] if fact is not None and fact.source_id else event.sources.all()
    for source in sources:
        if source.url:
            links.append({"url": source.url, "note": source.title})
        else:
            links.append(
                {
                    "url": absolute_url(event.get_absolute_url()),
                    "note": (
                        f"{source.title} (its text is reproduced on this page; "
                        "the source's own address is not known)"
                    ),
                }
            )
    return links


def popolo_person(person):
    data = {
        "id": f"person/{person.slug}",
        "name": person.name,
        "family_name": person.family_name,
        "sort_name": person.sort_name,
        "links": [{"url": absolute_url(person.get_absolute_url()), "note": "Record page"}],
    }
    if person.given_name:
        data["given_name"] = person.given_name
    if person.honorific:
        data["honorific_prefix"] = person.honorific
    if person.biography:
        data["biography"] = person.biography
    if person.native_name:
        data["other_names"] = [{"name": person.native_name, "note": "Name in native script"}]
    if person.website:
        data["links"].append({"url": person.website, "note": "Website"})
    return data


def popolo_organization(organization):
    data = {
        "id": f"organization/{organization.slug}",
        "name": organization.name,
        "classification": organization.kind,
        "parent_id": (
            f"organization/{organization.parent.slug}" if organization.parent_id else None
        ),
        "links": [{"url": absolute_url(organization.get_absolute_url()), "note": "Record page"}],
    }
    if organization.short_name and organization.short_name != organization.name:
        data["other_names"] = [{"name": organization.short_name, "note": "Short name"}]
    for tag, text in texts_by_language(organization, "name")[1:]:
        data.setdefault("other_names", []).append({"name": text, "note": f"Name in {tag}"})
    if organization.website:
        data["links"].append({"url": organization.website, "note": "Website"})
    return data


def popolo_event(event):
    organizers = organizing_participations(event)
    description = "\n\n".join(
        part for part in [event.description, participant_sentence(event)] if part
    )
    data = {
        "id": f"event/{event.slug}",
        "name": event.title,
        "description": description or None,
        "classification": event.kind,
        "start_date": schema_date(event, event.start_date, event.start_time),
        "end_date": schema_date(event, event.end_date, event.end_time)
        if (not event.has_time or event.end_time is not None)
        else None,
        "location": event.location or event.get_attendance_mode_display(),
        "organization_id": (
            f"organization/{organizers[0].organization.slug}" if organizers else None
        ),
        "sources": popolo_sources(event),
    }
    return data


def popolo_presentation_event(event, presentation):
    start = presentation.start_time if event.has_time else None
    return {
        "id": f"event/{event.slug}/{presentation.slug}",
        "name": presentation.title,
        "description": presentation.summary or None,
        "classification": presentation.kind,
        "start_date": popolo_date(event, start),
        "parent_id": f"event/{event.slug}",
        "sources": popolo_sources(event, presentation),
    }


def popolo_membership(role):
    """A role's title held at an organization, dated to the event where the source says so.

    The dates bound what the source attests (the title was held on the event's days), not the
    whole tenure, which no source here gives.
    """
    event = role.event
    return {
        "id": f"membership/{event.slug}/{role.person.slug}/{role.kind}",
        "label": role.title_at_the_time,
        "role": role.position_title or None,
        "person_id": f"person/{role.person.slug}",
        "organization_id": f"organization/{role.organization.slug}",
        "start_date": event.start_date.isoformat(),
        "end_date": event.end_date.isoformat(),
        "sources": popolo_sources(event, role),
    }


def popolo_speech(event, presentation, speaker, position):
    """A presentation by one speaker, as Popolo's speech (no transcript text is kept)."""
    return {
        "id": f"speech/{event.slug}/{presentation.slug}/{speaker.slug}",
        "creator_id": f"person/{speaker.slug}",
        "title": presentation.title,
        "type": "speech",
        "role": presentation.get_kind_display(),
        "date": popolo_date(event, presentation.start_time if event.has_time else None),
        "position": position,
        "event_id": f"event/{event.slug}/{presentation.slug}",
        "sources": popolo_sources(event, presentation),
    }


def popolo(events=None):
    """The whole published dataset as one Popolo document."""
    events = list(published_events() if events is None else events)
    published = Event.objects.published()
    people = published.people().order_by("family_name", "given_name", "slug")
    organizations = published.organizations().select_related("parent").order_by("name_en")
    data = {
        "persons": [popolo_person(person) for person in people],
        "organizations": [popolo_organization(org) for org in organizations],
        "memberships": [],
        "events": [],
        "speeches": [],
    }
    for event in events:
        data["events"].append(popolo_event(event))
        data["memberships"].extend(
            popolo_membership(role) for role in event.roles.all() if role.organization_id
        )
        position = 0
        for presentation in event.presentations.all():
            data["events"].append(popolo_presentation_event(event, presentation))
            for speaker in presentation.speakers.all():
                position += 1
                data["speeches"].append(popolo_speech(event, presentation, speaker, position))
    return data


# CSV ----------------------------------------------------------------------------------------

CSV_TABLES = ("events", "people", "organizations", "roles")


def event_rows(events):
    yield [
        "slug",
        "title",
        "kind",
        "attendance_mode",
        "start_date",
        "end_date",
        "start_time",
        "end_time",
        "time_zone",
        "location",
        "participant_count",
        "participant_count_qualifier",
        "participants_as_reported",
        "speakers_reported",
        "organizer",
        "topics",
        "sources",
        "url",
    ]
    for event in events:
        organizers = organizing_participations(event)
        yield [
            event.slug,
            event.title,
            event.kind,
            event.attendance_mode,
            event.start_date.isoformat(),
            event.end_date.isoformat(),
            event.start_time.isoformat() if event.start_time else "",
            event.end_time.isoformat() if event.end_time else "",
            event.time_zone,
            event.location,
            "" if event.participant_count is None else event.participant_count,
            event.participant_count_qualifier if event.participant_count is not None else "",
            event.participant_count_display,
            "" if event.speaker_count is None else event.speaker_count,
            "; ".join(p.organization.name for p in organizers),
            "; ".join(topic.name for topic in event.topics.all()),
            "; ".join(source.title for source in event.sources.all()),
            absolute_url(event.get_absolute_url()),
        ]


def person_rows(people):
    yield ["slug", "name", "honorific", "given_name", "family_name", "native_name", "url"]
    for person in people:
        yield [
            person.slug,
            person.name,
            person.honorific,
            person.given_name,
            person.family_name,
            person.native_name,
            absolute_url(person.get_absolute_url()),
        ]


def organization_rows(organizations):
    yield ["slug", "name", "short_name", "kind", "parent", "country", "website", "url"]
    for organization in organizations:
        yield [
            organization.slug,
            organization.name,
            organization.short_name,
            organization.kind,
            organization.parent.slug if organization.parent_id else "",
            organization.country,
            organization.website,
            absolute_url(organization.get_absolute_url()),
        ]


def role_rows(events):
    yield [
        "event",
        "event_date",
        "person",
        "person_name",
        "role",
        "title_at_the_time",
        "position_title",
        "organization",
        "organization_name",
        "source",
        "quote",
    ]
    for event in events:
        for role in event.roles.all():
            yield [
                event.slug,
                event.start_date.isoformat(),
                role.person.slug,
                role.person.name_with_honorific,
                role.kind,
                role.title_at_the_time,
                role.position_title,
                role.organization.slug if role.organization_id else "",
                role.organization.name if role.organization_id else "",
                role.source.title if role.source_id else "",
                role.quote,
            ]


def csv_rows(table):
    """Header and rows of one published table; `table` is one of CSV_TABLES."""
    published = Event.objects.published()
    if table == "events":
        return event_rows(published_events())
    if table == "people":
        return person_rows(published.people().order_by("family_name", "given_name", "slug"))
    if table == "organizations":
        return organization_rows(published.organizations().select_related("parent"))
    if table == "roles":
        return role_rows(published_events())
    raise ValueError(f"Unknown table {table!r}")


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV
# injection"): an editor's text such as "=HYPERLINK(…)" or "@SUM(…)" would run on a reader's
# computer. Such text cells get a leading apostrophe, which spreadsheets show as plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def spreadsheet_safe(value):
    """A CSV cell that no spreadsheet evaluates: text starting like a formula is prefixed
    with an apostrophe; numbers are written as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_text(table):
    """UTF-8 with a byte-order mark, so spreadsheets open Chinese names correctly."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerows([spreadsheet_safe(cell) for cell in row] for row in csv_rows(table))
    return buffer.getvalue()
