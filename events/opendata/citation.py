"""
Citations of a record: one CSL-JSON item per event or presentation, and that item formatted
by a CSL processor (citeproc-py) in the styles a reader is likely to need.

The item is the one source of every citation format: the Cite section renders it, the
CSL-JSON download is it, and the BibTeX and RIS downloads (bibtex.py, ris.py) are written
from it, so the formats cannot disagree. It is built only from data the page has already
fetched (the event page's prefetched roles and parts), never with queries of its own.

A presentation is a CSL `speech` (speakers as authors, the event as `event-title`); an event
is an `event`. Names keep the order the record writes them in: a family-first name carries
CSL's `static-ordering`, and is handed to citeproc-py (which does not know that flag) as a
literal, so no style turns "Jing Yijia" into "Yijia Jing".
"""

import copy
import hashlib
import html
import json
from functools import cache
from pathlib import Path

import citeproc
import citeproc.frontend
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from django.conf import settings
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from events.cache import generation
from events.opendata.common import absolute_url, language_tag

CSL = Path(__file__).resolve().parent / "csl"
# Formatted citations are keyed by their content (see cite_section): a day is enough.
CACHE_SECONDS = 24 * 60 * 60

# citeproc-py 0.11 reads CSL 1.0.1; the styles and items are CSL 1.0.2, which added these
# variables. Without them the processor drops `event-title` and fails on `chair` and
# `organizer` as names (they reach it as plain strings).
for name in ("chair", "organizer"):
    if name not in citeproc.NAMES:
        citeproc.NAMES.append(name)
        citeproc.VARIABLES.append(name)
if "event_title" not in citeproc.VARIABLES:
    citeproc.VARIABLES.append("event_title")
# The locales kept beside the styles (with their <rights>), not the processor's own copies.
citeproc.frontend.LOCALES_PATH = str(CSL / "locales")


class Style:
    def __init__(self, key, label, file, locale):
        self.key = key
        self.label = label
        self.file = file
        self.locale = locale


STYLES = {
    "apa": Style("apa", _("APA (7th edition)"), "apa.csl", "en-US"),
    "chicago": Style("chicago", _("Chicago (author-date)"), "chicago-author-date.csl", "en-US"),
    "gb-t-7714": Style(
        "gb-t-7714",
        _("GB/T 7714-2015"),
        "china-national-standard-gb-t-7714-2015-author-date.csl",
        "zh-CN",
    ),
}


def styles_for(language):
    """The styles the Cite section shows in this page language: GB/T 7714 first on Chinese
    pages, where it is the national standard."""
    if language.startswith("zh"):
        return [STYLES["gb-t-7714"], STYLES["apa"], STYLES["chicago"]]
    return [STYLES["apa"], STYLES["chicago"]]


def publisher():
    return settings.SITE_PUBLISHER


def date_parts(*days):
    return {"date-parts": [[day.year, day.month, day.day] for day in days]}


def person_name(person):
    """A person as CSL names them, in the order the record writes the name."""
    name = {"family": person.family_name}
    if person.given_name:
        name["given"] = person.given_name
    if person.name_order == person.NameOrder.FAMILY_FIRST:
        name["static-ordering"] = True
    return name


def organization_name(organization):
    return {"literal": organization.name}


def event_place(event):
    """Where the event was held: its location, or the attendance mode ("Online")."""
    if event.location:
        return event.location
    return str(event.get_attendance_mode_display())


def hosts(event):
    """The organizations holding the event (host, co-host, organizer), in the record's order."""
    return [p.organization for p in event.organizing_participations()]


def chairs(event):
    from events.models import Role

    return [role.person for role in event.roles.all() if role.kind == Role.Kind.CHAIR]


def common_fields(event, path, version=None):
    item = {
        "URL": absolute_url(path),
        "publisher": publisher(),
        "language": language_tag(translation.get_language() or settings.LANGUAGE_CODE),
        "event-date": date_parts(event.start_date)
        if event.is_single_day
        else date_parts(event.start_date, event.end_date),
        "event-place": event_place(event),
    }
    # "Issued": when this site published the record (a draft has no such date).
    if event.published_at:
        item["issued"] = date_parts(timezone.localdate(event.published_at))
    organizers = [organization_name(o) for o in hosts(event)]
    if organizers:
        item["organizer"] = organizers
    if version is not None:
        item["version"] = str(version)
    return item


def genre(label, title):
    """The kind of record in words, left out where it only repeats the title ("Opening
    remarks [Opening remarks]")."""
    label = str(label)
    return {} if label.casefold() == title.casefold() else {"genre": label}


