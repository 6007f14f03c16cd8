"""
Dated dumps of the whole published record, to cite and to keep: each a Frictionless Data
Package (https://specs.frictionlessdata.io/data-package/) in its own folder under
DATA_DUMPS_DIR, named by its UTC time (`2026-12-01T083000Z`).

A dump holds the four CSV tables, the Popolo JSON and `datapackage.json`, which describes
every CSV's fields (types, constraints, primary and foreign keys between the tables), the
licence, the sources, each file's SHA-256 and size, and its record counts. It is written into
a hidden folder and renamed into place, so a listed dump is always complete; only the newest
DATA_DUMPS_KEEP are kept.
"""

import datetime
import json
import re
import shutil
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Role
from people.models import Organization

from . import files

NAME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{6}Z$")
DESCRIPTOR = "datapackage.json"

URL = {"type": "string", "format": "uri", "constraints": {"required": True}}


def text(name, description, required=False):
    field = {"name": name, "type": "string", "description": description}
    if required:
        field["constraints"] = {"required": True}
    return field


def choice(name, choices, description, required=True):
    constraints = {"enum": [value for value, _label in choices]}
    if required:
        constraints["required"] = True
    return {"name": name, "type": "string", "description": description, "constraints": constraints}


def count(name, description):
    return {
        "name": name,
        "type": "integer",
        "description": description,
        "constraints": {"minimum": 0},
    }


def key(name, description, unique=False):
    constraints = {"required": True, "pattern": "[-a-zA-Z0-9_]+"}
    if unique:
        constraints["unique"] = True
    return {"name": name, "type": "string", "description": description, "constraints": constraints}


def reference(name, resource, description, required=True):
    field = {"name": name, "type": "string", "description": description}
    if required:
        field["constraints"] = {"required": True}
    return field, {"fields": name, "reference": {"resource": resource, "fields": "slug"}}


# Table schemas (https://specs.frictionlessdata.io/table-schema/), column by column as
# events/opendata/tables.py writes them. Text cells that a spreadsheet would run as a formula
# start with an apostrophe (README, "CSV exports and spreadsheets").
SCHEMAS = {
    "events": {
        "fields": [
            key("slug", "The record's identifier, part of its address.", unique=True),
            text("title", "Title, in English.", required=True),
            choice("kind", Event.Kind.choices, "What kind of event."),
            choice("attendance_mode", Event.AttendanceMode.choices, "Online, in person or both."),
            {"name": "start_date", "type": "date", "constraints": {"required": True}},
            {"name": "end_date", "type": "date", "constraints": {"required": True}},
            {"name": "start_time", "type": "time", "description": "Empty when not known."},
            {"name": "end_time", "type": "time", "description": "Empty when not known."},
            text("time_zone", "IANA time zone of the times; empty for a date-only event."),
            choice(
                "event_status",
                Event.EventStatus.choices,
                "Scheduled, cancelled, postponed, rescheduled or moved online.",
            ),
            {
                "name": "previous_start_date",
                "type": "date",
                "description": "The date it was first planned for, when rescheduled or postponed.",
            },
            text("location", "Where it took place, as the source says."),
            count("participant_count", "Participants, as reported; empty when not reported."),
            choice(
                "participant_count_qualifier",
                Event.CountQualifier.choices,
                "Whether the count is exact or a bound (“more than”).",
                required=False,
            ),
            text("participants_as_reported", "The count in words, with its qualifier."),
            count("speakers_reported", "Speakers, as reported."),
            text("organizer", "Hosting and organizing organizations, separated by “; ”."),
            text("topics", "Topics, separated by “; ”."),
            text("sources", "Titles of the sources, separated by “; ”."),
            {"name": "url", "description": "The record's page.", **URL},
        ],
        "primaryKey": ["slug"],
    },
    "people": {
        "fields": [
            key("slug", "The person's identifier, part of their address.", unique=True),
            text("name", "Name as written in the records.", required=True),
            text("honorific", "Honorific (Professor, Dr)."),
            text("given_name", "Given name."),
            text("family_name", "Family name.", required=True),
            text("native_name", "Name in its native script."),
            text("orcid", "ORCID iD (0000-0000-0000-0000), when known."),
            text("wikidata", "Wikidata item (Q-number), when known."),
            text("isni", "ISNI (16 digits), when known."),
            {"name": "url", "description": "The person's page.", **URL},
        ],
        "primaryKey": ["slug"],
    },
    "organizations": {
        "fields": [
            key("slug", "The organization's identifier, part of its address.", unique=True),
            text("name", "Name, in English.", required=True),
            text("short_name", "Short name or acronym."),
            choice("kind", Organization.Kind.choices, "What kind of organization."),
            {
                "name": "parent",
                "type": "string",
                "description": "The organization it is part of (its slug); empty if none.",
            },
            text("country", "Country code (ISO 3166-1 alpha-2)."),
            {"name": "website", "type": "string", "format": "uri"},
            text("ror", "ROR identifier (0 and eight characters), when known."),
            text("wikidata", "Wikidata item (Q-number), when known."),
            text("isni", "ISNI (16 digits), when known."),
            {"name": "url", "description": "The organization's page.", **URL},
        ],
        "primaryKey": ["slug"],
        "foreignKeys": [{"fields": "parent", "reference": {"resource": "", "fields": "slug"}}],
    },
}
_event, _event_key = reference("event", "events", "The event (its slug).")
_person, _person_key = reference("person", "people", "The person (their slug).")
_organization, _organization_key = reference(
    "organization",
    "organizations",
    "The organization the title was held at (its slug); empty if none is named.",
    required=False,
)
SCHEMAS["roles"] = {
    "fields": [
        _event,
        {"name": "event_date", "type": "date", "constraints": {"required": True}},
        _person,
        text("person_name", "The person's name with honorific.", required=True),
        choice("role", Role.Kind.choices, "The part they had in the event."),
        choice(
            "attestation",
            Role.Attestation.choices,
            "Confirmed (the source says they took part) or announced (that they would).",
        ),
        text("title_at_the_time", "The title they held at the time of the event."),
        text("position_title", "The position alone, without the organization."),
        _organization,
        text("organization_name", "The organization's name."),
        text("source", "Title of the source that names the role."),
        text("quote", "The passage of the source that says so."),
        text("quote_language", "The language of the source the passage is quoted from (BCP 47)."),
    ],
    "foreignKeys": [_event_key, _person_key, _organization_key],
}

