"""
The one invalidation policy: what every write retires, whichever path made it.

- Any save, delete or many-to-many change of a record model (the `events` and `people`
  apps, history tables aside) through the ORM (admin forms and inlines, bulk actions,
  merges, scripts) retires the pages that show the changed record and the lists
  (`keys.retired_by`: page keys, in the page cache and at an edge cache), and the fragments
  of exactly the events whose page shows it (`fragments.events_showing`).
- A raw save (`loaddata`, `import_records`, `restore_records`) cannot be traced to the
  records it touches while the rest of its file is still loading, so it retires every page
  and every event's fragments, once per transaction.
- Writes that send no signals (`bulk_create`, `QuerySet.update`, as in
  `generate_demo_data`) call `records_changed_in_bulk()`, which does the same.
- Every one of these queues one rebuild of the whole-dataset downloads when its transaction
  commits (`events.opendata.files.rebuild_soon`). One that may take something out of the
  published record (an event unpublished, any delete, any raw or bulk write) also marks the
  built files withdrawn at that commit, so they are streamed until rebuilt
  (`files.withdrawing`).

Both retirements happen when the change is made and again when its transaction commits, so a
page rendered from the old rows in between never survives under the new value. The commit's
retirement is registered once per transaction however many records it changes (the page keys
of all of them retired together, then purged at the edge); a bulk write also retires only
once when it starts, since nothing reads its half-loaded rows.
"""

from django.core.signals import setting_changed
from django.db import transaction
from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save

from events.models import Event, EventRendering
from events.opendata import files
from events.opendata.files import rebuild_soon
from people.models import Organization

from . import counts, edge, fragments, keys, renderings
from .generation import new_generation, retire_keys, watcher
from .pages import local_pages

RECORD_APPS = {"events", "people"}
# Records a save may move to another event, or another place in the hierarchy.
MOVABLE = (*fragments.MOVABLE, Organization)


def is_record_model(model):
    meta = model._meta
    if meta.app_label not in RECORD_APPS:
        return False
    # Models of a migration's state (module "__fake__") may predate the generation table.
    if model.__module__ == "__fake__" or getattr(model, "is_cache_state", False):
        return False
    # Kept from the records (the public versions), never a record of its own.
    if getattr(model, "derived_from_records", False):
        return False
    # simple_history's tables record changes; the record's own save already counted.
    return not meta.object_name.startswith("Historical")


def at_commit(retire):
    """Call retire() when the current transaction commits, once however often it is asked
    within one atomic block. True if this call registered it."""
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        # run_on_commit holds (savepoint ids when registered, callback, robust); a rollback
        # drops the entries of the savepoints it undoes. One registered in this block or in
        # one enclosing it runs at least as surely as a new one would (import_records saves
        # each of its records in a block of its own inside the file's).
        block = set(connection.savepoint_ids)
        if any(entry[1] is retire and entry[0] <= block for entry in connection.run_on_commit):
            return False
    transaction.on_commit(retire)
    return True


def rebuild_downloads_at_commit():
    """Queue one rebuild of the downloads for when the transaction commits: once for the
    whole transaction, not per atomic block as `at_commit`, since a rebuild redoes every file
    and import_records saves each record in a block of its own. A rollback drops the entry
    with the changes that asked for it; a later change then asks again. The public counts
    are counted again after the same commit."""
    # The counts' commit hook first: it reads whether the transaction withdrew a record
    # (files.is_withdrawing), which rebuild_soon then forgets.
    counts.changed()
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        entry[1] is rebuild_soon for entry in connection.run_on_commit
    ):
        return
    transaction.on_commit(rebuild_soon)


def once_now_and_at_commit(retire):
    """For bulk writes: retire() at the first change of an atomic block and at its commit."""
    if at_commit(retire) and transaction.get_connection().in_atomic_block:
        retire()


def retire_every_page():
    once_now_and_at_commit(new_generation)
    if edge.is_on():
        at_commit(edge.purge_all)


def records_changed_in_bulk():
    """For writes that send no signals: retire every page and every event's fragments."""
    files.withdrawing()
    retire_every_page()
    once_now_and_at_commit(fragments.retire_all)
    rebuild_downloads_at_commit()


