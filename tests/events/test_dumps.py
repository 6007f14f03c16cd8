"""
Dated dumps at /data/dumps/: each a Frictionless Data Package that the `frictionless` library
validates (field types, constraints, foreign keys between the CSVs), whose files read back
with real parsers and match their checksums and counts; the newest DATA_DUMPS_KEEP are kept.
"""

import csv
import datetime
import hashlib
import io
import json

import frictionless
import pytest
from django.urls import reverse

from events.opendata import dumps
from tests.factories import (
    EventFactory,
    EventOrganizationFactory,
    OrganizationFactory,
    PersonFactory,
    PresentationFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(shanghai):
    """The Shanghai record, a demo-sized second event with a nested organization, a role
    with no organization, and a draft that no dump may show."""
    event = EventFactory(title="-Formula-looking title")
    EventOrganizationFactory(
        event=event, organization=OrganizationFactory(parent=OrganizationFactory())
    )
    RoleFactory(event=event, organization=OrganizationFactory(parent=OrganizationFactory()))
    RoleFactory(event=event, organization=None)
    PresentationFactory(event=event, speakers=[PersonFactory()])
    draft = EventFactory(draft=True, title="Unreleased Quillwort Summit")
    RoleFactory(event=draft, person=PersonFactory(family_name="Quillwort"))
    return shanghai


def test_dump_is_a_valid_data_package(records):
    folder = dumps.make_dump()

    report = frictionless.validate(str(folder / "datapackage.json"))

    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["name"] for r in package["resources"]} == {
        "events",
        "people",
        "organizations",
        "roles",
        "popolo",
    }
    assert package["licenses"][0]["path"] == "https://creativecommons.org/licenses/by/4.0/"
    roles = next(r for r in package["resources"] if r["name"] == "roles")
    assert {fk["reference"]["resource"] for fk in roles["schema"]["foreignKeys"]} == {
        "events",
        "people",
        "organizations",
    }


def test_dump_files_read_back_and_match_their_checksums_and_counts(records):
    folder = dumps.make_dump()
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))

    for resource in package["resources"]:
        data = (folder / resource["path"]).read_bytes()
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        assert resource["bytes"] == len(data)
        if resource["format"] == "csv":
            rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
            assert len(rows) == resource["records"] > 0
            assert list(rows[0]) == [field["name"] for field in resource["schema"]["fields"]]
        else:
            popolo = json.loads(data)
            assert {name: len(items) for name, items in popolo.items()} == resource["records"]
    assert "Advancing SMART Cities" in (folder / "events.csv").read_text(encoding="utf-8-sig")


def test_dump_leaves_out_drafts(records):
    folder = dumps.make_dump()

    for path in folder.iterdir():
        assert "Quillwort" not in path.read_text(encoding="utf-8-sig"), path.name


def test_only_the_newest_dumps_are_kept(records, settings):
    settings.DATA_DUMPS_KEEP = 2
    start = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)

    for day in range(3):
        dumps.make_dump(now=start + datetime.timedelta(days=day))

    assert dumps.dump_names() == ["2026-11-03T000000Z", "2026-11-02T000000Z"]
    assert not [p for p in dumps.directory().iterdir() if p.name.startswith(".partial")]


def test_dump_list_names_every_dump_with_its_files(client, records):
    folder = dumps.make_dump()

    listing = client.get(reverse("data:dumps")).json()

    (dump,) = listing["dumps"]
    assert dump["name"] == folder.name
    assert dump["datapackage"].endswith(f"/data/dumps/{folder.name}/datapackage.json")
    assert {f["path"].rsplit("/", 1)[1] for f in dump["files"]} == {
        "events.csv",
        "people.csv",
        "organizations.csv",
        "roles.csv",
        "popolo.json",
    }


def test_dump_file_is_served_with_validators(client, records):
    folder = dumps.make_dump()
    url = reverse("data:dump_file", args=[folder.name, "roles.csv"])

    response = client.get(url)
    again = client.get(url, headers={"if-none-match": response["ETag"]})

    assert response.status_code == 200
    assert response.getvalue() == (folder / "roles.csv").read_bytes()
    assert int(response["Content-Length"]) == (folder / "roles.csv").stat().st_size
    assert again.status_code == 304


@pytest.mark.parametrize(
    "name, filename",
    [
        ("2026-11-01T000000Z", "roles.csv"),  # no such dump
        ("{folder}", "manifest.json"),  # not a file of a dump
        ("{folder}", "..%2F..%2Fsettings.py"),
        ("..", "datapackage.json"),
    ],
)
def test_dump_file_that_does_not_exist_is_404(client, records, name, filename):
    folder = dumps.make_dump()

    response = client.get(f"/data/dumps/{name.format(folder=folder.name)}/{filename}")

    assert response.status_code == 404


def test_data_page_explains_how_to_cite_a_dump(client, records):
    dumps.make_dump()

    page = client.get(reverse("events:data")).content.decode()

    assert "How to cite a dump" in page
    assert reverse("data:dumps") in page
