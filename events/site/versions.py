"""
Public versions of an event record, read from the editors' history (django-simple-history).

A *change* is what one save in the admin wrote: the event's row and its inlines, stored within
a second of each other. Only changes the public could see count: those after which the
event was published. The first of them is the publication (version 1); each later one is a
new version. Changes made while the record was a draft, the unpublishing itself, editor names
and the history's internal notes are never shown; "baseline" rows (the state stored before a
record's first admin edit, dated when it was last saved) are the starting point, not changes.

Each version renders the record as it stood after that change, from the history tables
(`as_of`); who spoke (speaker links), topics and sources are not versioned by the history
and show as they are now.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language, gettext
from django.views.generic import DetailView

from events.cache import keys
from events.cache.pages import PublicPageMixin
from events.models import (
    Citation,
    Event,
    EventOrganization,
    KeyPoint,
    Presentation,
    Role,
    shapes,
)
from events.opendata import citation, citing
from events.opendata.common import absolute_url

# Rows written by one save lie within this span of each other.
SAME_CHANGE = datetime.timedelta(seconds=1)
PART_MODELS = [Role, Presentation, EventOrganization, Citation, KeyPoint]
# What the history tables hold but the record page does not show as a fact.
NOT_PUBLIC = {
    "id",
    "version",
    "created_at",
    "updated_at",
    "status",
    "published_at",
    "order",
    "slug",
    "event",
    "presentation",
    "material_file",
}


def baseline_reasons():
    from django.conf import settings

    reasons = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            reasons.add(gettext("As stored before the first change in the admin"))
    return reasons


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class RowChange:
    what: str
    action: str  # "added", "removed", "changed"
    fields: list = field(default_factory=list)


@dataclass
class Version:
    number: int
    date: datetime.datetime
    rows: list = field(default_factory=list)
    note: str = ""
    is_correction: bool = False

    @property
    def is_publication(self):
        return self.number == 1


def history_rows(event):
    """Every history row of the event and its parts, oldest first: one query per table."""
    presentation_ids = set(
        Presentation.history.filter(event_id=event.pk).values_list("id", flat=True)
    )
    rows = list(Event.history.filter(id=event.pk))
    for model in PART_MODELS:
        condition = (
            Q(presentation_id__in=presentation_ids) if model is KeyPoint else Q(event_id=event.pk)
        )
        rows += list(model.history.filter(condition))
    return sorted(rows, key=lambda row: (row.history_date, row.history_id))


def grouped(rows, baseline):
    """Rows of one save together; a baseline (the state before an edit, written by the same
    save) never joins the edit's rows."""
    groups = []
    for row in rows:
        previous = groups[-1][-1] if groups else None
        if (
            previous is not None
            and row.history_date - previous.history_date <= SAME_CHANGE
            and (row.history_change_reason in baseline)
            == (previous.history_change_reason in baseline)
        ):
            groups[-1].append(row)
        else:
            groups.append([row])
    return groups


def label_of(row):
    model = row.instance_type
    return str(model._meta.verbose_name).capitalize()


def field_value(row, name):
    value = getattr(row, name)
    if value is None or value == "":
        return "—"
    display = getattr(row, f"get_{name}_display", None)
    if display is not None:
        return str(display())
    return str(value)


def row_change(row):
    what = label_of(row)
    if row.history_type == "+":
        return RowChange(what, "added", [])
    if row.history_type == "-":
        return RowChange(what, "removed", [])
    previous = row.prev_record
    if previous is None:
        return None
    fields = []
    for model_field in row.instance_type._meta.concrete_fields:
        name = model_field.attname if model_field.is_relation else model_field.name
        base = model_field.name
        if base in NOT_PUBLIC or base.endswith("_en"):
            # The English column is the field itself (modeltranslation's default language).
            continue
        if getattr(previous, name) != getattr(row, name):
            fields.append(
                FieldChange(
                    str(model_field.verbose_name).capitalize(),
                    field_value(previous, base if not model_field.is_relation else name),
                    field_value(row, base if not model_field.is_relation else name),
                )
            )
    if not fields:
        return None
    return RowChange(what, "changed", fields)


def public_groups(event_rows, part_rows):
    """(date, rows) of each public change, oldest first: the changes after which the event
    was published, baselines aside. Rows need only history_date, history_change_reason and,
    for the event's own rows, status."""
    baseline = baseline_reasons()
    status = None
    public = []
    event_ids = {id(row) for row in event_rows}
    rows = sorted([*event_rows, *part_rows], key=lambda row: row.history_date)
    for group in grouped(rows, baseline):
        for row in group:
            if id(row) in event_ids:
                status = row.status
        if status != Event.Status.PUBLISHED:
            continue
        if all(row.history_change_reason in baseline for row in group):
            if not public:
                # Published before the history began (a fixture, an import): the
                # baseline stands for the publication.
                public.append((group[-1].history_date, []))
            continue
        public.append(
            (group[-1].history_date, [r for r in group if r.history_change_reason not in baseline])
        )
    return public


def note_of(rows):
    """(public note, is a correction) that the editor gave with this change, on the event's
    own row of it."""
    for row in reversed(rows):
        if hasattr(row, "is_correction") and getattr(row, "status", ""):
            return row.public_note, row.is_correction
    return "", False