class KeysAtCommit:
    """The page keys a transaction's changes retire, retired (and purged at the edge) once
    when it commits."""

    def __init__(self):
        self.keys = set()

    def __call__(self):
        retire_keys(self.keys)
        if edge.is_on():
            edge.purge(self.keys)


def retire_pages(page_keys):
    """Retire these page keys now and when the transaction commits (None: every page)."""
    if page_keys is None:
        new_generation()
        at_commit(new_generation)
        if edge.is_on():
            at_commit(edge.purge_all)
        return
    retire_keys(page_keys)
    connection = transaction.get_connection()
    # One registration per atomic block, as `at_commit`: a rollback drops it with the
    # changes that made it.
    block = set(connection.savepoint_ids)
    pending = connection.in_atomic_block and next(
        (
            entry[1]
            for entry in connection.run_on_commit
            if isinstance(entry[1], KeysAtCommit) and entry[0] == block
        ),
        None,
    )
    if pending:
        pending.keys |= page_keys
        return
    pending = KeysAtCommit()
    pending.keys |= page_keys
    transaction.on_commit(pending)


def retire_shown(instance, events=None):
    """Retire what shows this record: the pages (page keys) and its events' fragments."""
    events = set(fragments.events_showing(instance) if events is None else events)
    # Page keys first, now and at commit: a reader that finds the new content version
    # finds the event's key retired too (events.site.views.EventDetailView).
    retire_pages(keys.retired_by(instance, events))
    fragments.retire(events)


def record_saved_or_deleted(sender, instance, **kwargs):
    if not is_record_model(sender):
        return
    if kwargs.get("raw"):
        records_changed_in_bulk()
        return
    if kwargs.get("signal") is pre_delete:
        files.withdrawing()
    rebuild_downloads_at_commit()
    retire_shown(instance)


def event_withdrawing(sender, instance, **kwargs):
    """Before an event is saved: if it was published and will not be, the built downloads
    must stop being served when the change commits."""
    if sender is not Event or instance.pk is None or kwargs.get("raw"):
        return
    if instance.status == sender.Status.PUBLISHED:
        return
    if sender.objects.published().filter(pk=instance.pk).exists():
        files.withdrawing()


def record_moving(sender, instance, **kwargs):
    """Before a role, presentation, key point, part, citation or organization is saved: what
    showed it until now, in case the save moves it to another event (or parent)."""
    if not isinstance(instance, MOVABLE) or instance.pk is None or kwargs.get("raw"):
        return
    before = sender._default_manager.filter(pk=instance.pk).first()
    if before is not None:
        retire_shown(before)


def relation_changed(sender, instance, action, pk_set, model, **kwargs):
    if not is_record_model(sender):
        return
    if action.startswith("post_"):
        rebuild_downloads_at_commit()
    if not action.startswith("post_") and action != "pre_clear":
        return
    retire_shown(instance)
    if pk_set:
        for related in model.objects.filter(pk__in=pk_set):
            retire_shown(related)


def cache_settings_changed(setting, **kwargs):
    """Tests change the cache settings: start over with the new cache."""
    if setting in ("CACHES", "PAGE_CACHE_ALIAS", "PAGE_CACHE_SECONDS", "PUBLIC_DATA_CACHE_SECONDS"):
        watcher.token = None
        local_pages.clear()


def connect():
    setting_changed.connect(cache_settings_changed, dispatch_uid="cache-settings")
    post_save.connect(record_saved_or_deleted, dispatch_uid="records-saved")
    # pre_delete for the fragments, not post_delete: the rows that lead to the events (roles,
    # speakers…) are gone after a delete. Django sends it for every row a cascade deletes too.
    pre_delete.connect(record_saved_or_deleted, dispatch_uid="records-deleting")
    pre_save.connect(record_moving, dispatch_uid="records-moving")
    pre_save.connect(event_withdrawing, dispatch_uid="events-withdrawing")
    pre_save.connect(renderings.loaded, sender=EventRendering, dispatch_uid="renderings-loaded")
    m2m_changed.connect(relation_changed, dispatch_uid="records-related")