TITLES = {
    "events": "Events",
    "people": "People",
    "organizations": "Organizations",
    "roles": "Roles: who took part in which event, with the title held at the time",
}


def directory():
    return Path(settings.DATA_DUMPS_DIR)


def descriptor(name, manifest):
    """datapackage.json for the files that `files.build_downloads` wrote (its manifest)."""
    built = manifest["files"]
    resources = []
    for table, title in TITLES.items():
        entry = built[f"{table}_csv"]
        resources.append(
            {
                "name": table,
                "title": title,
                "path": entry["filename"],
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "bytes": entry["bytes"],
                "hash": f"sha256:{entry['sha256']}",
                "records": entry["records"]["rows"],
                "schema": SCHEMAS[table],
            }
        )
    popolo = built["popolo"]
    resources.append(
        {
            "name": "popolo",
            "title": "Popolo JSON: persons, organizations, memberships, events, speeches",
            "path": popolo["filename"],
            "profile": "data-resource",
            "format": "json",
            "mediatype": "application/json",
            "encoding": "utf-8",
            "bytes": popolo["bytes"],
            "hash": f"sha256:{popolo['sha256']}",
            "records": popolo["records"],
        }
    )
    return {
        "profile": "data-package",
        "name": f"event-records-{name.lower()}",
        "id": settings.SITE_URL + reverse("data:dump_file", args=[name, DESCRIPTOR]),
        "title": f"Event Records, published records as of {name}",
        "description": (
            "Every published record of Event Records: events, the people and organizations "
            "who took part, their roles with the title held at the time, and the source of "
            "each fact. Drafts are not included."
        ),
        "version": name,
        "created": manifest["started"],
        "homepage": settings.SITE_URL + reverse("events:data"),
        "licenses": [
            {
                "name": settings.DATA_LICENCE_NAME.replace(" ", "-"),
                "title": settings.DATA_LICENCE_NAME,
                "path": settings.DATA_LICENCE_URL,
            }
        ],
        "sources": [{"title": "Event Records", "path": settings.SITE_URL + "/"}],
        "resources": resources,
    }


def make_dump(now=None):
    """Write a new dated dump and drop the oldest beyond DATA_DUMPS_KEEP; returns its folder."""
    now = now or timezone.now()
    name = now.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H%M%SZ")
    folder = directory()
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".partial-{name}"
    shutil.rmtree(partial, ignore_errors=True)
    try:
        manifest = files.build_downloads(partial)
        (partial / files.MANIFEST).unlink()
        (partial / DESCRIPTOR).write_text(
            json.dumps(descriptor(name, manifest), indent=1, ensure_ascii=False), encoding="utf-8"
        )
        partial.rename(folder / name)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    prune()
    return folder / name


def dump_names():
    """The complete dumps, newest first."""
    if not directory().is_dir():
        return []
    return sorted(
        (path.name for path in directory().iterdir() if path.is_dir() and NAME.match(path.name)),
        reverse=True,
    )


def prune():
    for name in dump_names()[settings.DATA_DUMPS_KEEP :]:
        shutil.rmtree(directory() / name, ignore_errors=True)


def read_descriptor(name):
    return json.loads((directory() / name / DESCRIPTOR).read_text(encoding="utf-8"))


def listing():
    """What /data/dumps/ lists: each dump's time, address, files with checksums, and counts."""
    dumps = []
    for name in dump_names():
        package = read_descriptor(name)
        dumps.append(
            {
                "name": name,
                "created": package["created"],
                "datapackage": settings.SITE_URL
                + reverse("data:dump_file", args=[name, DESCRIPTOR]),
                "files": [
                    {
                        "path": settings.SITE_URL
                        + reverse("data:dump_file", args=[name, resource["path"]]),
                        "bytes": resource["bytes"],
                        "hash": resource["hash"],
                        "records": resource["records"],
                    }
                    for resource in package["resources"]
                ],
            }
        )
    return dumps
