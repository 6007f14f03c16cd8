"""
Public versions of an event: the record as readers saw it, kept each time it changed.

A version is the public shape of a published record (its facts, the people in their roles
with their names, titles and organizations as they stood, the programme with its speakers
and key points, the organizations' parts, the evidence, sources and topics), stored as JSON
when a transaction that changed what the event's page shows commits, if that shape differs
from the latest version. So edits made while the record is a draft, a pending revision that
leaves the live rows alone, and saves that change nothing readers see make no version, and
the JSON holds published facts only (no editor, no draft state, no internal counters).

A record published before versions were kept (a fixture, an import) gets its first version
from its stored state just before its first change, dated when it was first published.
"""

import datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import OuterRef, Prefetch, Subquery
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from people.models import Organization, Person

from .event import Event, EventOrganization
from .evidence import Citation, Source
from .programme import KeyPoint, Presentation, Role
from .series import EventSeries
from .topics import Topic

# Columns that are not facts of the record: counters, bookkeeping, the editorial state.
NOT_PUBLIC = {"version", "created_at", "updated_at", "status"}


class PublishedVersion(models.Model):
    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="published_versions",
    )
    number = models.PositiveIntegerField(_("version"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    record = models.JSONField(_("record as published"), encoder=DjangoJSONEncoder)
    public_note = models.CharField(_("public note on this change"), max_length=300, blank=True)
    is_correction = models.BooleanField(_("this change corrects an error"), default=False)

    derived_from_records = True

    class Meta:
        ordering = ["event", "number"]
        verbose_name = _("published version")
        verbose_name_plural = _("published versions")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "number"],
                name="published_version_unique_number",
                violation_error_message=_("This event already has a version with this number."),
            ),
        ]

    def __str__(self):
        return f"{self.event_id} v{self.number}"

    @property
    def is_publication(self):
        return self.number == 1


# The record's public shape -------------------------------------------------------------


def fields_of(instance):
    """The instance's public columns by attribute name, as JSON values."""
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in NOT_PUBLIC:
            continue
        value = field.value_from_object(instance)
        if value is not None and not isinstance(value, (str, int, float, bool)):
            value = field.value_to_string(instance)
        data[field.attname] = value
    return data


def organization_shape(organization, depth=Organization.MAX_DEPTH):
    if organization is None:
        return None
    data = fields_of(organization)
    if depth > 1 and organization.parent_id:
        data["parent"] = organization_shape(organization.parent, depth - 1)
    return data


def shown_prefetches():
    """What a version reads of an event: the page's shape, with whole organization chains."""
    chain = "organization" + "__parent" * (Organization.MAX_DEPTH - 1)
    return [
        Prefetch(
            "roles",
            queryset=Role.objects.select_related("person", chain, "source").order_by("order", "pk"),
        ),
        Prefetch(
            "presentations",
            queryset=Presentation.objects.select_related("source").prefetch_related(
                "speakers",
                Prefetch("key_points", queryset=KeyPoint.objects.select_related("source")),
            ),
        ),
        Prefetch(
            "participations", queryset=EventOrganization.objects.select_related(chain, "source")
        ),
        Prefetch("citations", queryset=Citation.objects.select_related("source")),
        "sources",
        "topics",
    ]


