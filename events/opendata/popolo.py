"""Popolo JSON (popoloproject.com): people, organizations, memberships, events and speeches.

Popolo has no property for a text's language; names in other languages and original titles
are `other_names` carrying `lang` (a BCP 47 tag), as other Popolo publishers write them, and a
source link carries the language of the source's text, and so of every quote citing it."""

from people import identifiers

from .common import absolute_url, description_with_count, texts_by_language
from .jsonld import schema_date


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
            link = {"url": source.url, "note": source.title}
        else:
            link = {
                "url": absolute_url(event.get_absolute_url()),
                "note": (
                    f"{source.title} (its text is reproduced on this page; "
                    "the source's own address is not known)"
                ),
            }
        if source.language:
            link["lang"] = source.language
        links.append(link)
    return links


def popolo_other_titles(record):
    """The title in the site's other languages and as the source writes it, each with its
    language."""
    names = [
        {"name": text, "lang": tag, "note": f"Title in {tag}"}
        for tag, text in texts_by_language(record, "title")[1:]
    ]
    if record.original_title:
        names.append(
            {
                "name": record.original_title,
                "lang": record.original_title_language,
                "note": "Original title",
            }
        )
    return names


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
    if person.identifiers:
        data["identifiers"] = identifiers.popolo_identifiers(person)
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
        data.setdefault("other_names", []).append(
            {"name": text, "lang": tag, "note": f"Name in {tag}"}
        )
    if organization.website:
        data["links"].append({"url": organization.website, "note": "Website"})
    if organization.identifiers:
        data["identifiers"] = identifiers.popolo_identifiers(organization)
    return data


def popolo_event(event):
    organizers = event.organizing_participations()
    description = description_with_count(event)
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
        # Popolo leaves the values open; these are the site's (and the API's) event statuses.
        "status": event.event_status,
        "sources": popolo_sources(event),
    }
    if other_titles := popolo_other_titles(event):
        data["other_names"] = other_titles
    return data


def popolo_presentation_event(event, presentation):
    start = presentation.start_time if event.has_time else None
    data = {
        "id": f"event/{event.slug}/{presentation.slug}",
        "name": presentation.title,
        "description": presentation.summary or None,
        "classification": presentation.kind,
        "start_date": popolo_date(event, start),
        "parent_id": f"event/{event.slug}",
        "sources": popolo_sources(event, presentation),
    }
    if other_titles := popolo_other_titles(presentation):
        data["other_names"] = other_titles
    return data


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
