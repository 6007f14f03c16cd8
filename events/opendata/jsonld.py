"""schema.org JSON-LD of events, presentations, people and organizations (the pages embed it;
`/events/<slug>.jsonld` serves it). Every page embeds its structured data one way: its view
builds the node here and puts `as_script(node)` in the context as `structured_data`, which
`base.html`'s `structured_data` block prints."""

import datetime
import json
import zoneinfo

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from events.models import Event, EventOrganization
from people import identifiers
from people.models import Organization

from .common import absolute_url, description_with_count, jsonld_text

SCHEMA_ORG = "https://schema.org/"

ATTENDANCE_MODES = {
    Event.AttendanceMode.ONLINE: SCHEMA_ORG + "OnlineEventAttendanceMode",
    Event.AttendanceMode.IN_PERSON: SCHEMA_ORG + "OfflineEventAttendanceMode",
    Event.AttendanceMode.MIXED: SCHEMA_ORG + "MixedEventAttendanceMode",
}

EVENT_STATUSES = {
    Event.EventStatus.SCHEDULED: SCHEMA_ORG + "EventScheduled",
    Event.EventStatus.CANCELLED: SCHEMA_ORG + "EventCancelled",
    Event.EventStatus.POSTPONED: SCHEMA_ORG + "EventPostponed",
    Event.EventStatus.RESCHEDULED: SCHEMA_ORG + "EventRescheduled",
    Event.EventStatus.MOVED_ONLINE: SCHEMA_ORG + "EventMovedOnline",
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
    add_identifiers(node, organization)
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
    add_identifiers(node, person)
    return node


def add_identifiers(node, record):
    """`sameAs`: the record's own website and the address of each identifier (ORCID, ROR,
    Wikidata, ISNI); `identifier`: each identifier as a PropertyValue, scheme named."""
    same_as = ([record.website] if record.website else []) + identifiers.same_as(record)
    if same_as:
        node["sameAs"] = same_as[0] if len(same_as) == 1 else same_as
    values = identifiers.property_values(record)
    if values:
        node["identifier"] = values


def source_node(source):
    """A source is a work whose subject is the event (Event has no `citation` property)."""
    node = {"@type": "CreativeWork", "name": source.title}
    if source.url:
        node["url"] = source.url
    if source.publisher:
        node["publisher"] = {"@type": "Organization", "name": source.publisher}
    if source.published_on:
        node["datePublished"] = source.published_on.isoformat()
    if source.language:
        node["inLanguage"] = source.language
        node["name"] = {"@value": source.title, "@language": source.language}
    return node


def add_original_title(node, record):
    """The title as the source writes it, tagged with its language (“원제”@ko)."""
    if record.original_title:
        node["alternateName"] = {
            "@value": record.original_title,
            "@language": record.original_title_language,
        }


def location_nodes(event):
    nodes = []
    if event.attendance_mode in (Event.AttendanceMode.ONLINE, Event.AttendanceMode.MIXED):
        # No address is invented: the node says only that the event took place online.
        nodes.append({"@type": "VirtualLocation"})
    if event.location:
        nodes.append({"@type": "Place", "name": event.location})
    return nodes


def announced_sentence(event):
    """Who a source announced for an event that is now over: not performers, since no source
    says they took part, but still named (“Announced, not confirmed: …”)."""
    names = [
        f"{role.person.name_with_honorific} ({role.get_kind_display()})"
        for role in event.roles.all()
        if role.is_announced and not role.attests_performance()
    ]
    if not names:
        return ""
    return "Announced, not confirmed by a source: " + ", ".join(names) + "."


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
            part for part in [description_with_count(event), announced_sentence(event)] if part
        ),
        "startDate": schema_date(event, event.start_date, event.start_time),
        "endDate": schema_date(event, event.end_date, event.end_time),
        "eventAttendanceMode": ATTENDANCE_MODES[event.attendance_mode],
        # "Scheduled" is also what a held event that went ahead as planned is: schema.org has
        # no "took place" status.
        "eventStatus": EVENT_STATUSES[event.event_status],
    }
    if event.previous_start_date:
        node["previousStartDate"] = event.previous_start_date.isoformat()
    if event.series_id:
        node["superEvent"] = series_node(event.series)
    if event.has_time and event.end_time is None:
        del node["endDate"]
    add_original_title(node, event)
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
        if not role.attests_performance():
            continue
        performer = {
            "@type": "Role",
            "roleName": role.get_kind_display(),
            "performer": person_node(role.person),
        }
        descriptions = []
        if role.title_at_the_time:
            descriptions.append(f"{role.title_at_the_time} (title at the time)")
        if role.is_announced:
            descriptions.append("announced: the source says they will take part")
        if descriptions:
            performer["description"] = "; ".join(descriptions)
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
        "eventStatus": EVENT_STATUSES[event.event_status],
    }
    add_original_title(node, presentation)
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
        if role.attests_performance():
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


def series_node(series):
    url = absolute_url(series.get_absolute_url())
    return {"@type": "EventSeries", "@id": url, "name": jsonld_text(series, "name"), "url": url}


def series_jsonld(series, events):
    """An EventSeries with the events the page lists as its `subEvent`s, in their order."""
    node = {"@context": "https://schema.org", **series_node(series)}
    if series.description:
        node["description"] = series.description
    if series.organizer_id:
        node["organizer"] = organization_node(series.organizer)
    if series.website:
        node["sameAs"] = series.website
    if events:
        node["subEvent"] = [event_summary_node(event) for event in events]
    return node


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


# The escapes of Django's json_script: inside a <script> element, "</script>" or "<!--" in a
# record's text must not end the element early.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def as_script(node):
    """The `<script type="application/ld+json">` data block a page embeds."""
    text = json.dumps(node, cls=DjangoJSONEncoder, ensure_ascii=False, indent=None)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(JSON_SCRIPT_ESCAPES)),  # noqa: S308 - escaped just above
    )


def event_script(event):
    """An event page's data block; none for a draft (a staff preview carries no structured
    data)."""
    return as_script(event_jsonld(event)) if event.is_published else ""
