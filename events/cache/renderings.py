"""
Event pages rendered once and kept in the database (events.models.EventRendering), so that a
page whose caches are cold, cleared or away is the event's row and this one, read together.

A published event's page is rendered by its first reader of the day in each language and
stored with the version its row had when the reader read the event; every write that
changes what the page shows (the same writes that retire its fragments, fragments.retire)
empties those rows and gives them a new version in the write's own transaction. The store
is conditional on that version, so a render made from rows that a write changed meanwhile
is never kept: if the write committed first, the version differs; if not, the store waits
for the write's row lock (or SQLite's write lock) and then finds it changed. A bulk write
replaces the rendering generation instead (CacheGeneration.renderings), with the same
effect on every row.

Storing only happens outside a transaction (every page request): inside one, a failed write
would break the caller's transaction, and a test's or a script's render is not the reader's.
"""

import logging

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils.safestring import mark_safe

from events.models import CacheGeneration, EventRendering
from events.models.cache import new_token

logger = logging.getLogger(__name__)

PARTS = ("body", "structured_data", "citation_meta")
CARD = ("card", "card_generation")


def retire(event_pks):
    """Empty the stored renderings of these events, in the current transaction."""
    pks = {pk for pk in event_pks if pk is not None}
    if not pks:
        return
    version = new_token()
    EventRendering.objects.bulk_create(
        [
            EventRendering(event_id=pk, language=code, version=version)
            for pk in sorted(pks)
            for code, _ in settings.LANGUAGES
        ],
        update_conflicts=True,
        unique_fields=["event", "language"],
        update_fields=["version", "day", "generation", *PARTS, *CARD],
    )


def retire_all():
    """Every stored rendering is stale (a bulk write may have changed any event)."""
    CacheGeneration.replace(renderings=True)


def stored(event, day):
    """The parts kept for this event (read with its row, EventQuerySet.with_rendering) if
    they are current for this day, else None."""
    body = getattr(event, "rendering_body", None)
    if not body or event.rendering_day != day or event.rendering_generation != event.renderings_now:
        return None
    # Rendered by the templates (autoescaped there) and stored as they rendered it.
    return {
        "body": mark_safe(body),  # noqa: S308
        "structured_data": mark_safe(event.rendering_structured_data),  # noqa: S308
        "citation_meta": mark_safe(event.rendering_citation_meta),  # noqa: S308
    }


def store(event, language, day, parts):
    """Keep these parts unless a write changed the event's rows since its row was read."""
    generation = generation_to_store_with(event)
    if generation is None:
        return
    row = {
        "day": day,
        "generation": generation,
        "version": new_token(),
        **{part: parts[part] for part in PARTS},
    }
    # A card kept in the row stays: no write changed the event since it was read.
    stored_unless_changed(
        [(event.pk, event.rendering_version)], language, [row], dict.fromkeys(CARD, "")
    )


def generation_to_store_with(event):
    """The rendering generation read with this event, or None when nothing is to be stored:
    inside a transaction (a failed write would break the caller's, and a test's or a
    script's render is not the reader's), or on a new database with no generation yet (made
    now, for the next reader to store with)."""
    if connection.in_atomic_block:
        return None
    generation = getattr(event, "renderings_now", None)
    if generation is None:
        CacheGeneration.current()
    return generation


def stored_unless_changed(events, language, rows, kept):
    """Insert each event's row for this language, or replace the columns `rows` give of the
    row it has if its version is still the one read with the event ((pk, version) pairs; a
    NULL version, no row then, never matches). The columns of `kept` are left as they are
    in a row that exists, and take its values in a new one."""
    table = connection.ops.quote_name(EventRendering._meta.db_table)
    columns = ["event_id", "language", *rows[0], *kept]
    updated = ", ".join(f"{column} = excluded.{column}" for column in rows[0])
    # One statement on both databases.
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT (event_id, language) DO UPDATE SET {updated} "
        f"WHERE {table}.version = %s"
    )
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # A write still holding the row has changed the event: the store would fail
                # once it commits, so a reader need not wait for it.
                cursor.execute("SET LOCAL lock_timeout = '100ms'")
            for (pk, version), row in zip(events, rows, strict=True):
                cursor.execute(sql, [pk, language, *row.values(), *kept.values(), version])
    except DatabaseError:
        # Not kept this time (a write holds a row, or SQLite's write lock): the page is
        # served all the same.
        logger.info("Events %s: rendering not stored", [pk for pk, _ in events], exc_info=True)


def loaded(sender, instance, raw=False, **kwargs):
    """A rendering read from a fixture or dump (dumpdata writes every table, this one too)
    takes the place of the row this database already has for its event and language, which
    its primary key would otherwise collide with. Its generation is an older one than the
    load leaves (a raw save retires every rendering), so it is never served."""
    if raw:
        EventRendering.objects.filter(
            event_id=instance.event_id, language=instance.language
        ).exclude(pk=instance.pk).delete()
