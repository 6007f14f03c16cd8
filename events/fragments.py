"""
The event page's body and structured data, cached per event under a content version.

The page cache (caching.py) retires every page at once on any record change, so after each
edit every event page is rebuilt from the database: nine queries and the whole template.
The parts of the page that come from the event's records are therefore also kept under a
version of their own per event, which changes only when a record the page shows changes:
the event, its roles and their people and organizations (with the parents whose names a
title shows), its presentations, speakers and key points, its organizations' parts, its
citations, sources and topics. After an edit, only the events it touches are rebuilt.

A version is a random value in the shared cache; changing one means deleting it (the next
reader makes a new one). It is deleted when the change is saved and again when its
transaction commits, so a page rendered from the old rows in between is never kept
under the new version.
"""

import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from people.models import Organization, Person

from . import caching
from .models import (
    Citation,
    Event,
    EventOrganization,
    KeyPoint,
    Presentation,
    Role,
    Source,
    Topic,
)


def version_key(event_pk):
    return f"event-content:{event_pk}"


def content_version(event_pk):
    cache = caching.cache()
    value = cache.get(version_key(event_pk))
    if value is None:
        value = uuid.uuid4().hex
        if not cache.add(version_key(event_pk), value, timeout=None):
            value = cache.get(version_key(event_pk), value)
    return value


def fragments_key(event, language):
    return f"event-fragments:{event.pk}:{content_version(event.pk)}:{language}"


def retire(event_pks):
    keys = [version_key(pk) for pk in set(event_pks) if pk is not None]
    if keys:
        caching.cache().delete_many(keys)


def events_showing(instance):
    """The pks of the events whose page shows this record."""
    if isinstance(instance, Event):
        return [instance.pk]
    if isinstance(instance, Role | Presentation | EventOrganization | Citation):
        return [instance.event_id]
    if isinstance(instance, KeyPoint):
        return Presentation.objects.filter(pk=instance.presentation_id).values_list(
            "event_id", flat=True
        )
    if isinstance(instance, Person):
        return Event.objects.filter(
            Q(roles__person=instance) | Q(presentations__speakers=instance)
        ).values_list("pk", flat=True)
    if isinstance(instance, Organization):
        # A title shows the organization and its parent's name; a part its display name.
        named = Q(organization=instance) | Q(organization__parent=instance)
        return set(Role.objects.filter(named).values_list("event_id", flat=True)) | set(
            EventOrganization.objects.filter(named).values_list("event_id", flat=True)
        )
    if isinstance(instance, Source):
        cited = Q(source=instance)
        pks = set(Event.objects.filter(sources=instance).values_list("pk", flat=True))
        for model in (Role, Presentation, EventOrganization, Citation):
            pks |= set(model.objects.filter(cited).values_list("event_id", flat=True))
        pks |= set(KeyPoint.objects.filter(cited).values_list("presentation__event_id", flat=True))
        return pks
    if isinstance(instance, Topic):
        return Event.objects.filter(topics=instance).values_list("pk", flat=True)
    return []


def record_changed(sender, instance, **kwargs):
    if not caching.is_record_model(sender) or kwargs.get("raw"):
        return
    pks = list(events_showing(instance))
    retire(pks)
    transaction.on_commit(lambda: retire(pks))


def record_moving(sender, instance, **kwargs):
    """Before a role, presentation, key point, part or citation is saved: the event it
    belonged to until now, in case the save moves it to another one."""
    if not isinstance(instance, MOVABLE) or instance.pk is None or kwargs.get("raw"):
        return
    before = sender._default_manager.filter(pk=instance.pk).first()
    if before is not None:
        pks = list(events_showing(before))
        retire(pks)
        transaction.on_commit(lambda: retire(pks))


MOVABLE = (Role, Presentation, EventOrganization, Citation, KeyPoint)


def relation_changed(sender, instance, action, pk_set, model, **kwargs):
    if not action.startswith("post_") and action != "pre_clear":
        return
    pks = set(events_showing(instance))
    if pk_set:
        for related in model.objects.filter(pk__in=pk_set):
            pks |= set(events_showing(related))
    retire(pks)
    transaction.on_commit(lambda: retire(pks))


def connect_signals():
    # pre_delete: the rows that lead to the events (roles, speakers…) are gone after delete.
    for signal in (post_save, pre_delete, post_delete):
        signal.connect(record_changed, dispatch_uid=f"event-fragments-{signal!r}")
    pre_save.connect(record_moving, dispatch_uid="event-fragments-moving")
    m2m_changed.connect(relation_changed, dispatch_uid="event-fragments-m2m")


def uses_fragments(event):
    return event.is_published and settings.PUBLIC_DATA_CACHE_SECONDS > 0
