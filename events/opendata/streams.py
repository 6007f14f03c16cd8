"""
The whole-dataset downloads as streams of text, read from the database a chunk at a time.

Each stream walks `published()` records with `iterator(chunk_size=CHUNK_SIZE)`, which runs the
prefetches once per chunk: the number of queries grows with the number of chunks, never with
the number of records, and only one chunk of records is in memory at once. The records and
their fields are those of the format modules (`tables`, `ical`, `popolo`), which also build
the single-event files; the streams only change how the whole set is read and written.
"""

import csv
import io
import json
import tempfile

import icalendar
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch

from events.models import Event, Presentation, Role, shapes

from . import common, ical, popolo, tables

CHUNK_SIZE = 500

# Every table's stream lists the records in a fixed order (the primary key breaks ties), so
# two builds of the same records give the same bytes and chunks never overlap.
EVENT_ORDER = ("-start_date", "title_en", "pk")
PERSON_ORDER = ("family_name", "given_name", "slug", "pk")
ORGANIZATION_ORDER = ("name_en", "pk")


def published():
    return Event.objects.published()


def events_with(*prefetches):
    """Published events in download order with only what one format reads."""
    return published().order_by(*EVENT_ORDER).prefetch_related(*prefetches)


def roles_prefetch():
    return Prefetch(
        "roles",
        queryset=Role.objects.select_related("person", "organization__parent", "source").order_by(
            "order", "pk"
        ),
    )


def presentations_prefetch():
    return Prefetch(
        "presentations",
        queryset=Presentation.objects.select_related("source").prefetch_related("speakers"),
    )


def each(queryset):
    return queryset.iterator(chunk_size=CHUNK_SIZE)


def people():
    return published().people().order_by(*PERSON_ORDER)


def organizations():
    return published().organizations().select_related("parent").order_by(*ORGANIZATION_ORDER)


# CSV ----------------------------------------------------------------------------------------


def csv_lines(rows, counts=None):
    """Rows as CSV text, a few hundred rows per piece, with the byte-order mark first; the
    number of rows below the header goes into counts["rows"]."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    count = 0
    for count, row in enumerate(rows, start=1):
        writer.writerow([tables.spreadsheet_safe(cell) for cell in row])
        if count % CHUNK_SIZE == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if counts is not None:
        counts["rows"] = max(count - 1, 0)
    yield buffer.getvalue()


def csv_table(table, counts=None):
    """One published table (one of tables.CSV_TABLES) as CSV text."""
    if table == "events":
        rows = tables.event_rows(each(events_with(shapes.participations(), "topics", "sources")))
    elif table == "people":
        rows = tables.person_rows(each(people()))
    elif table == "organizations":
        rows = tables.organization_rows(each(organizations()))
    elif table == "roles":
        rows = tables.role_rows(each(events_with(roles_prefetch())))
    else:
        raise ValueError(f"Unknown table {table!r}")
    return csv_lines(rows, counts)


# iCalendar ----------------------------------------------------------------------------------


def calendar(counts=None, name="Event Records"):
    """Every published event as one iCalendar file: the VTIMEZONEs first (read in one query
    of the zones used), then one VEVENT per event."""
    head = icalendar.Calendar()
    head.add("prodid", f"-//Event Records//{common.site_host()}//EN")
    head.add("version", "2.0")
    head.add("x-wr-calname", name)
    zones = (
        published()
        .filter(start_time__isnull=False)
        .order_by("time_zone")
        .values_list("time_zone", flat=True)
        .distinct()
    )
    for zone in zones:
        head.add_component(icalendar.Timezone.from_tzid(zone))
    text = head.to_ical().decode("utf-8")
    closing = "END:VCALENDAR\r\n"
    assert text.endswith(closing)
    yield text[: -len(closing)]
    pending, written = [], 0
    events = events_with(roles_prefetch(), presentations_prefetch(), shapes.participations())
    for event in each(events.prefetch_related("topics", "sources")):
        pending.append(ical.calendar_event(event).to_ical().decode("utf-8"))
        written += 1
        if len(pending) == CHUNK_SIZE:
            yield "".join(pending)
            pending = []
    pending.append(closing)
    if counts is not None:
        counts["events"] = written
    yield "".join(pending)


# Popolo -------------------------------------------------------------------------------------


def json_item(value):
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)


# How much of a list waiting for its turn in the Popolo document is kept in memory before it
# moves to a temporary file on disk.
SPOOL_BYTES = 4 * 1024 * 1024


class JsonList:
    """A JSON list written item by item into a temporary file (on disk past SPOOL_BYTES)."""

    def __init__(self):
        self.count = 0
        # Closed by pieces(), once the list has been read back into the document.
        self.file = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, mode="w+")  # noqa: SIM115
        self.empty = True

    def append(self, value):
        self.file.write(("\n" if self.empty else ",\n") + json_item(value))
        self.empty = False
        self.count += 1

    def pieces(self):
        self.file.seek(0)
        while piece := self.file.read(1024 * 1024):
            yield piece
        self.file.close()


def json_list(values, counts=None, name=None):
    """A JSON list's items, one per line, several hundred lines per piece."""
    pending, first = [], True
    for value in values:
        pending.append(json_item(value))
        if counts is not None:
            counts[name] = counts.get(name, 0) + 1
        if len(pending) == CHUNK_SIZE:
            yield ("\n" if first else ",\n") + ",\n".join(pending)
            pending, first = [], False
    if pending:
        yield ("\n" if first else ",\n") + ",\n".join(pending)


def popolo_document(counts=None):
    """The whole published dataset as one Popolo document (persons, organizations,
    memberships, events, speeches), written while the events are read once: memberships,
    events and speeches wait in temporary files until their turn in the document."""
    yield '{"persons": ['
    counts = {} if counts is None else counts
    counts.update(persons=0, organizations=0)
    yield from json_list(
        (popolo.popolo_person(person) for person in each(people())), counts, "persons"
    )
    yield '\n],\n"organizations": ['
    yield from json_list(
        (popolo.popolo_organization(org) for org in each(organizations())), counts, "organizations"
    )
    memberships, events, speeches = JsonList(), JsonList(), JsonList()
    queryset = events_with(roles_prefetch(), presentations_prefetch(), shapes.participations())
    for event in each(queryset.prefetch_related("sources")):
        events.append(popolo.popolo_event(event))
        for role in event.roles.all():
            if role.organization_id:
                memberships.append(popolo.popolo_membership(role))
        position = 0
        for presentation in event.presentations.all():
            events.append(popolo.popolo_presentation_event(event, presentation))
            for speaker in presentation.speakers.all():
                position += 1
                speeches.append(popolo.popolo_speech(event, presentation, speaker, position))
    for name, items in [("memberships", memberships), ("events", events), ("speeches", speeches)]:
        counts[name] = items.count
        yield f'\n],\n"{name}": ['
        yield from items.pieces()
    yield "\n]}\n"
