"""
Bring back a backup written by backup_records into an empty database (and media folder):
records through loaddata in one transaction, then the uploaded files. The records of a
backup are JSON Lines (`data.jsonl`), which loaddata reads a line at a time; backups from
before that hold one JSON list (`data.json`), read whole.
"""

import json
import shutil
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.migrations.loader import MigrationLoader

from events.management.commands.backup_records import DATA, EXCLUDED

OLD_DATA = "data.json"


def restored_models():
    """The models a backup contains: everything but EXCLUDED."""
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        if meta.app_label in EXCLUDED or meta.label_lower in EXCLUDED:
            continue
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
        parser.add_argument("--database", default="default")

    def handle(self, *args, file, force, database, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file.")
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
        with tempfile.TemporaryDirectory() as scratch:
            scratch = Path(scratch)
            self.unpack(file, scratch)
            manifest = json.loads((scratch / "manifest.json").read_text(encoding="utf-8"))
            self.check_migrations(manifest)
            data = scratch / DATA if (scratch / DATA).exists() else scratch / OLD_DATA
            records = manifest.get("records")
            if records is None:  # an older backup: count its list
                records = len(json.loads(data.read_text(encoding="utf-8")))
            if records:
                with transaction.atomic(using=database):
                    call_command("loaddata", str(data), database=database, verbosity=0)
            restored_media = 0
            if (scratch / "media").is_dir():
                for path in sorted((scratch / "media").rglob("*")):
                    if path.is_file():
                        target = media / path.relative_to(scratch / "media")
                        target.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copyfile(path, target)
                        restored_media += 1
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {records} records and {restored_media} media files from {file}."
            )
        )

    def unpack(self, file, scratch):
        try:
            with tarfile.open(file, mode="r:gz") as tar:
                names = set(tar.getnames())
                if "manifest.json" not in names or not names & {DATA, OLD_DATA}:
                    raise CommandError(
                        f"{file}: not a backup from backup_records (manifest.json or "
                        f"{DATA} is missing)."
                    )
                # The "data" filter refuses absolute paths, "..", links out of the folder and
                # device files, so a tampered archive cannot write outside the scratch folder.
                tar.extractall(scratch, filter="data")
        except (tarfile.TarError, EOFError, OSError) as error:
            raise CommandError(f"{file}: not a readable .tar.gz backup ({error}).") from error

    def check_migrations(self, manifest):
        known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
        unknown = [
            f"{app}.{name}"
            for app, name in manifest.get("migrations", {}).items()
            if (app, name) not in known
        ]
        if unknown:
            raise CommandError(
                "The backup was made by a newer version of the code (unknown migrations: "
                + ", ".join(sorted(unknown))
                + "). Restore it with the code it was made with."
            )
