"""
The search document of each event (events.models.EventSearchDocument): every text its page
shows (texts.SEARCHED) — the event's own texts, its presentations and their key points, the
titles its people held, their names, the organizations they represented or that took part
and the organizations those are part of, its topics — in one row, which the search reads
with one indexed lookup.

Every write path keeps it current:

- a save, delete or many-to-many change of a searched record (admin forms and inlines, bulk
  actions, merges, scripts, and the raw saves of `loaddata`, `import_records` and
  `restore_records`) notes the events it touches, or the record itself when its events are
  only known once the whole write is done (a person, an organization, a topic);
- writes that send no signals (`bulk_create`, `QuerySet.update`, as in `generate_demo_data`)
  call `rebuild_all_soon()`, as they call `events.cache.receivers.records_changed_in_bulk`.

The noted events' documents are rebuilt once when the transaction commits, and before any
search on the same connection reads them, so that a search inside the writing transaction
(or a test) sees its own writes.
"""

import functools
from collections import defaultdict

from django.apps import apps as installed_apps
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save

from .texts import MAX_DEPTH, searched_columns, with_units_below

SEPARATOR = "\n"
# Events per rebuilding query: keeps every IN list well under SQLite's parameter limit.
CHUNK = 500
# Past this many records noted by raw saves (a restore), rebuilding every document is
# quicker than finding each record's events.
WHOLESALE = 2000


class Models:
    """The models a document is made of, from the app registry or a migration's state."""

    def __init__(self, registry=installed_apps):
        get = registry.get_model
        self.Event = get("events", "Event")
        self.Presentation = get("events", "Presentation")
        self.KeyPoint = get("events", "KeyPoint")
        self.Role = get("events", "Role")
        self.EventOrganization = get("events", "EventOrganization")
        self.Topic = get("events", "Topic")
        self.Person = get("people", "Person")
        self.Organization = get("people", "Organization")
        self.Document = get("events", "EventSearchDocument")
        self.EventTopics = self.Event._meta.get_field("topics").remote_field.through
        self.Speakers = self.Presentation._meta.get_field("speakers").remote_field.through
        self.registry = registry


@functools.cache
def installed():
    return Models()


def document_texts(event_pks, using=DEFAULT_DB_ALIAS, models=None):
    """{event pk: the text of its document} for these events (those that exist)."""
    m = models or installed()

    def rows(model, *fields, **condition):
        return model._base_manager.using(using).filter(**condition).values_list(*fields)

    texts = defaultdict(list)

    def add(found):
        for event_pk, *values in found:
            texts[event_pk].extend(value for value in values if value)

    add(rows(m.Event, "pk", *searched_columns(m.Event), pk__in=event_pks))
    add(rows(m.Presentation, "event_id", *searched_columns(m.Presentation), event_id__in=event_pks))
    add(
        rows(
            m.KeyPoint,
            "presentation__event_id",
            *searched_columns(m.KeyPoint),
            presentation__event_id__in=event_pks,
        )
    )
    roles = list(
        rows(
            m.Role,
            "event_id",
            "person_id",
            "organization_id",
            *searched_columns(m.Role),
            event_id__in=event_pks,
        )
    )
    add((event_pk, *titles) for event_pk, _, _, *titles in roles)
    add(
        rows(
            m.EventTopics,
            "event_id",
            *(f"topic__{column}" for column in searched_columns(m.Topic)),
            event_id__in=event_pks,
        )
    )

    people, organizations = defaultdict(set), defaultdict(set)
    for event_pk, person_pk, organization_pk, *_ in roles:
        people[event_pk].add(person_pk)
        if organization_pk:
            organizations[event_pk].add(organization_pk)
    for event_pk, person_pk in rows(
        m.Speakers, "presentation__event_id", "person_id", presentation__event_id__in=event_pks
    ):
        people[event_pk].add(person_pk)
    for event_pk, organization_pk in rows(
        m.EventOrganization, "event_id", "organization_id", event_id__in=event_pks
    ):
        organizations[event_pk].add(organization_pk)

    names = {
        pk: [value for value in values if value]
        for pk, *values in rows(
            m.Person,
            "pk",
            *searched_columns(m.Person),
            pk__in={pk for pks in people.values() for pk in pks},
        )
    }
    for event_pk, pks in people.items():
        for pk in sorted(pks):
            texts[event_pk].extend(names.get(pk, []))

    # Each organization with the ones it is part of, read a level at a time.
    units, wanted = {}, {pk for pks in organizations.values() for pk in pks}
    for _ in range(MAX_DEPTH):
        if not wanted:
            break
        for pk, parent_pk, *values in rows(
            m.Organization, "pk", "parent_id", *searched_columns(m.Organization), pk__in=wanted
        ):
            units[pk] = (parent_pk, [value for value in values if value])
        wanted = {parent for parent, _ in units.values() if parent and parent not in units}
    for event_pk, pks in organizations.items():
        for pk in sorted(pks):
            for _ in range(MAX_DEPTH):
                if pk not in units:
                    break
                pk, values = units[pk]
                texts[event_pk].extend(values)
    return {pk: SEPARATOR.join(values) for pk, values in texts.items()}


def rebuild(event_pks, using=DEFAULT_DB_ALIAS, models=None):
    """Write the documents of these events (a deleted event's went with it)."""
    m = models or installed()
    pks = sorted({pk for pk in event_pks if pk is not None})
    for start in range(0, len(pks), CHUNK):
        texts = document_texts(pks[start : start + CHUNK], using, m)
        m.Document._base_manager.using(using).bulk_create(
            [m.Document(event_id=pk, text=text) for pk, text in texts.items()],
            update_conflicts=True,
            unique_fields=["event"],
            update_fields=["text"],
        )


