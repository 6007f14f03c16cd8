import gzip
import hashlib
import io
import json
import random
import subprocess
import sys
import tarfile

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError

from events.management.commands.backup_records import applied_migrations, dump_records
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


def format_2_backup(storage):
    """A backup as the code before JSON Lines wrote it (manifest format 2): the records as one
    dumpdata list with natural foreign keys in data.json, beside the media files."""
    output = io.StringIO()
    excluded = ["contenttypes", "auth.permission", "sessions", "axes"]
    call_command("dumpdata", exclude=excluded, natural_foreign=True, indent=1, stdout=output)
    data = output.getvalue().encode("utf-8")
    portrait = storage / "media" / "portraits" / "zhen-wang.jpg"
    files = {
        "data.json": {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)},
        "media/portraits/zhen-wang.jpg": {
            "sha256": hashlib.sha256(portrait.read_bytes()).hexdigest(),
            "size": portrait.stat().st_size,
        },
    }
    manifest = {
        "format": 2,
        "created": "2026-11-20T10:00:00+00:00",
        "migrations": applied_migrations(),
        "excluded": excluded,
        "files": files,
    }
    archive = storage / "records-20261120T100000000000Z.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for name, content in (
            ("manifest.json", json.dumps(manifest).encode()),
            ("data.json", data),
            ("media/portraits/zhen-wang.jpg", portrait.read_bytes()),
        ):
            member = tarfile.TarInfo(name)
            member.size = len(content)
            tar.addfile(member, io.BytesIO(content))
    return archive


def test_a_format_2_backup_from_before_json_lines_still_restores(full_site, storage):
    before = dump_records()
    archive = format_2_backup(storage)
    wipe_database_and_media(storage)

    out = io.StringIO()
    call_command("restore_records", str(archive), stdout=out)

    assert dump_records() == before
    assert "2 files verified by SHA-256" in out.getvalue()
    assert Event.objects.get().title == full_site.title
    assert User.objects.get(username="editor").check_password("a long passphrase 42")
    portrait = storage / "media" / "portraits" / "zhen-wang.jpg"
    assert portrait.read_bytes() == b"\xff\xd8\xff\xe0 not really a jpeg"


def test_backup_holds_records_media_and_manifest_and_is_private(full_site, storage):
    archive = backup_file(storage)

    with tarfile.open(archive) as tar:
        names = tar.getnames()

    assert {"manifest.json", "records.jsonl", "media/portraits/zhen-wang.jpg"} <= set(names)
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


def write_archive(path, members, manifest=None):
    """A .tar.gz shaped like backup_records' output: the manifest first, listing (unless
    given) the SHA-256 and size of every other member."""
    if manifest is None:
        manifest = {
            "format": 2,
            "migrations": {},
            "files": {
                name: {"sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}
                for name, content in members
            },
        }
    with tarfile.open(path, "w:gz") as tar:
        for name, content in [("manifest.json", json.dumps(manifest).encode()), *members]:
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return path


def test_restore_refuses_archive_that_escapes_the_media_folder(storage, tmp_path, db):
    evil = write_archive(tmp_path / "evil.tar.gz", [("data.json", b"[]"), ("../outside.txt", b"x")])

    with pytest.raises(CommandError, match="not a readable"):
        call_command("restore_records", str(evil), verbosity=0)

    assert not (tmp_path / "outside.txt").exists()


def test_restore_refuses_backup_from_newer_code(storage, tmp_path, db):
    newer = tmp_path / "newer.tar.gz"
    write_archive(newer, [("data.json", b"[]")])
    manifest = {
        "format": 2,
        "migrations": {"events": "9999_from_the_future"},
        "files": {"data.json": {"sha256": hashlib.sha256(b"[]").hexdigest(), "size": 2}},
    }
    write_archive(newer, [("data.json", b"[]")], manifest=manifest)

    with pytest.raises(CommandError, match="newer version of the code.*9999_from_the_future"):
        call_command("restore_records", str(newer), verbosity=0)


# --- Verification: a damaged, cut or altered backup is refused before anything is written.


def test_backup_manifest_lists_sha256_of_every_file(full_site, storage):
    archive = backup_file(storage)

    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        data = tar.extractfile("records.jsonl").read()
        portrait = tar.extractfile("media/portraits/zhen-wang.jpg").read()
        first = tar.getnames()[0]

    assert first == "manifest.json"
    assert manifest["files"] == {
        "records.jsonl": {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)},
        "media/portraits/zhen-wang.jpg": {
            "sha256": hashlib.sha256(portrait).hexdigest(),
            "size": len(portrait),
        },
    }