def public_shape(event):
    """The event as its public page shows it (read with `shown_prefetches()`)."""
    sources = {}

    def cited(row):
        data = fields_of(row)
        if row.source_id is not None:
            sources[str(row.source_id)] = fields_of(row.source)
        return data

    named = set()
    roles = []
    for role in event.roles.all():
        data = cited(role)
        data["person"] = fields_of(role.person)
        data["organization"] = organization_shape(role.organization)
        named.add(f"person/{role.person.slug}")
        if role.organization is not None:
            named.add(f"organization/{role.organization.slug}")
        roles.append(data)
    presentations = []
    for presentation in event.presentations.all():
        data = cited(presentation)
        data["speakers"] = [fields_of(person) for person in presentation.speakers.all()]
        named |= {f"person/{person.slug}" for person in presentation.speakers.all()}
        data["key_points"] = [cited(point) for point in presentation.key_points.all()]
        presentations.append(data)
    participations = []
    for participation in event.participations.all():
        data = cited(participation)
        data["organization"] = organization_shape(participation.organization)
        named.add(f"organization/{participation.organization.slug}")
        participations.append(data)
    for source in event.sources.all():
        sources[str(source.pk)] = fields_of(source)
    return {
        "event": fields_of(event),
        "series": fields_of(event.series) if event.series_id else None,
        "roles": roles,
        "presentations": presentations,
        "participations": participations,
        "citations": [cited(citation) for citation in event.citations.all()],
        "event_sources": [source.pk for source in event.sources.all()],
        "topics": [fields_of(topic) for topic in event.topics.all()],
        "sources": sources,
        # Who and what the record names, for "was it ever public?" (people.deleted below).
        "named": sorted(named),
    }


# The record rebuilt from a version ------------------------------------------------------


def instance_of(model, data):
    """An unsaved instance of `model` holding these columns (relations are set by callers)."""
    values = {}
    for field in model._meta.concrete_fields:
        if field.attname in data:
            value = data[field.attname]
            values[field.attname] = value if value is None else field.to_python(value)
    return model(**values)


def keep_prefetched(instance, name, objects):
    """Make `instance.<name>.all()` answer with these objects, as prefetch_related does."""
    queryset = getattr(instance, name).get_queryset()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[name] = queryset


def organization_of(data):
    if data is None:
        return None
    organization = instance_of(Organization, data)
    organization.parent = organization_of(data.get("parent"))
    return organization


def rebuilt(record):
    """The published event of a version as unsaved model instances, its relations answering
    from the version (never from today's rows), ready for the record's templates."""
    sources = {int(pk): instance_of(Source, data) for pk, data in record["sources"].items()}

    def cited(model, data):
        row = instance_of(model, data)
        row.source = sources.get(row.source_id)
        return row

    event = instance_of(Event, record["event"])
    event.status = Event.Status.PUBLISHED
    event.series = instance_of(EventSeries, record["series"]) if record["series"] else None
    roles = []
    for data in record["roles"]:
        role = cited(Role, data)
        role.event = event
        role.person = instance_of(Person, data["person"])
        role.organization = organization_of(data["organization"])
        roles.append(role)
    presentations = []
    for data in record["presentations"]:
        presentation = cited(Presentation, data)
        presentation.event = event
        keep_prefetched(
            presentation, "speakers", [instance_of(Person, p) for p in data["speakers"]]
        )
        points = [cited(KeyPoint, point) for point in data["key_points"]]
        for point in points:
            point.presentation = presentation
        keep_prefetched(presentation, "key_points", points)
        presentations.append(presentation)
    participations = []
    for data in record["participations"]:
        participation = cited(EventOrganization, data)
        participation.event = event
        participation.organization = organization_of(data["organization"])
        participations.append(participation)
    keep_prefetched(event, "roles", roles)
    keep_prefetched(event, "presentations", presentations)
    keep_prefetched(event, "participations", participations)
    keep_prefetched(event, "citations", [cited(Citation, data) for data in record["citations"]])
    keep_prefetched(event, "sources", [sources[pk] for pk in record["event_sources"]])
    keep_prefetched(event, "topics", [instance_of(Topic, data) for data in record["topics"]])
    return event


# Keeping versions -----------------------------------------------------------------------


def latest_record(event="pk"):
    """A subquery: the JSON of the latest version of the event at OuterRef(event)."""
    return Subquery(
        PublishedVersion.objects.filter(event=OuterRef(event))
        .order_by("-number")
        .values("record")[:1],
        output_field=models.JSONField(encoder=DjangoJSONEncoder),
    )


