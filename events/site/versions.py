"""
The public versions of an event record (events.models.versions): its changes page, each
version at its own address, and the "Last changed on …" line of the record page.

Each version is rendered from the record it keeps (never from today's rows), so a version
page shows the facts, the people in their roles with the names, titles and organizations of
then, the programme, topics and sources as readers saw them. A change is the difference
between a version and the one before it, field by field.
"""

import datetime
from dataclasses import dataclass, field

from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.views.generic import DetailView
from modeltranslation.fields import TranslationField

from events.cache.pages import PublicPageMixin
from events.models import Event, shapes
from events.models.versions import rebuilt
from events.opendata import citation, citing
from events.opendata.common import absolute_url

# Columns that identify or place a row rather than state a fact of it.
NOT_COMPARED = {"id", "event", "presentation", "slug", "order", "quote_start", "quote_end"}


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
    record: dict = None

    @property
    def is_publication(self):
        return self.number == 1


def compared_fields(model):
    for model_field in model._meta.concrete_fields:
        if model_field.name in NOT_COMPARED or model_field.name == "version":
            continue
        if isinstance(model_field, TranslationField) and model_field.language == "en":
            # The English column is the field itself (modeltranslation's default language).
            continue
        yield model_field


def shown(instance, model_field):
    if model_field.is_relation:
        value = getattr(instance, model_field.name)
    else:
        value = model_field.value_from_object(instance)
        if model_field.choices and value not in (None, ""):
            value = dict(model_field.flatchoices).get(value, value)
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    return str(value)


def field_changes(before, after, extra=()):
    """What differs between two instances of one row: its columns, then `extra`
    (label, function of the instance) for what it links to."""
    changes = []
    for model_field in compared_fields(type(after)):
        old, new = shown(before, model_field), shown(after, model_field)
        if old != new:
            changes.append(FieldChange(str(model_field.verbose_name).capitalize(), old, new))
    for label, value in extra:
        old, new = value(before), value(after)
        if old != new:
            changes.append(FieldChange(label, old or "—", new or "—"))
    return changes


def names(objects):
    return ", ".join(str(item) for item in objects)


def row_changes(before, after, what, extra=(), name=str):
    """Rows of one kind, matched by id: added, removed, changed. `name` says which row."""
    old = {row.pk: row for row in before}
    new = {row.pk: row for row in after}
    label = str(what._meta.verbose_name).capitalize()

    def called(row):
        return f"{label} “{name(row)}”"

    changes = []
    for pk, row in new.items():
        if pk not in old:
            changes.append(RowChange(called(row), "added"))
        else:
            fields = field_changes(old[pk], row, extra)
            if fields:
                changes.append(RowChange(called(row), "changed", fields))
    changes += [RowChange(called(row), "removed") for pk, row in old.items() if pk not in new]
    return changes


def changes_between(before, after):
    """The public changes from one version's record to the next (both rebuilt)."""
    from events.models import Citation, EventOrganization, KeyPoint, Presentation, Role

    rows = []
    event_fields = field_changes(
        before,
        after,
        [
            (gettext("Topics"), lambda event: names(event.topics.all())),
            (gettext("Sources"), lambda event: names(event.sources.all())),
        ],
    )
    if event_fields:
        rows.append(RowChange(str(Event._meta.verbose_name).capitalize(), "changed", event_fields))
    rows += row_changes(
        before.roles.all(),
        after.roles.all(),
        Role,
        [
            (gettext("Name"), lambda role: role.person.name_with_honorific),
            (gettext("Organization"), lambda role: getattr(role.organization, "label", "")),
        ],
        name=lambda role: f"{role.person.name_with_honorific}, {role.kind_label}",
    )
    rows += row_changes(
        before.presentations.all(),
        after.presentations.all(),
        Presentation,
        [(gettext("Speakers"), lambda p: names(s.name_with_honorific for s in p.speakers.all()))],
    )
    points = [
        (p.key_points.all() for p in record.presentations.all()) for record in (before, after)
    ]
    rows += row_changes(
        [point for group in points[0] for point in group],
        [point for group in points[1] for point in group],
        KeyPoint,
    )
    rows += row_changes(
        before.participations.all(),
        after.participations.all(),
        EventOrganization,
        name=lambda part: f"{part.organization.label}, {part.get_part_display()}",
    )
    rows += row_changes(
        before.citations.all(), after.citations.all(), Citation, name=Citation.get_fact_display
    )
    return rows


def public_versions(event):
    """The event's public versions, oldest first, each with its changes from the one
    before. A record published before versions were kept has one: the record as it is."""
    stored = list(event.published_versions.order_by("number"))
    if not stored:
        if not event.is_published:
            return []
        return [Version(1, event.published_at or event.updated_at)]
    versions, previous = [], None
    for row in stored:
        record = rebuilt(row.record)
        changes = [] if previous is None else changes_between(previous, record)
        versions.append(
            Version(
                row.number,
                row.published_at,
                changes,
                row.public_note,
                row.is_correction,
                row.record,
            )
        )
        previous = record
    return versions


@dataclass
class ChangeSummary:
    last_changed: datetime.datetime
    count: int
    # The latest correction: (date, public note), or None.
    correction: tuple = None


def change_summary(event):
    """When the record last changed publicly, how often since publication, and its latest
    correction: from the event row's annotations (`EventQuerySet.with_change_summary`), so
    the record page spends no query on it."""
    if not getattr(event, "version_count", None):
        return ChangeSummary(event.published_at, 0)
    correction = None
    if event.correction_at is not None:
        correction = (event.correction_at, event.correction_note)
    return ChangeSummary(event.last_version_at, event.version_count - 1, correction)


class PublishedEventMixin:
    """Versions are public history: published events only, never a staff preview of a draft."""

    context_object_name = "event"

    def get_queryset(self):
        return Event.objects.published()


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
        if version.record is not None:
            record = rebuilt(version.record)
        else:
            # Published before versions were kept, unchanged since: the record as it is.
            record = Event.objects.prefetch_related(*shapes.everything_shown()).get(pk=event.pk)
        roles = record.roles.all()
        speakers = {
            speaker.pk
            for presentation in record.presentations.all()
            for speaker in presentation.speakers.all()
        }
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
                        "named_count": len({role.person_id for role in roles} | speakers),
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
