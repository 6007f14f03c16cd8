"""
Write a complete, timestamped backup: every record, user and group as JSON Lines (primary
keys kept, so that references such as the admin's history still point at the right rows;
see `events.management.records_stream`) and every uploaded file, in one .tar.gz that
restore_records reads back. The records are streamed to a scratch file, hashed as they are
written, so memory stays bounded whatever the size of the site.

The manifest (the archive's first member) carries the SHA-256 and size of every other
member, so that restore_records can refuse a damaged, cut or altered archive before it
writes anything; the archive is read back and checked once written.
"""

import hashlib
import io
import json
import os
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import django
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction
from django.db.migrations.recorder import MigrationRecorder

from events.management import records_stream

# Rebuilt by `migrate` (content types, permissions) or worthless after a restore (sessions,
# login throttling records, the cache's generation); everything else is a record someone made
# and is backed up.
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "axes",
    "events.cachegeneration",
    "events.eventsearchdocument",
    "events.eventrendering",
    "events.publiccount",
    "django_tasks_database",
]
# Version of the manifest's shape; 2 added the per-file checksums, 3 the records as JSON
# Lines in records.jsonl (format 2 held them as a dumpdata list in data.json).
MANIFEST_FORMAT = 3
RECORDS = "records.jsonl"


def dump_records(database="default"):
    """Every record but EXCLUDED through dumpdata (natural foreign keys): slow at scale, kept
    as an independent reading to compare a restored database with the one backed up."""
    output = io.StringIO()
    call_command(
        "dumpdata",
        exclude=EXCLUDED,
        natural_foreign=True,
        indent=1,
        database=database,
        stdout=output,
    )
    return output.getvalue()


def applied_migrations(database="default"):
    latest = {}
    for app, name in MigrationRecorder(connections[database]).applied_migrations():
        latest[app] = max(latest.get(app, name), name)
    return latest


def file_digest(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def media_files():
    """(archive name, path) of every uploaded file, in a stable order."""
    media = Path(settings.MEDIA_ROOT)
    if not media.is_dir():
        return []
    return [
        (f"media/{path.relative_to(media)}", path)
        for path in sorted(media.rglob("*"))
        if path.is_file() and not path.is_symlink()
    ]


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
        try:
            os.fchmod(handle, 0o600)
            with tempfile.TemporaryDirectory(dir=output_dir, prefix=".records-") as scratch:
                records = Path(scratch) / RECORDS
                counts = {}
                # One transaction, so every table is read as of the same moment.
                outermost = not connections[database].in_atomic_block
                with transaction.atomic(using=database):
                    if outermost:
                        snapshot(database)
                    size, sha256 = write_records(records, database, counts)
                media = media_files()
                files = {RECORDS: {"sha256": sha256, "size": size}}
                for name, path in media:
                    files[name] = {"sha256": file_digest(path), "size": path.stat().st_size}
                manifest = json.dumps(
                    {
                        "format": MANIFEST_FORMAT,
                        "created": datetime.now(tz=UTC).isoformat(),
                        "django": django.get_version(),
                        "migrations": applied_migrations(database),
                        "excluded": EXCLUDED,
                        "records": counts,
                        "files": files,
                    },
                    indent=1,
                    sort_keys=True,
                ).encode("utf-8")
                with (
                    os.fdopen(handle, "wb") as raw,
                    tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar,
                ):
                    add_bytes(tar, "manifest.json", manifest)
                    tar.add(records, arcname=RECORDS)
                    for name, path in media:
                        tar.add(path, arcname=name)
            # A file that changed while it was being archived would fail here, not at restore.
            from events.management.commands.restore_records import BackupDamaged, verify

            try:
                with tempfile.TemporaryDirectory(dir=output_dir, prefix=".verify-") as scratch:
                    verify(Path(partial), Path(scratch))
            except BackupDamaged as error:
                raise CommandError(f"The backup just written does not verify: {error}") from None
            os.replace(partial, target)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {sum(counts.values())} records and {len(media)} media files to {target}"
            )
        )


def snapshot(database):
    """On PostgreSQL, read every table as of the transaction's first query (its default,
    read committed, would let a table read later see edits made meanwhile); SQLite's
    transactions already see one state. Only for a transaction of the backup's own (a caller's,
    such as a test's, has already chosen its level)."""
    connection = connections[database]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")


def write_records(path, database, counts):
    """Stream every record to `path` as JSON Lines; returns (bytes, SHA-256 hex digest)."""
    digest, size = hashlib.sha256(), 0
    with open(path, "wb") as file:
        for line in records_stream.write_lines(database, EXCLUDED, counts):
            data = line.encode("utf-8")
            digest.update(data)
            size += len(data)
            file.write(data)
    return size, digest.hexdigest()


def add_bytes(tar, name, content):
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(datetime.now(tz=UTC).timestamp())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(content))