def record_versions(event_pks, notes=None):
    """A new version of each of these events whose public shape changed since its latest:
    read 200 events at a time, each batch written in one transaction."""
    notes = notes or {}
    pks = list(event_pks)
    for start in range(0, len(pks), 200):
        latest = PublishedVersion.objects.filter(event=OuterRef("pk")).order_by("-number")
        events = (
            Event.objects.published()
            .filter(pk__in=pks[start : start + 200])
            .select_related("series")
            .annotate(
                latest_record=latest_record(), latest_number=Subquery(latest.values("number")[:1])
            )
            .prefetch_related(*shown_prefetches())
        )
        new = []
        for event in events:
            record = public_shape(event)
            # Compared as stored (dates as text), whatever the database gave back.
            if event.latest_record is not None and same_json(event.latest_record, record):
                continue
            note, is_correction = notes.get(event.pk, ("", False))
            if event.latest_number is None:
                # The first version: the publication itself, which no note goes with.
                new.append(version_of(event, record, 1, event.published_at))
            else:
                new.append(
                    version_of(event, record, event.latest_number + 1, None, note, is_correction)
                )
        if new:
            with transaction.atomic():
                PublishedVersion.objects.bulk_create(new)
                versions_added([version.event_id for version in new])


def same_json(stored, record):
    import json

    if isinstance(stored, str):
        stored = json.loads(stored)
    return stored == json.loads(json.dumps(record, cls=DjangoJSONEncoder))


def version_of(event, record, number, when=None, note="", is_correction=False):
    return PublishedVersion(
        event=event,
        number=number,
        # Whole seconds: the changes page gives the time in a <time datetime>, which takes
        # at most three digits of a second.
        published_at=(when or timezone.now()).replace(microsecond=0),
        record=record,
        public_note=note,
        is_correction=is_correction,
    )


def versions_added(event_pks):
    """Pages that show the change summary or the versions are rebuilt with the new ones."""
    from events.cache import fragments
    from events.cache.generation import new_generation

    new_generation()
    fragments.retire(event_pks)


class PendingVersions:
    """The events one transaction changed, recorded as versions when it commits."""

    def __init__(self):
        self.event_pks = set()
        self.notes = {}
        # Events whose state before this transaction has been looked at (keep_first_version).
        self.seen = set()
        self.done = False

    def __call__(self):
        self.done = True
        record_versions(self.event_pks, self.notes)


def pending():
    connection = transaction.get_connection()
    for entry in connection.run_on_commit:
        if isinstance(entry[1], PendingVersions) and not entry[1].done:
            return entry[1]
    versions = PendingVersions()
    transaction.on_commit(versions)
    return versions


def in_transaction():
    return transaction.get_connection().in_atomic_block


def events_touched(instance):
    from events.cache import fragments

    if not is_shown_model(type(instance)):
        return []
    return [pk for pk in fragments.events_showing(instance) if pk is not None]


def is_shown_model(model):
    return model in (
        Event,
        Role,
        Presentation,
        KeyPoint,
        EventOrganization,
        Citation,
        Source,
        Topic,
        EventSeries,
        Person,
        Organization,
    )


PARTS = (Role, Presentation, KeyPoint, EventOrganization, Citation)


def keep_first_version(event_pks):
    """Before the first change to a record published without versions: its state until now
    becomes version 1, dated when it was first published."""
    if not event_pks:
        return
    without = (
        Event.objects.published()
        .filter(pk__in=event_pks, published_versions__isnull=True)
        .select_related("series")
        .prefetch_related(*shown_prefetches())
    )
    first = [version_of(event, public_shape(event), 1, event.published_at) for event in without]
    if first:
        PublishedVersion.objects.bulk_create(first)
        versions_added([version.event_id for version in first])


def deleting_an_event(origin):
    """Whether a delete started from an event (its rows go with it: nothing to keep)."""
    if isinstance(origin, models.QuerySet):
        return origin.model is Event
    return isinstance(origin, Event)


def before_change(sender, instance, raw=False, origin=None, **kwargs):
    if raw or not is_shown_model(sender) or deleting_an_event(origin):
        return
    if instance.pk is None and not isinstance(instance, PARTS):
        # A new record is on no page yet (a new row of an event is, through its event).
        return
    pks = set(events_touched(instance))
    if in_transaction():
        known = pending()
        # Looked up now: once a person is deleted, nothing leads to their events.
        known.event_pks |= pks
        pks -= known.seen
        known.seen |= pks
    keep_first_version(pks)