def test_restore_check_verifies_without_writing(full_site, storage):
    archive = backup_file(storage)
    out = io.StringIO()

    call_command("restore_records", str(archive), "--check", stdout=out)

    assert "whole; 2 files match their SHA-256" in out.getvalue()


def refusal(archive):
    """The one line restore_records answers with, or None when it restored."""
    try:
        call_command("restore_records", str(archive), "--force", verbosity=0, stdout=io.StringIO())
    except CommandError as error:
        return str(error)
    return None


def test_restore_refuses_archive_cut_by_its_last_bytes(full_site, storage):
    archive = backup_file(storage)
    Event.objects.update(title_en="Changed after the backup")
    archive.write_bytes(archive.read_bytes()[:-8])

    message = refusal(archive)

    assert message == f"{archive}: refused, nothing restored: the archive is cut short " + (
        "(it ends before its gzip end)."
    )
    assert Event.objects.get().title_en == "Changed after the backup"


def test_restore_refuses_file_changed_after_the_backup_was_made(full_site, storage, tmp_path):
    archive = backup_file(storage)
    with tarfile.open(archive) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}
    altered = members["records.jsonl"].replace(b"Zhen", b"Zhan", 1)
    manifest = json.loads(members["manifest.json"])
    rebuilt = write_archive(
        tmp_path / "altered.tar.gz",
        [
            ("records.jsonl", altered),
            ("media/portraits/zhen-wang.jpg", members["media/portraits/zhen-wang.jpg"]),
        ],
        manifest=manifest,
    )

    assert "records.jsonl does not match its SHA-256 in the manifest" in refusal(rebuilt)


def test_restore_refuses_backup_without_checksums(storage, tmp_path, db):
    old = write_archive(
        tmp_path / "old.tar.gz", [("data.json", b"[]")], manifest={"migrations": {}}
    )

    assert "lists no file checksums" in refusal(old)


def test_restore_refuses_file_missing_from_the_archive(storage, tmp_path, db):
    manifest = {
        "format": 2,
        "files": {
            "data.json": {"sha256": hashlib.sha256(b"[]").hexdigest(), "size": 2},
            "media/logo.png": {"sha256": "0" * 64, "size": 1},
        },
    }
    archive = write_archive(tmp_path / "short.tar.gz", [("data.json", b"[]")], manifest=manifest)

    assert "media/logo.png is listed in the manifest but missing" in refusal(archive)


def test_sampled_bit_flips_never_restore_silently(full_site, storage):
    """The operator's experiment (316 single-bit changes of a backup) as a sample: every
    flip is refused with one line, or restores exactly the backed-up records."""
    archive = backup_file(storage)
    original = archive.read_bytes()
    with gzip.open(archive) as stream:
        content = stream.read()
    before = dump_records()
    rng = random.Random(17)
    # The gzip header and trailer, where a reader might skip a check, and the body.
    positions = [*range(0, 10), *range(len(original) - 8, len(original))]
    positions += rng.sample(range(10, len(original) - 8), 44)
    outcomes = {"refused": 0, "restored whole": 0}
    for position in positions:
        flipped = bytearray(original)
        flipped[position] ^= 1 << rng.randrange(8)
        archive.write_bytes(flipped)

        message = refusal(archive)

        if message is None:
            # Only flips that change no content (the header's time or OS byte) may pass.
            with gzip.open(archive) as stream:
                assert stream.read() == content, f"byte {position}: restored a changed backup"
            assert dump_records() == before
            outcomes["restored whole"] += 1
        else:
            assert message.startswith(f"{archive}: refused, nothing restored: ")
            assert "\n" not in message
            outcomes["refused"] += 1
    assert outcomes["refused"] >= 40
    assert Event.objects.get().title_en == full_site.title_en


def test_restore_command_line_prints_one_line_not_a_traceback(full_site, storage):
    archive = backup_file(storage)
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0x10
    archive.write_bytes(data)

    result = subprocess.run(
        [sys.executable, "manage.py", "restore_records", str(archive), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"CommandError: {archive}: refused, nothing restored: ")