def rebuild_all(using=DEFAULT_DB_ALIAS, models=None):
    m = models or installed()
    pks = list(m.Event._base_manager.using(using).order_by("pk").values_list("pk", flat=True))
    rebuild(pks, using, m)


class Pending:
    """What this connection's writes have touched since the documents were last rebuilt."""

    def __init__(self):
        self.events = set()
        self.records = defaultdict(set)  # "person", "organization", "topic", "presentation"
        self.everything = False

    def __bool__(self):
        return self.everything or bool(self.events) or any(self.records.values())


def pending(using):
    connection = connections[using]
    if not hasattr(connection, "search_documents_pending"):
        connection.search_documents_pending = Pending()
    return connection.search_documents_pending


def bring_up_to_date(using=DEFAULT_DB_ALIAS):
    """Rebuild the documents this connection's writes have touched."""
    state = pending(using)
    if not state:
        return
    connections[using].search_documents_pending = Pending()
    if state.everything or sum(len(pks) for pks in state.records.values()) > WHOLESALE:
        rebuild_all(using)
        return
    rebuild(state.events | events_of(state.records, using), using)


@functools.cache
def rebuilder(using):
    # One function per database, so that a transaction registers it once.
    return functools.partial(bring_up_to_date, using)


def rebuild_at_commit(using):
    connection = connections[using]
    callback = rebuilder(using)
    if connection.in_atomic_block and any(
        entry[1] is callback for entry in connection.run_on_commit
    ):
        return
    # robust: the edit has committed; a failed rebuild is logged, not the editor's error.
    transaction.on_commit(callback, using=using, robust=True)


def note(using, *, events=(), **records):
    state = pending(using)
    state.events.update(pk for pk in events if pk is not None)
    for kind, pks in records.items():
        state.records[kind].update(pk for pk in pks if pk is not None)
    rebuild_at_commit(using)


def rebuild_all_soon(using=DEFAULT_DB_ALIAS):
    """For writes that send no signals: every document, when the transaction commits."""
    pending(using).everything = True
    rebuild_at_commit(using)


def events_of(records, using):
    """The pks of the events whose documents show these records ({kind: pks})."""
    m = installed()
    found = set()

    def add(queryset, field):
        found.update(queryset.using(using).values_list(field, flat=True))

    if records.get("presentation"):
        add(m.Presentation._base_manager.filter(pk__in=records["presentation"]), "event_id")
    if records.get("topic"):
        add(m.EventTopics._base_manager.filter(topic_id__in=records["topic"]), "event_id")
    if records.get("person"):
        people = records["person"]
        add(m.Role._base_manager.filter(person_id__in=people), "event_id")
        add(m.Speakers._base_manager.filter(person_id__in=people), "presentation__event_id")
    if records.get("organization"):
        below = with_units_below(
            m.Organization._base_manager.using(using).filter(pk__in=records["organization"])
        ).values("pk")
        add(m.Role._base_manager.filter(organization__in=below), "event_id")
        add(m.EventOrganization._base_manager.filter(organization__in=below), "event_id")
    return found


def touched(instance, using):
    """Note what a save or delete of this instance changes in the documents."""
    m = installed()
    if isinstance(instance, m.Event):
        note(using, events=[instance.pk])
    elif isinstance(instance, (m.Role, m.Presentation, m.EventOrganization, m.EventTopics)):
        note(using, events=[instance.event_id])
    elif isinstance(instance, (m.KeyPoint, m.Speakers)):
        note(using, presentation=[instance.presentation_id])
    elif isinstance(instance, m.Person):
        note(using, person=[instance.pk])
    elif isinstance(instance, m.Organization):
        note(using, organization=[instance.pk])
    elif isinstance(instance, m.Topic):
        note(using, topic=[instance.pk])


def saved_or_deleted(sender, instance, using, **kwargs):
    # A person, organization or topic that events show cannot be deleted (PROTECT) but for
    # its many-to-many rows, whose own deletes are noted.
    touched(instance, using)


def moving(sender, instance, using, raw=False, **kwargs):
    """Before a part is saved: the event it belonged to until now, in case the save moves
    it to another one (the admin never does; a script may)."""
    m = installed()
    if raw or instance.pk is None:
        return
    if isinstance(instance, (m.Role, m.Presentation, m.EventOrganization)):
        note(
            using,
            events=sender._base_manager.using(using)
            .filter(pk=instance.pk)
            .values_list("event_id", flat=True),
        )
    elif isinstance(instance, m.KeyPoint):
        note(
            using,
            presentation=sender._base_manager.using(using)
            .filter(pk=instance.pk)
            .values_list("presentation_id", flat=True),
        )


def relation_changed(sender, instance, action, model, pk_set, using, **kwargs):
    m = installed()
    if sender not in (m.EventTopics, m.Speakers):
        return
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if isinstance(instance, (m.Event, m.Presentation)):
        touched(instance, using)
    elif action == "pre_clear":
        # A topic's or a person's links, about to go: find their events now.
        kind = "topic" if isinstance(instance, m.Topic) else "person"
        note(using, events=events_of({kind: {instance.pk}}, using))
    elif model is m.Event:
        note(using, events=pk_set or ())
    else:
        note(using, presentation=pk_set or ())


def connect():
    post_save.connect(saved_or_deleted, dispatch_uid="search-documents-saved")
    pre_delete.connect(saved_or_deleted, dispatch_uid="search-documents-deleting")
    pre_save.connect(moving, dispatch_uid="search-documents-moving")
    m2m_changed.connect(relation_changed, dispatch_uid="search-documents-related")