def after_change(sender, instance, raw=False, **kwargs):
    if not is_shown_model(sender):
        return
    if raw:
        versions = bulk_pending()
        if versions is not None:
            versions.add(instance)
        return
    pks = set(events_touched(instance))
    if isinstance(instance, Event) and hasattr(instance, "_public_note"):
        note = (instance._public_note, instance._is_correction)
    else:
        note = None
    if not in_transaction():
        record_versions(pks, {instance.pk: note} if note else None)
        return
    versions = pending()
    versions.event_pks |= pks
    if isinstance(instance, Event) and kwargs.get("created"):
        # Made in this transaction: there is no earlier state to keep.
        versions.seen.add(instance.pk)
    if note:
        versions.notes[instance.pk] = note


def loading_in_bulk():
    """Inside a fixture load or an import (raw saves): their links are set with ordinary
    signals while the rest of the file is still loading, so nothing is recorded until
    `BulkVersions` runs at the commit."""
    connection = transaction.get_connection()
    return any(
        isinstance(entry[1], BulkVersions) and not entry[1].done
        for entry in connection.run_on_commit
    )


def relation_changing(sender, instance, action, raw=False, **kwargs):
    if loading_in_bulk():
        return
    if action in ("pre_add", "pre_remove", "pre_clear"):
        before_change(type(instance), instance)
    elif action in ("post_add", "post_remove", "post_clear"):
        after_change(type(instance), instance)


class BulkVersions:
    """What a fixture load or an import (raw saves) wrote, by the events it touched: when it
    commits, a new version of each of those events that keeps versions, where its shape
    changed. Records loaded without versions keep none: a load is not an edit."""

    def __init__(self):
        self.event_pks = set()
        self.presentation_pks = set()
        self.others = {}  # model -> pks
        self.done = False

    def add(self, instance):
        if isinstance(instance, Event):
            self.event_pks.add(instance.pk)
        elif isinstance(instance, KeyPoint):
            self.presentation_pks.add(instance.presentation_id)
        elif isinstance(instance, PARTS):
            self.event_pks.add(instance.event_id)
        else:
            self.others.setdefault(type(instance), set()).add(instance.pk)

    def __call__(self):
        self.done = True
        pks = set(self.event_pks)
        pks |= set(
            Presentation.objects.filter(pk__in=self.presentation_pks).values_list(
                "event_id", flat=True
            )
        )
        for model, model_pks in self.others.items():
            for instance in model._base_manager.filter(pk__in=model_pks):
                pks |= set(events_touched(instance))
        keeping = PublishedVersion.objects.filter(event_id__in=pks).values_list(
            "event_id", flat=True
        )
        record_versions(set(keeping))


def bulk_pending():
    connection = transaction.get_connection()
    for entry in connection.run_on_commit:
        if isinstance(entry[1], BulkVersions) and not entry[1].done:
            return entry[1]
    if not connection.in_atomic_block:
        return None
    versions = BulkVersions()
    transaction.on_commit(versions)
    return versions


def connect_signals():
    pre_save.connect(before_change, dispatch_uid="versions-before-save")
    pre_delete.connect(before_change, dispatch_uid="versions-before-delete")
    post_save.connect(after_change, dispatch_uid="versions-after-save")
    post_delete.connect(after_change, dispatch_uid="versions-after-delete")
    m2m_changed.connect(relation_changing, dispatch_uid="versions-relations")


def change_summary_annotations():
    """For one query of an event page: how many versions, when the latest, the last
    correction (see events.site.versions.ChangeSummary)."""
    versions = PublishedVersion.objects.filter(event=OuterRef("pk")).order_by("-number")
    corrections = versions.filter(is_correction=True, number__gt=1)
    return {
        "version_count": Subquery(versions.values("number")[:1]),
        "last_version_at": Subquery(versions.values("published_at")[:1]),
        "correction_at": Subquery(corrections.values("published_at")[:1]),
        "correction_note": Subquery(corrections.values("public_note")[:1]),
    }


SAME_CHANGE = datetime.timedelta(seconds=1)