def event_item(event):
    """The CSL-JSON item of an event record (read with its roles and parts prefetched)."""
    item = {
        "id": event.slug,
        "type": "event",
        "title": event.title,
        **genre(event.format_label, event.title),
        **common_fields(event, event.get_absolute_url()),
    }
    return item


def presentation_item(presentation, event=None):
    """The CSL-JSON item of a presentation: a speech at the event, its speakers as authors."""
    event = event or presentation.event
    item = {
        "id": f"{event.slug}/{presentation.slug}",
        "type": "speech",
        "title": presentation.title,
        **genre(presentation.get_kind_display(), presentation.title),
        "event-title": event.title,
        **common_fields(
            event,
            # Built from the event in hand: presentation.get_absolute_url() reads the event.
            event.get_absolute_url() + presentation.slug + "/",
        ),
    }
    speakers = [person_name(speaker) for speaker in presentation.speakers.all()]
    if speakers:
        item["author"] = speakers
    # The chair of the event chaired the session the speech was given in. Only on speeches:
    # on an event, styles would print chair and organizer run together as its "author".
    chair = [person_name(person) for person in chairs(event)]
    if chair:
        item["chair"] = chair
    return item


def with_accessed(item, day=None):
    """The item as one reader cites it: "accessed" is the reader's today."""
    item = dict(item)
    item["accessed"] = date_parts(day or timezone.localdate())
    return item


def escaped(value):
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, list):
        return [escaped(part) for part in value]
    if isinstance(value, dict):
        return {key: escaped(part) for key, part in value.items()}
    return value


def for_processor(item):
    """A copy citeproc-py can read: family-first names as literals (it ignores
    static-ordering), `event` (CSL 1.0.1) beside `event-title` for styles that read it, and
    every text HTML-escaped, which its HTML formatter does not do (it adds only its own
    <i> and <b>)."""
    item = copy.deepcopy(item)
    for variable in ("author", "chair", "organizer"):
        for name in item.get(variable, []):
            if name.pop("static-ordering", False):
                literal = " ".join(part for part in [name.pop("family"), name.pop("given", "")])
                name["literal"] = literal.strip()
    if "event-title" in item:
        item["event"] = item["event-title"]
    return {
        key: value if key in ("id", "type", "language") else escaped(value)
        for key, value in item.items()
    }


@cache
def loaded_style(key):
    style = STYLES[key]
    path = str(CSL / "styles" / style.file)
    return CitationStylesStyle(path, locale=style.locale, validate=False)


def formatted(item, key):
    """The item's bibliography entry in one style, as HTML."""
    source = CiteProcJSON([for_processor(item)])
    bibliography = CitationStylesBibliography(loaded_style(key), source, formatter.html)
    bibliography.register(Citation([CitationItem(item["id"])]))
    return "".join(str(entry) for entry in bibliography.bibliography())


def cite_section(item, language):
    """(style, formatted citation) pairs for the Cite section of a page in `language`.

    Formatting costs about 10 ms a style, more than the rest of a page, so each result is
    kept in the shared cache under a digest of the item: the same item formats the same way,
    and a changed record (or a new day's "accessed") is a new item, so nothing needs
    retiring."""
    digest = hashlib.sha256(
        json.dumps([item, language], sort_keys=True, ensure_ascii=False).encode()
    ).hexdigest()
    key = f"citation:{digest}"
    texts = generation.cache().get(key)
    if texts is None:
        texts = [formatted(item, style.key) for style in styles_for(language)]
        generation.cache().set(key, texts, CACHE_SECONDS)
    return [
        (style, mark_safe(text))  # noqa: S308 - the text is escaped before formatting
        for style, text in zip(styles_for(language), texts, strict=True)
    ]


def name_for_meta(csl_name):
    """“Family, Given”, the form Zotero and Google Scholar split without guessing (a
    family-first name written without the comma would be split the wrong way)."""
    if "literal" in csl_name:
        return csl_name["literal"]
    return ", ".join(part for part in [csl_name["family"], csl_name.get("given", "")] if part)


def cite_context(item, language, downloads, day=None):
    """What templates/includes/cite.html and citation_meta.html show of one record."""
    reader_item = with_accessed(item, day)
    issued = item.get("issued", {}).get("date-parts", [[]])[0]
    return {
        "item": item,
        "event_title": item.get("event-title", ""),
        "authors": [name_for_meta(name) for name in item.get("author", [])],
        "issued": "/".join(f"{part:02d}" for part in issued),
        "accessed": timezone.localdate() if day is None else day,
        "styles": cite_section(reader_item, language),
        "downloads": downloads,
    }
