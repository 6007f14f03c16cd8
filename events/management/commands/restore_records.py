"""
Bring back a backup written by backup_records into an empty database (and media folder):
the records in one transaction, streamed from records.jsonl in batches
(`events.management.records_stream`; a format-2 backup's data.json through loaddata), then
the uploaded files. Every page, fragment and built download is retired and rebuilt after.

Nothing is written until the whole archive has been read to its end (the gzip trailer's
checksum and length included) and every file in it matches the SHA-256 and size in its
manifest; a damaged, cut or altered archive is refused with one line saying what is wrong.
"""

import gzip
import hashlib
import json
import shutil
import tarfile
import tempfile
import zlib
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.migrations.loader import MigrationLoader

from events.cache.receivers import records_changed_in_bulk
from events.management import records_stream
from events.management.commands.backup_records import EXCLUDED, MANIFEST_FORMAT, RECORDS


class BackupDamaged(CommandError):
    """The archive is not a whole, unaltered backup; nothing has been written."""


def restored_models():
    """The models a backup contains: everything but EXCLUDED (link tables of many-to-many
    fields aside: they empty and fill with their models)."""
    for model in records_stream.backed_up_models(EXCLUDED):
        if not model._meta.auto_created:
            yield model


# Rows that `migrate` itself creates (the Editors and Publishers groups), so a freshly
# migrated database still counts as empty; the backup's copies overwrite them by key.
MADE_BY_MIGRATIONS = {"auth.group", "auth.group_permissions"}


def occupied_models(database):
    return [
        f"{model._meta.label_lower} ({count})"
        for model in restored_models()
        if model._meta.label_lower not in MADE_BY_MIGRATIONS
        and (count := model._default_manager.using(database).count())
    ]


def read_to_end(file):
    """Decompress the whole file, so that a cut archive or a changed byte (the gzip CRC-32
    and length at its end) is found before the tar reader, which stops at its own end
    marker and never looks at the trailer."""
    try:
        with gzip.open(file, "rb") as stream:
            while stream.read(1 << 20):
                pass
    except EOFError:
        raise BackupDamaged("the archive is cut short (it ends before its gzip end)") from None
    except gzip.BadGzipFile as error:
        if str(error).startswith("Not a gzipped file"):
            raise BackupDamaged("not a readable .tar.gz backup (not gzip data)") from None
        raise BackupDamaged(f"the archive is damaged ({one_line(error)})") from None
    except (zlib.error, OSError) as error:
        raise BackupDamaged(f"the archive is damaged ({one_line(error)})") from None


