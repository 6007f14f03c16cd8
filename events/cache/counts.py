"""
How many events, people and organizations the public sees (the home page, and the total atop
each list), and the event list's filter options in each language (each a scan of every
published event), kept in the database (events.PublicCount) and counted again by a task after
each change, so that no reader waits for a count after an edit. Below, "count" means any of
them.

A change marks its connection (a reader on the same connection, as after an admin save or in
a test, counts for itself what that connection sees). When the change commits, every count
is marked changed and the `recount` task is queued on a queue of its own
(`manage.py db_worker --queue-name public-counts`, so that it never waits behind a build of
the downloads). Until the task has
counted, readers are shown the previous counts, for at most PUBLIC_COUNTS_GRACE_SECONDS after
the change; past that (no worker running) a reader counts and stores. A count keeps the time
it started, so a change that commits while it counts leaves it stale.

Shown counts are remembered with the other shared data (generation.remember) except while
they are stale; a new count retires the lists' key, so the pages that show the counts, and
what was remembered from the stale ones, are made again.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django_tasks import task

from events.models import Event, PublicCount
from events.opendata import files

from . import edge
from .generation import LISTS, Provisional, retire_keys

# Offered in the event list's organization filter; any other is reachable from its own page.
FILTER_ORGANIZATIONS = 30


def filter_choices_name(language):
    return f"event-filter-choices:{language}"


def filter_choices_in(language):
    def compute():
        with translation.override(language):
            return Event.objects.published().filter_choices(FILTER_ORGANIZATIONS)

    return compute


FILTER_CHOICES = [filter_choices_name(language) for language, _name in settings.LANGUAGES]
COUNTS = {
    "events": lambda: Event.objects.published().count(),
    "people": lambda: Event.objects.published().people().count(),
    "organizations": lambda: Event.objects.published().organizations().count(),
    **{
        filter_choices_name(language): filter_choices_in(language)
        for language, _name in settings.LANGUAGES
    },
}


def changed():
    """A record changed in the current transaction (events/cache/receivers.py)."""
    connection = transaction.get_connection()
    # What this connection must count for itself (store() takes off what it counted).
    connection.public_counts_changed = set(COUNTS)
    if connection.in_atomic_block and any(
        entry[1] is changes_committed for entry in connection.run_on_commit
    ):
        return
    transaction.on_commit(changes_committed)


def counted_here(connection):
    """The names this connection must count for itself since its last change."""
    return getattr(connection, "public_counts_changed", set())


def changes_committed():
    transaction.get_connection().public_counts_changed = set()
    PublicCount.objects.update(changed_at=timezone.now())
    if files.is_withdrawing():
        # An option may name what is no longer public (an unpublished event's organization):
        # the next reader computes the options rather than be shown the kept ones.
        PublicCount.objects.filter(name__in=FILTER_CHOICES).delete()
    recount.enqueue()


@task(queue_name="public-counts")
def recount():
    """Count again what changed since it was counted; retire the pages that show it."""
    stale = PublicCount.objects.filter(changed_at__gt=F("counted_at"))
    names = sorted(stale.values_list("name", flat=True))
    if names:
        store(names, retire=True)
    return names


def shown(names):
    """{name: count} for these counts, or a Provisional of it while they are being counted
    again (not to be remembered)."""
    connection = transaction.get_connection()
    own = counted_here(connection)
    if all(name in own for name in names):
        return store(names)
    rows = {row.name: row for row in PublicCount.objects.filter(name__in=names)}
    grace = datetime.timedelta(seconds=settings.PUBLIC_COUNTS_GRACE_SECONDS)
    now = timezone.now()
    missing = [name for name in names if name not in rows or name in own]
    stale = [name for name, row in rows.items() if not row.is_current and name not in own]
    overdue = [name for name in stale if now - rows[name].changed_at >= grace]
    values = {name: row.value for name, row in rows.items() if name not in own}
    if missing or overdue:
        values.update(store(missing + overdue, retire=bool(overdue)))
    if len(overdue) < len(stale):
        return Provisional(values)  # the worker has yet to count the others again
    return values


def store(names, retire=False):
    """Count these now and keep the counts. With retire, the pages that may show the
    previous counts (served while they were stale) are retired."""
    connection = transaction.get_connection()
    connection.public_counts_changed = counted_here(connection) - set(names)
    started = timezone.now()
    values = {name: COUNTS[name]() for name in names}
    PublicCount.objects.bulk_create(
        [PublicCount(name=name, value=value, counted_at=started) for name, value in values.items()],
        update_conflicts=True,
        unique_fields=["name"],
        update_fields=["value", "counted_at"],
    )
    if retire:
        retire_keys([LISTS])
        if edge.is_on():
            edge.purge([LISTS])
    return values
