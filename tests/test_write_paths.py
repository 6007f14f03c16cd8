"""
Every write path retires what it changes (events/cache/receivers.py): after a change through
the admin form, an inline, a bulk action, a merge, `import_records`, `loaddata`,
`restore_records` or `generate_demo_data`, the public page, its structured data and the
exports show the change at once, though each was read (and cached) just before.
"""

import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from events.models import Event, Role
from people.models import Person
from tests.admin_forms import change_url, changeform_data, inline_index
from tests.conftest import SHANGHAI_SLUG
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

NEW_TITLE = "Advancing Smart Cities, as corrected"
NEW_POSITION = "Chief Economist, as corrected"


def h1(html):
    return re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)


def page_jsonld(html):
    (data,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(data)


class Reader:
    """An anonymous reader of the Shanghai record's page, structured data and exports."""

    def __init__(self, client):
        self.client = client

    def page(self):
        response = self.client.get(reverse("events:detail", kwargs={"slug": SHANGHAI_SLUG}))
        return response.status_code, response.content.decode()

    def jsonld(self):
        return self.client.get(reverse("data:event_jsonld", kwargs={"slug": SHANGHAI_SLUG}))

    def popolo(self):
        return json.loads(self.client.get(reverse("data:popolo")).getvalue())

    def csv(self, table):
        return self.client.get(reverse(f"data:{table}_csv")).getvalue().decode()

    def read_everything(self):
        """As a reader would before the change: every cache now holds the old record."""
        self.page()
        self.jsonld()
        self.popolo()
        self.csv("events")
        self.csv("roles")
        self.client.get(reverse("events:list"))


@pytest.fixture
def reader(client, shanghai):
    reader = Reader(client)
    reader.read_everything()
    return reader


@pytest.fixture
def editor_client(admin_client):
    return admin_client


def event_form(admin_client):
    event = Event.objects.get(slug=SHANGHAI_SLUG)
    return change_url(event), changeform_data(admin_client.get(change_url(event)))


def assert_title_shown_everywhere(reader, title):
    status, html = reader.page()
    assert status == 200
    assert title in h1(html)
    assert page_jsonld(html)["name"] == title
    assert reader.jsonld().json()["name"] == title
    assert title in [event["name"] for event in reader.popolo()["events"]]
    assert title in reader.csv("events")


def assert_position_shown_everywhere(reader, position):
    status, html = reader.page()
    assert status == 200
    assert position in html.split("<h1", 1)[1]
    assert position in json.dumps(page_jsonld(html), ensure_ascii=False)
    assert position in json.dumps(reader.jsonld().json(), ensure_ascii=False)
    assert position in json.dumps(reader.popolo()["memberships"], ensure_ascii=False)
    assert position in reader.csv("roles")


def test_admin_form_change_shows_at_once(reader, editor_client):
    url, data = event_form(editor_client)
    data["title_en"] = NEW_TITLE

    assert editor_client.post(url, data).status_code == 302
    assert_title_shown_everywhere(reader, NEW_TITLE)


def test_admin_inline_change_shows_at_once(reader, editor_client):
    url, data = event_form(editor_client)
    role = Role.objects.get(event__slug=SHANGHAI_SLUG, person__family_name="Harris")
    index = inline_index(data, "roles", role.pk)
    data[f"roles-{index}-position_title_en"] = NEW_POSITION

    assert editor_client.post(url, data).status_code == 302
    assert_position_shown_everywhere(reader, NEW_POSITION)


def test_bulk_unpublish_withdraws_at_once(reader, editor_client):
    event = Event.objects.get(slug=SHANGHAI_SLUG)
    response = editor_client.post(
        reverse("admin:events_event_changelist"),
        {"action": "unpublish", "_selected_action": [event.pk]},
    )

    assert response.status_code == 302
    # Gone, not missing: it was public (events/site/gone.py).
    assert reader.page()[0] == 410
    assert reader.jsonld().status_code == 410
    assert reader.popolo()["events"] == []
    assert SHANGHAI_SLUG not in reader.csv("events")


def test_merge_shows_the_kept_person_at_once(reader, editor_client):
    duplicate = Person.objects.get(family_name="Harris")
    kept = PersonFactory(given_name="Elliot", family_name="Harris-Kept")
    changelist = reverse("admin:people_person_changelist")
    selected = [kept.pk, duplicate.pk]

    response = editor_client.post(
        changelist,
        {
            "action": "merge_duplicates",
            "_selected_action": selected,
            "kept": kept.pk,
            "confirm": "yes",
        },
    )

    assert response.status_code == 302
    status, html = reader.page()
    assert "Harris-Kept" in html.split("<h1", 1)[1]
    assert "Harris-Kept" in json.dumps(page_jsonld(html))
    assert "Harris-Kept" in json.dumps(reader.jsonld().json())
    assert "Harris-Kept" in json.dumps(reader.popolo()["persons"])


def fixture_with_new_title(tmp_path):
    from tests.events.test_import_records import fixture_records

    records = fixture_records()
    for record in records:
        if record["model"] == "events.event":
            record["fields"]["title_en"] = NEW_TITLE
            record["fields"].pop("title", None)
    path = tmp_path / "records.json"
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return path


def test_import_records_shows_at_once(reader, tmp_path):
    call_command("import_records", str(fixture_with_new_title(tmp_path)), verbosity=0)

    assert_title_shown_everywhere(reader, NEW_TITLE)


def test_loaddata_shows_at_once(reader, tmp_path):
    call_command("loaddata", str(fixture_with_new_title(tmp_path)), verbosity=0)

    assert_title_shown_everywhere(reader, NEW_TITLE)


def test_restore_records_shows_at_once(reader, settings, tmp_path):
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("backup_records", verbosity=0, stdout=None)
    (archive,) = (tmp_path / "backups").glob("records-*.tar.gz")
    event = Event.objects.get(slug=SHANGHAI_SLUG)
    original = event.title
    event.title = NEW_TITLE
    event.save()
    reader.read_everything()
    assert_title_shown_everywhere(reader, NEW_TITLE)

    call_command("restore_records", str(archive), "--force", verbosity=0)

    assert_title_shown_everywhere(reader, original)


def test_generate_demo_data_shows_at_once(reader):
    call_command("generate_demo_data", events=3, seed=2, verbosity=0)

    demo = Event.objects.published().exclude(slug=SHANGHAI_SLUG)
    listed = reader.client.get(reverse("events:list")).content.decode()
    exported = {event["name"] for event in reader.popolo()["events"]}
    assert demo.exists()
    for event in demo:
        assert event.get_absolute_url() in listed
        assert event.title in exported
