import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from events.models import Event, Role
from people.models import Person

pytestmark = pytest.mark.django_db

FIXTURE = Path(settings.BASE_DIR) / "events" / "fixtures" / "shanghai_webinar.json"


def fixture_records():
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def write_records(tmp_path, records, name="records.json"):
    path = tmp_path / name
    path.write_text(json.dumps(records, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def run_import(path, *args):
    out, err = [], []

    class Sink:
        def __init__(self, lines):
            self.lines = lines

        def write(self, text):
            self.lines.append(text)

        def flush(self):
            pass

    try:
        call_command("import_records", str(path), *args, stdout=Sink(out), stderr=Sink(err))
    except CommandError as error:
        return error, "".join(out), "".join(err)
    return None, "".join(out), "".join(err)


def test_import_shanghai_fixture_loads_every_record():
    error, out, _err = run_import(FIXTURE)

    assert error is None
    assert "42 records checked: 42 new" in out
    assert Event.objects.get(slug="advancing-smart-cities-2021-09-09").roles.count() == 5


def test_import_shanghai_fixture_twice_changes_nothing():
    run_import(FIXTURE)
    before = (Person.objects.count(), Role.objects.count(), list(Person.objects.values()))

    error, out, _err = run_import(FIXTURE)

    assert error is None
    assert "0 new, 42 to update" in out
    assert (Person.objects.count(), Role.objects.count(), list(Person.objects.values())) == before


def test_import_one_bad_record_among_good_ones_imports_nothing_and_names_it(tmp_path):
    records = fixture_records()
    role = next(r for r in records if r["model"] == "events.role")
    role["fields"]["quote"] = "A sentence that the source never says."
    path = write_records(tmp_path, records)

    error, _out, err = run_import(path)

    assert error is not None
    assert "nothing was imported" in str(error)
    assert "events.role “advancing-smart-cities-2021-09-09/adriana-alberti/chair”" in err
    assert "field “quote”" in err
    assert "does not appear in the text of the source" in err
    assert Event.objects.count() == 0
    assert Person.objects.count() == 0


def test_import_problem_gives_the_line_of_the_record(tmp_path):
    records = fixture_records()
    person = next(r for r in records if r["model"] == "people.person")
    person["fields"]["slug"] = "Not a slug!"
    path = write_records(tmp_path, records)
    line = next(
        number
        for number, text in enumerate(path.read_text().splitlines(), start=1)
        if "Not a slug!" in text
    )

    error, _out, err = run_import(path)

    assert error is not None
    reported = int(err.split("line ")[1].split(":")[0])
    assert reported < line < reported + 20
    assert "field “slug”" in err


def test_import_reports_constraint_violation(tmp_path):
    records = fixture_records()
    event = next(r for r in records if r["model"] == "events.event")
    event["fields"]["end_date"] = "2021-09-01"
    path = write_records(tmp_path, records)

    error, _out, err = run_import(path)

    assert error is not None
    assert "events.event “advancing-smart-cities-2021-09-09”" in err
    assert "end date cannot be before the start date" in err
    assert Event.objects.count() == 0


def test_import_dry_run_reports_and_writes_nothing():
    error, out, _err = run_import(FIXTURE, "--dry-run")

    assert error is None
    assert "Dry run, nothing written" in out
    assert Event.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (FIXTURE.read_text()[:500], "not valid JSON at line"),
        ("this is not JSON", "not a record file"),
        ('{"model": "events.event"}', "not a record file"),
        ("", "not a record file"),
        ('[{"model": "events.event", "fields": {}}] trailing', "Extra data"),
    ],
)
def test_import_malformed_file_gets_clear_message_not_traceback(tmp_path, content, message):
    path = tmp_path / "broken.json"
    path.write_text(content, encoding="utf-8")

    error, _out, _err = run_import(path)

    assert isinstance(error, CommandError)
    assert message in str(error)


def test_import_not_utf8_file_gets_clear_message(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes(b'[{"model": "people.person", "fields": {"given_name": "Jos\xe9"}}]')

    error, _out, _err = run_import(path)

    assert "not UTF-8 text" in str(error)


def test_import_unknown_model_and_shapeless_records_are_named(tmp_path):
    path = write_records(tmp_path, [{"model": "events.nothing", "fields": {}}, 42])

    error, _out, err = run_import(path)

    assert error is not None
    assert "unknown model “events.nothing”" in err
    assert "(not an object)" in err


def test_import_missing_file_gets_clear_message(tmp_path):
    error, _out, _err = run_import(tmp_path / "absent.json")

    assert "no such file" in str(error)


def test_import_command_exits_non_zero_on_bad_file(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "broken.json"
    path.write_text("[{", encoding="utf-8")

    result = subprocess.run(
        [sys.executable, "manage.py", "import_records", str(path)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "not valid JSON" in result.stderr
    assert "Traceback" not in result.stderr


def test_import_shows_progress_line_only_on_a_terminal():
    class Terminal:
        def __init__(self):
            self.text = ""

        def write(self, text):
            self.text += text

        def flush(self):
            pass

        def isatty(self):
            return True

    terminal = Terminal()

    call_command("import_records", str(FIXTURE), "--dry-run", stdout=terminal)
    _error, piped, _err = run_import(FIXTURE, "--dry-run")

    assert "\rChecking records: 42/42" in terminal.text
    assert "Checking records" not in piped


def test_import_wrongly_shaped_values_are_reported_not_raised(tmp_path):
    path = write_records(
        tmp_path,
        [
            {"model": "people.person", "fields": {"slug": "a-b", "nickname": "x"}},
            {"model": "events.event", "fields": {"slug": "t", "start_date": "not a date"}},
            {"model": "people.organization", "fields": {"slug": "x", "parent": {"a": 1}}},
            {"model": "people.person", "pk": "abc", "fields": {"slug": "a-d"}},
        ],
    )

    error, _out, err = run_import(path)

    assert "4 problem(s)" in str(error)
    assert "has no field named 'nickname'" in err
    assert "events.event “t” field “start_date”: “not a date” value has an invalid date" in err
    assert "field “parent”: refers to a record that does not exist" in err
    assert "“abc” value must be an integer" in err


def test_import_fills_missing_timestamps_with_now(tmp_path):
    fields = {"given_name": "Ada", "family_name": "L", "slug": "ada"}
    path = write_records(tmp_path, [{"model": "people.person", "fields": fields}])

    error, _out, err = run_import(path)

    assert error is None, err
    assert Person.objects.get(slug="ada").created_at is not None


def test_a_dump_whose_history_rows_have_no_user_or_reason_imports(tmp_path):
    """A change made by a script is in the history with no user and no reason; a dump of
    the site holds such rows, and they are as true as the others."""
    import io

    from events.models import Source

    run_import(FIXTURE)
    source = Source.objects.get()
    source.title = source.title + " (revised)"
    source.save()
    dumped = io.StringIO()
    call_command(
        "dumpdata",
        "events.historicalsource",
        natural_foreign=True,
        natural_primary=True,
        stdout=dumped,
    )
    rows = json.loads(dumped.getvalue())
    assert rows and all(row["fields"]["history_user"] is None for row in rows)
    Source.history.all().delete()
    path = write_records(tmp_path, rows)

    error, out, err = run_import(path)

    assert error is None, err
    assert f"{len(rows)} new" in out
    assert Source.history.filter(history_user=None, title=source.title).exists()
