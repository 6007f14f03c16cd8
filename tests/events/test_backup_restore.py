import tarfile

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError

from events.management.commands.backup_records import EXCLUDED, dump_records
from events.management.commands.restore_records import occupied_models, restored_models
from events.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def storage(settings, tmp_path):
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


@pytest.fixture
def full_site(shanghai, storage):
    editors = Group.objects.get(name="Editors")  # made by the groups data migration
    editors.permissions.add(Permission.objects.get(codename="change_event"))
    user = User.objects.create_user("editor", password="a long passphrase 42", is_staff=True)
    user.groups.add(editors)
    portrait = storage / "media" / "portraits" / "zhen-wang.jpg"
    portrait.parent.mkdir(parents=True)
    portrait.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    return shanghai


def wipe_database_and_media(storage):
    """Empty every table a backup holds, as in a freshly migrated database."""
    models = list(restored_models())
    for _attempt in range(len(models)):
        for model in models:
            for row in model._base_manager.all():
                try:
                    with transaction.atomic():
                        row.delete()
                except (ProtectedError, RestrictedError, IntegrityError):
                    continue  # still referred to; a later pass deletes the referrer first
    assert occupied_models("default") == []
    for path in sorted((storage / "media").rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()


def backup_file(storage):
    call_command("backup_records", verbosity=0, stdout=None)
    (archive,) = (storage / "backups").glob("records-*.tar.gz")
    return archive


def test_backup_restore_round_trip_is_exact(full_site, storage):
    before = dump_records()
    archive = backup_file(storage)
    wipe_database_and_media(storage)
    assert Event.objects.count() == 0

    call_command("restore_records", str(archive), verbosity=0)

    assert dump_records() == before
    portrait = storage / "media" / "portraits" / "zhen-wang.jpg"
    assert portrait.read_bytes() == b"\xff\xd8\xff\xe0 not really a jpeg"
    assert User.objects.get(username="editor").check_password("a long passphrase 42")
    assert list(User.objects.get(username="editor").groups.values_list("name", flat=True)) == [
        "Editors"
    ]


def test_backup_holds_records_media_and_manifest_and_is_private(full_site, storage):
    archive = backup_file(storage)

    with tarfile.open(archive) as tar:
        names = tar.getnames()

    assert {"manifest.json", "data.jsonl", "media/portraits/zhen-wang.jpg"} <= set(names)
    assert archive.stat().st_mode & 0o077 == 0
    assert archive.name.startswith("records-2")


def test_restore_refuses_non_empty_database_with_clear_message(full_site, storage):
    archive = backup_file(storage)

    with pytest.raises(CommandError, match="The database is not empty: it already holds"):
        call_command("restore_records", str(archive), verbosity=0)


def test_restore_with_force_loads_over_existing_records(full_site, storage):
    archive = backup_file(storage)
    before = dump_records()
    Event.objects.update(title_en="Changed after the backup")

    call_command("restore_records", str(archive), "--force", verbosity=0)

    assert dump_records() == before


def test_restore_rejects_file_that_is_not_a_backup(storage, tmp_path, db):
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(b"not a tar file")

    with pytest.raises(CommandError, match="not a readable .tar.gz backup"):
        call_command("restore_records", str(bogus), verbosity=0)


def test_restore_refuses_archive_that_escapes_the_media_folder(storage, tmp_path, db):
    import io

    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as tar:
        for name, content in [
            ("manifest.json", b"{}"),
            ("data.json", b"[]"),
            ("../outside.txt", b"x"),
        ]:
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))

    with pytest.raises(CommandError, match="not a readable"):
        call_command("restore_records", str(evil), verbosity=0)

    assert not (tmp_path / "outside.txt").exists()


def test_restore_refuses_backup_from_newer_code(storage, tmp_path, db):
    import io
    import json

    newer = tmp_path / "newer.tar.gz"
    manifest = json.dumps({"migrations": {"events": "9999_from_the_future"}}).encode()
    with tarfile.open(newer, "w:gz") as tar:
        for name, content in [("manifest.json", manifest), ("data.json", b"[]")]:
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))

    with pytest.raises(CommandError, match="newer version of the code.*9999_from_the_future"):
        call_command("restore_records", str(newer), verbosity=0)


def test_backup_from_before_json_lines_still_restores(full_site, storage, tmp_path):
    import io
    import json

    # The old format: one JSON list, every foreign key by natural key, as dumpdata writes it.
    records = io.StringIO()
    call_command("dumpdata", exclude=EXCLUDED, natural_foreign=True, indent=1, stdout=records)
    before = dump_records()
    old = tmp_path / "records-old.tar.gz"
    with tarfile.open(old, "w:gz") as tar:
        for name, content in [
            ("manifest.json", json.dumps({"migrations": {}}).encode()),
            ("data.json", records.getvalue().encode()),
        ]:
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    wipe_database_and_media(storage)

    call_command("restore_records", str(old), verbosity=0)

    assert dump_records() == before


def test_backup_holds_every_row_dumpdata_would(full_site, storage):
    import io
    import json

    records = io.StringIO()
    call_command("dumpdata", exclude=EXCLUDED, format="jsonl", stdout=records)
    expected = {
        (row["model"], row["pk"]) for row in map(json.loads, records.getvalue().split("\n")[:-1])
    }

    written = {(row["model"], row["pk"]) for row in map(json.loads, dump_records().splitlines())}

    assert written == expected


@pytest.mark.parametrize("events", [1, 8])
def test_backup_queries_do_not_grow_with_records(full_site, storage, events):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import PersonFactory, PresentationFactory, RoleFactory

    for _ in range(events):
        PresentationFactory(event=RoleFactory().event, speakers=[PersonFactory()])

    with CaptureQueriesContext(connection) as queries:
        dump_records()

    # One query per model and one per many-to-many relation: no query per row.
    assert len(queries) == 29
