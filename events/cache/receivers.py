"""
The one invalidation policy: what every write retires, whichever path made it.

- Any save, delete or many-to-many change of a record model (the `events` and `people`
  apps, history tables aside) replaces the page generation: no page cached before it is
  served again (`generation`).
- An edit through the ORM (admin forms and inlines, bulk actions, merges, scripts) also
  retires the fragments of exactly the events whose page shows the changed record
  (`fragments.events_showing`).
- A raw save (`loaddata`, `import_records`, `restore_records`) cannot be traced to the
  events it touches while the rest of its file is still loading, so it retires every
  event's fragments, once per transaction.
- Writes that send no signals (`bulk_create`, `QuerySet.update`, as in
  `generate_demo_data`) call `records_changed_in_bulk()`.
- Every one of these queues one rebuild of the whole-dataset downloads when its transaction
  commits (`events.opendata.files.rebuild_soon`).

Both retirements happen when the change is made and again when its transaction commits, so a
page rendered from the old rows in between never survives under the new value. The commit's
retirement is registered once per transaction however many records it changes; a bulk write
also retires only once when it starts, since nothing reads its half-loaded rows.
"""

from django.core.signals import setting_changed
from django.db import transaction
from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save

from events.opendata.files import rebuild_soon

from . import fragments
from .generation import new_generation, watcher
from .pages import local_pages

RECORD_APPS = {"events", "people"}


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
    with the changes that asked for it; a later change then asks again."""
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


def records_changed_in_bulk():
    """For writes that send no signals: retire every page and every event's fragments."""
    once_now_and_at_commit(new_generation)
    once_now_and_at_commit(fragments.retire_all)
    rebuild_downloads_at_commit()


def record_saved_or_deleted(sender, instance, **kwargs):
    if not is_record_model(sender):
        return
    if kwargs.get("raw"):
        records_changed_in_bulk()
        return
    new_generation()
    at_commit(new_generation)
    rebuild_downloads_at_commit()
    fragments.retire(fragments.events_showing(instance))


def record_moving(sender, instance, **kwargs):
    """Before a role, presentation, key point, part or citation is saved: the event it
    belonged to until now, in case the save moves it to another one."""
    if not isinstance(instance, fragments.MOVABLE) or instance.pk is None or kwargs.get("raw"):
        return
    before = sender._default_manager.filter(pk=instance.pk).first()
    if before is not None:
        fragments.retire(fragments.events_showing(before))


def relation_changed(sender, instance, action, pk_set, model, **kwargs):
    if not is_record_model(sender):
        return
    if action.startswith("post_"):
        new_generation()
        at_commit(new_generation)
        rebuild_downloads_at_commit()
    if not action.startswith("post_") and action != "pre_clear":
        return
    pks = set(fragments.events_showing(instance))
    if pk_set:
        for related in model.objects.filter(pk__in=pk_set):
            pks |= set(fragments.events_showing(related))
    fragments.retire(pks)


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
    m2m_changed.connect(relation_changed, dispatch_uid="records-related")