def public_versions(event):
    """The event's public versions, oldest first (see the module docstring)."""
    rows = history_rows(event)
    event_rows = [row for row in rows if row.instance_type is Event]
    part_rows = [row for row in rows if row.instance_type is not Event]
    versions = []
    for number, (date, group) in enumerate(public_groups(event_rows, part_rows), start=1):
        changes = [] if number == 1 else [c for c in map(row_change, group) if c is not None]
        versions.append(Version(number, date, changes, *note_of(group)))
    if not versions and event.is_published:
        # Published without an edit since (loaded from a fixture or an import).
        versions.append(Version(1, event.published_at))
    return versions


@dataclass
class LightRow:
    history_date: datetime.datetime
    history_change_reason: str
    status: str = ""
    public_note: str = ""
    is_correction: bool = False


@dataclass
class ChangeSummary:
    last_changed: datetime.datetime
    count: int
    # The latest correction: (date, public note), or None.
    correction: tuple = None


def change_summary(event):
    """When the record last changed publicly, how often since publication, and its latest
    correction, in two queries for the record page: the same count as `public_versions`,
    from dates, reasons and notes only."""
    event_rows = [
        LightRow(*values)
        for values in Event.history.filter(id=event.pk).values_list(
            "history_date", "history_change_reason", "status", "public_note", "is_correction"
        )
    ]
    presentations = Presentation.history.filter(event_id=event.pk).values("id")
    parts = [
        model.history.filter(
            Q(presentation_id__in=presentations) if model is KeyPoint else Q(event_id=event.pk)
        )
        .order_by()
        .values_list("history_date", "history_change_reason")
        for model in PART_MODELS
    ]
    part_rows = [LightRow(*values) for values in parts[0].union(*parts[1:], all=True)]
    groups = public_groups(event_rows, part_rows)
    if not groups:
        return ChangeSummary(event.published_at, 0)
    corrections = [(date, note_of(rows)[0]) for date, rows in groups[1:] if note_of(rows)[1]]
    return ChangeSummary(groups[-1][0], len(groups) - 1, corrections[-1] if corrections else None)


def record_as_of(event, when):
    """The event as it stood at `when`, with its parts as of then, ready for the record
    templates (their relations answer from these lists, not from the current rows)."""
    old = Event.history.as_of(when).filter(id=event.pk).first()
    if old is None:
        return None
    roles = list(Role.history.as_of(when).filter(event_id=event.pk).order_by("order", "id"))
    presentations = list(
        Presentation.history.as_of(when).filter(event_id=event.pk).order_by("order")
    )
    points = list(
        KeyPoint.history.as_of(when)
        .filter(presentation_id__in=[p.pk for p in presentations])
        .order_by("order")
    )
    for presentation in presentations:
        keep_prefetched(
            presentation, "key_points", [p for p in points if p.presentation_id == presentation.pk]
        )
    keep_prefetched(old, "roles", roles)
    keep_prefetched(old, "presentations", presentations)
    keep_prefetched(
        old,
        "participations",
        list(EventOrganization.history.as_of(when).filter(event_id=event.pk).order_by("order")),
    )
    keep_prefetched(old, "citations", list(Citation.history.as_of(when).filter(event_id=event.pk)))
    return old


def keep_prefetched(instance, name, objects):
    """Make `instance.<name>.all()` answer with these objects, as prefetch_related does."""
    queryset = getattr(instance, name).get_queryset()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[name] = queryset


class PublishedEventMixin:
    """Versions are public history: published events only, never a staff preview of a draft."""

    context_object_name = "event"

    def get_queryset(self):
        return Event.objects.published()

    def page_keys(self):
        return {keys.event_key(self.object.pk)}


class EventChangesView(PublishedEventMixin, PublicPageMixin, DetailView):
    template_name = "events/event_changes.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        versions = public_versions(self.object)
        context["public_versions"] = list(reversed(versions))
        context["change_count"] = max(len(versions) - 1, 0)
        return context


class EventVersionView(PublishedEventMixin, PublicPageMixin, DetailView):
    template_name = "events/event_version.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.object
        versions = public_versions(event)
        number = self.kwargs["number"]
        if not 1 <= number <= len(versions):
            raise Http404("No such version.")
        version = versions[number - 1]
        # The state after the version's change: a moment after its last row.
        record = record_as_of(event, version.date + datetime.timedelta(microseconds=1))
        if record is None:
            # No history yet: the only version is the record as it is.
            record = Event.objects.prefetch_related(*shapes.everything_shown()).get(pk=event.pk)
        for name in ("sources", "topics"):
            keep_prefetched(record, name, getattr(event, name).all())
        roles = record.roles.all()
        version_path = reverse("events:event_version", args=[event.slug, number])
        item = citation.event_item(record)
        item["URL"] = absolute_url(version_path)
        item["version"] = str(number)
        item["issued"] = citation.date_parts(timezone.localdate(version.date))
        context.update(
            {
                "version": version,
                "is_latest": number == len(versions),
                "record": record,
                "body": render_to_string(
                    "events/event_body.html",
                    {
                        "event": record,
                        "link_sources": True,
                        "evidence": {c.fact: c for c in record.citations.all()},
                        "named_count": len({role.person_id for role in roles}),
                        "hosts": record.organizing_participations(),
                        "partners": record.other_participations(),
                        "version_of": version,
                    },
                    self.request,
                ),
                "version_cite": citation.cite_context(
                    item, get_language(), citing.download_urls(event)
                ),
            }
        )
        return context
