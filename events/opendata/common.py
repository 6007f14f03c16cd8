"""
What every open-data format shares: public addresses written without a request, language
tags, the published events with everything the formats read, and the record's facts as text.

Every builder takes records that already come from `Event.objects.published()` (or its
`.people()` / `.organizations()`), so a draft cannot reach an export. Each format carries the
record's facts without loss or invention: a date-only event stays date-only, a qualified count
keeps its qualifier (in the description where the format has no field for it), a person's title
is the one held at the time of the event, and every event names its sources.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.utils import translation
from modeltranslation.utils import build_localized_fieldname

from events.models import Event


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
    return Event.objects.published().for_export()


def participant_sentence(event):
    """“More than 200 participants.” The qualifier stays in words, never rounded away."""
    if event.participant_count is None:
        return ""
    count = event.participant_count_display
    return f"{count[:1].upper()}{count[1:]} participants."


def description_with_count(event, separator="\n\n"):
    """The event's description followed by its participant count, for formats that have no
    field for the count."""
    return separator.join(part for part in [event.description, participant_sentence(event)] if part)


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
        line = f"{role.kind_label}: {role.person.name_with_honorific}"
        if role.title_at_the_time:
            line += f", {role.title_at_the_time}"
        lines.append(line)
    sources = "; ".join(source.title for source in event.sources.all())
    if sources:
        lines.append(f"Source: {sources}")
    lines.append(absolute_url(event.get_absolute_url()))
    return "\n\n".join(lines)
