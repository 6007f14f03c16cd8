"""
The event page's body and structured data, cached per event under a content version.

The page cache (pages.py) retires every page at once on any record change, so after each
edit every event page is rebuilt from the database: nine queries and the whole template.
The parts of the page that come from the event's records are therefore also kept under a
version of their own per event, which changes only when a record the page shows changes:
the event, its roles and their people and organizations (with the parents whose names a
title shows), its presentations, speakers and key points, its organizations' parts, its
citations, sources and topics. After an edit, only the events it touches are rebuilt.

A version is a random value in the shared cache; changing one means deleting it (the next
reader makes a new one). It is deleted when the change is saved and again when its
transaction commits, so a page rendered from the old rows in between is never kept
under the new version. A bulk write (a fixture load, an import, a restore) retires every
event's fragments at once by replacing the fragment generation that every key carries
(generation.py), and so does a retirement the cache could not take because it was away.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from events.models import (
    Citation,
    Event,
    EventOrganization,
    EventSeries,
    KeyPoint,
    Presentation,
    Role,
    Source,
    Topic,
)
from people.models import Organization, Person

from . import renderings
from .generation import (
    cache,
    cache_is_away,
    durable,
    fragments_generation,
    new_fragments_generation,
    shared_token,
)

# Records that belong to one event (directly), and with key points those a save may move.
EVENT_PARTS = (Role, Presentation, EventOrganization, Citation)
MOVABLE = (*EVENT_PARTS, KeyPoint)


def version_key(event_pk):
    return f"event-content:{event_pk}"


def content_version(event_pk):
    return f"{fragments_generation()}.{shared_token(version_key(event_pk))[0]}"


def fragments_key(event, language):
    return f"event-parts:{event.pk}:{content_version(event.pk)}:{language}"


def retire(event_pks):
    """Retire these events' versions now and again when the transaction commits, and their
    stored renderings in the transaction."""
    event_pks = set(event_pks)
    renderings.retire(event_pks)
    keys = [version_key(pk) for pk in event_pks if pk is not None]
    if keys:
        delete_versions(keys)
        transaction.on_commit(lambda: delete_versions(keys))


def delete_versions(keys):
    cache().delete_many(keys)
    if cache_is_away():
        # The versions the cache still holds would come back with it: retire every one.
        durable.replace(fragments=True)


def retire_all():
    """Retire every event's fragments (a bulk write may have changed any of them)."""
    new_fragments_generation()
    renderings.retire_all()


def events_showing(instance):
    """The pks of the events whose page shows this record."""
    if isinstance(instance, Event):
        return [instance.pk]
    if isinstance(instance, EVENT_PARTS):
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
    if isinstance(instance, EventSeries):
        return Event.objects.filter(series=instance).values_list("pk", flat=True)
    return []


def uses_fragments(event):
    return event.is_published and settings.PUBLIC_DATA_CACHE_SECONDS > 0
