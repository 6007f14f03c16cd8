"""CSV tables of events, people, organizations and roles, safe to open in a spreadsheet."""

from .common import absolute_url

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
        "event_status",
        "previous_start_date",
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
        organizers = event.organizing_participations()
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
            event.event_status,
            event.previous_start_date.isoformat() if event.previous_start_date else "",
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
    yield [
        "slug",
        "name",
        "honorific",
        "given_name",
        "family_name",
        "native_name",
        "orcid",
        "wikidata",
        "isni",
        "url",
    ]
    for person in people:
        yield [
            person.slug,
            person.name,
            person.honorific,
            person.given_name,
            person.family_name,
            person.native_name,
            person.orcid,
            person.wikidata,
            person.isni,
            absolute_url(person.get_absolute_url()),
        ]


def organization_rows(organizations):
    yield [
        "slug",
        "name",
        "short_name",
        "kind",
        "parent",
        "country",
        "website",
        "ror",
        "wikidata",
        "isni",
        "url",
    ]
    for organization in organizations:
        yield [
            organization.slug,
            organization.name,
            organization.short_name,
            organization.kind,
            organization.parent.slug if organization.parent_id else "",
            organization.country,
            organization.website,
            organization.ror,
            organization.wikidata,
            organization.isni,
            absolute_url(organization.get_absolute_url()),
        ]


def role_rows(events):
    yield [
        "event",
        "event_date",
        "person",
        "person_name",
        "role",
        "attestation",
        "title_at_the_time",
        "position_title",
        "organization",
        "organization_name",
        "source",
        "quote",
        "quote_language",
    ]
    for event in events:
        for role in event.roles.all():
            yield [
                event.slug,
                event.start_date.isoformat(),
                role.person.slug,
                role.person.name_with_honorific,
                role.kind,
                role.attestation,
                role.title_at_the_time,
                role.position_title,
                role.organization.slug if role.organization_id else "",
                role.organization.name if role.organization_id else "",
                role.source.title if role.source_id else "",
                role.quote,
                role.source.language if role.source_id else "",
            ]


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