def read_manifest(scratch):
    try:
        manifest = json.loads((scratch / "manifest.json").read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise BackupDamaged(f"manifest.json is not valid JSON ({one_line(error)})") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise BackupDamaged(
            "manifest.json lists no file checksums (a backup from before checksums, or not "
            "a backup from backup_records), so it cannot be verified"
        )
    if not isinstance(manifest.get("format"), int) or manifest["format"] > MANIFEST_FORMAT:
        raise BackupDamaged(
            f"manifest format {manifest.get('format')!r} is newer than this code reads "
            f"({MANIFEST_FORMAT}); restore it with the code it was made with"
        )
    return manifest


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify(file, scratch):
    """
    Unpack file into scratch and check it whole: read to its end, a manifest first, every
    file the manifest lists present with its size and SHA-256, and nothing it does not list.
    Returns the manifest; raises BackupDamaged naming the first thing wrong.
    """
    read_to_end(file)
    try:
        with tarfile.open(file, mode="r:gz") as tar:
            members = tar.getmembers()
            if not members or members[0].name != "manifest.json":
                raise BackupDamaged(
                    "not a backup from backup_records (its first file is not manifest.json)"
                )
            names = [member.name for member in members if member.isfile()]
            if len(names) != len(set(names)):
                raise BackupDamaged("the archive holds the same file twice")
            # The "data" filter refuses absolute paths, "..", links out of the folder and
            # device files, so a tampered archive cannot write outside the scratch folder.
            tar.extractall(scratch, filter="data")
    except BackupDamaged:
        raise
    except (tarfile.TarError, EOFError, OSError, UnicodeError) as error:
        raise BackupDamaged(f"not a readable .tar.gz backup ({one_line(error)})") from None
    manifest = read_manifest(scratch)
    listed = manifest["files"]
    present = set(names) - {"manifest.json"}
    missing = sorted(set(listed) - present)
    if missing:
        raise BackupDamaged(f"{missing[0]} is listed in the manifest but missing from the archive")
    unlisted = sorted(present - set(listed))
    if unlisted:
        raise BackupDamaged(f"{unlisted[0]} is in the archive but not in the manifest")
    if RECORDS not in listed and "data.json" not in listed:
        raise BackupDamaged(f"the archive holds no {RECORDS}")
    for name in sorted(listed):
        expected = listed[name]
        path = scratch / name
        if not isinstance(expected, dict) or path.stat().st_size != expected.get("size"):
            raise BackupDamaged(f"{name} does not have the size the manifest gives")
        if sha256(path) != expected.get("sha256"):
            raise BackupDamaged(f"{name} does not match its SHA-256 in the manifest")
    return manifest


def one_line(error):
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 200 else text[:197] + "..."


class Command(BaseCommand):
    help = "Restore a backup made by backup_records into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="A records-….tar.gz written by `make backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even though the database or media folder is not empty (rows with the "
            "same primary keys are overwritten; others stay).",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only verify the archive (read to its end, every checksum); write nothing.",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, file, force, check, database, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file.")
        with tempfile.TemporaryDirectory() as scratch:
            scratch = Path(scratch)
            try:
                manifest = verify(file, scratch)
            except BackupDamaged as error:
                raise CommandError(f"{file}: refused, nothing restored: {error}.") from None
            verified = len(manifest["files"])
            if check:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"{file}: whole; 1 file matches its SHA-256."
                        if verified == 1
                        else f"{file}: whole; {verified} files match their SHA-256."
                    )
                )
                return
            self.check_migrations(manifest)
            self.check_empty(database, force)
            try:
                with transaction.atomic(using=database):
                    records = self.load(scratch, database, force)
                    records_changed_in_bulk()
            except CommandError:
                raise
            except Exception as error:
                raise CommandError(
                    f"{file}: the records could not be loaded, nothing restored: {one_line(error)}"
                ) from None
            restored_media = 0
            media = Path(settings.MEDIA_ROOT)
            if (scratch / "media").is_dir():
                for path in sorted((scratch / "media").rglob("*")):
                    if path.is_file():
                        target = media / path.relative_to(scratch / "media")
                        target.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copyfile(path, target)
                        restored_media += 1
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {records} records and {restored_media} media files from {file} "
                f"({verified} files verified by SHA-256)."
            )
        )

    def load(self, scratch, database, force):
        """Load the records; returns how many."""
        if not (scratch / RECORDS).exists():
            records = json.loads((scratch / "data.json").read_text(encoding="utf-8"))
            if records:
                call_command("loaddata", str(scratch / "data.json"), database=database, verbosity=0)
            return len(records)
        if not force:
            # The copies `migrate` made are replaced by the backup's own, so that what the
            # site had (a group renamed or removed) is what comes back.
            for label in sorted(MADE_BY_MIGRATIONS, reverse=True):
                apps.get_model(label)._base_manager.using(database).all().delete()
        with open(scratch / RECORDS, encoding="utf-8") as lines:
            counts = records_stream.read_lines(lines, database, EXCLUDED, overwrite=force)
        records_stream.reset_sequences(database, counts)
        return sum(counts.values())

    def check_empty(self, database, force):
        occupied = occupied_models(database)
        media = Path(settings.MEDIA_ROOT)
        media_files = media.is_dir() and any(p.is_file() for p in media.rglob("*"))
        if (occupied or media_files) and not force:
            where = ", ".join(occupied) if occupied else f"media folder {media}"
            raise CommandError(
                f"The database is not empty: it already holds {where}. Restore into an empty "
                "database (run `manage.py migrate` on a new one), or pass --force to load over "
                "what is there."
            )

    def check_migrations(self, manifest):
        known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
        migrations = manifest.get("migrations", {})
        if not isinstance(migrations, dict):
            raise BackupDamaged("manifest.json has no readable list of migrations")
        unknown = [f"{app}.{name}" for app, name in migrations.items() if (app, name) not in known]
        if unknown:
            raise CommandError(
                "The backup was made by a newer version of the code (unknown migrations: "
                + ", ".join(sorted(unknown))
                + "). Restore it with the code it was made with."
            )
