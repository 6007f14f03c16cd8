"""
Write a complete, timestamped backup: every record, user and group as JSON Lines (primary keys
kept, so that references such as the admin's history still point at the right rows) and every
uploaded file, in one .tar.gz that restore_records reads back.

The records are read a chunk at a time, their many-to-many relations prefetched per chunk, and
written one per line straight into the archive's temporary file, so neither the backup nor the
restore holds the whole data set in memory. Rows point at each other by primary key; only the
rows that `migrate` itself makes (content types and permissions, whose keys differ between
databases) are named by natural key, so no related row is read to name another.
"""

import io
import json
import os
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management.base import BaseCommand
from django.core.serializers.jsonl import Serializer as JSONLSerializer
from django.db import connections, router
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Prefetch

# Rebuilt by `migrate` (content types, permissions) or worthless after a restore (sessions,
# login throttling records, finished background tasks); everything else is a record someone
# made and is backed up.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "axes", "django_tasks_database"]
DATA = "data.jsonl"
CHUNK_SIZE = 2000
MADE_BY_MIGRATE = (ContentType, Permission)


class BackupSerializer(JSONLSerializer):
    """Django's JSON Lines serializer, naming by natural key only what `migrate` makes."""

    def handle_fk_field(self, obj, field):
        self.use_natural_foreign_keys = issubclass(field.related_model, MADE_BY_MIGRATE)
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj, field):
        self.use_natural_foreign_keys = issubclass(field.related_model, MADE_BY_MIGRATE)
        super().handle_m2m_field(obj, field)


def backed_up_models(database="default"):
    """The models a backup holds, in the order dumpdata would write them."""
    app_list = {
        config: None
        for config in apps.get_app_configs()
        if config.label not in EXCLUDED and config.models_module is not None
    }
    for model in serializers.sort_dependencies(app_list.items(), allow_cycles=True):
        meta = model._meta
        if meta.proxy or meta.label_lower in EXCLUDED:
            continue
        if router.allow_migrate_model(database, model):
            yield model


def rows(model, database):
    """The model's rows in primary-key order, with what the serializer reads per row loaded
    per chunk: many-to-many relations, and the content type or permission a row names."""
    queryset = model._default_manager.using(database).order_by(model._meta.pk.name)
    named = [
        field.name
        for field in model._meta.fields
        if field.many_to_one and issubclass(field.related_model, MADE_BY_MIGRATE)
    ]
    if named:
        queryset = queryset.select_related(*named)
    for field in model._meta.many_to_many:
        if field.remote_field.through._meta.auto_created:
            related = field.related_model._default_manager.using(database)
            if issubclass(field.related_model, Permission):
                related = related.select_related("content_type")
            queryset = queryset.prefetch_related(Prefetch(field.name, queryset=related))
    return queryset.iterator(chunk_size=CHUNK_SIZE)


def write_records(stream, database="default"):
    """Every backed-up row as one JSON line; returns how many."""
    written = 0
    serializer = BackupSerializer()
    for model in backed_up_models(database):
        counted = counting(rows(model, database))
        serializer.serialize(counted, stream=stream)
        written += counted.count
    return written


class counting:
    def __init__(self, iterable):
        self.iterable, self.count = iterable, 0

    def __iter__(self):
        for item in self.iterable:
            self.count += 1
            yield item


def dump_records(database="default"):
    """The backup's records as text (what the round-trip tests compare)."""
    output = io.StringIO()
    write_records(output, database)
    return output.getvalue()


def applied_migrations(database="default"):
    latest = {}
    for app, name in MigrationRecorder(connections[database]).applied_migrations():
        latest[app] = max(latest.get(app, name), name)
    return latest


class Command(BaseCommand):
    help = "Back up every record, user, group and uploaded file into one .tar.gz."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            type=Path,
            default=None,
            help="Folder for the archive (default: settings.BACKUP_DIR, var/backups/).",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, output_dir, database, **options):
        output_dir = Path(output_dir or settings.BACKUP_DIR)
        output_dir.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(tz=UTC).strftime("%Y%m%dT%H%M%S%fZ")
        target = output_dir / f"records-{stamp}.tar.gz"
        # Written beside the target and renamed, so a crash never leaves a half archive that
        # looks complete; owner-only, since it holds password hashes and unpublished drafts.
        handle, partial = tempfile.mkstemp(dir=output_dir, prefix=".partial-", suffix=".tar.gz")
        records_file = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed below)
            mode="w+", encoding="utf-8", dir=output_dir, prefix=".records-", suffix=".jsonl"
        )
        try:
            os.fchmod(records_file.fileno(), 0o600)
            records = write_records(records_file, database)
            records_file.flush()
            manifest = json.dumps(
                {
                    "created": datetime.now(tz=UTC).isoformat(),
                    "django": django.get_version(),
                    "migrations": applied_migrations(database),
                    "excluded": EXCLUDED,
                    "records": records,
                    "format": "jsonl",
                },
                indent=1,
                sort_keys=True,
            ).encode("utf-8")
            os.fchmod(handle, 0o600)
            with os.fdopen(handle, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
                add_bytes(tar, "manifest.json", manifest)
                info = tar.gettarinfo(records_file.name, arcname=DATA)
                info.mode = 0o600
                with open(records_file.name, "rb") as data:
                    tar.addfile(info, data)
                media = Path(settings.MEDIA_ROOT)
                files = 0
                if media.is_dir():
                    for path in sorted(media.rglob("*")):
                        if path.is_file() and not path.is_symlink():
                            tar.add(path, arcname=f"media/{path.relative_to(media)}")
                            files += 1
            os.replace(partial, target)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
        finally:
            records_file.close()
        self.stdout.write(
            self.style.SUCCESS(f"Backed up {records} records and {files} media files to {target}")
        )


def add_bytes(tar, name, content):
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(datetime.now(tz=UTC).timestamp())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(content))
