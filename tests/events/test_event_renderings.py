"""
Event pages kept in the database (events/cache/renderings.py): with every cache off, a
published event's page is rendered once per language and day and then read with the
event's row in one query; every write that changes what it shows empties it in the write's
transaction, a bulk write makes every one stale, and a render from rows changed meanwhile
is never kept.

The page cache and the fragments are off here, so that only stored renderings can serve
stale text. Storing happens outside a transaction only (as every page request runs), so
these tests commit (transaction=True).
"""

import json

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from events.cache import receivers
from events.models import CacheGeneration, Event, EventRendering, Role
from people.models import Person
from tests.admin_forms import change_url, changeform_data, inline_index
from tests.conftest import SHANGHAI_SLUG
from tests.events.test_event_fragments import (  # noqa: F401 (record: a fixture)
    CHANGES,
    page_after_a_change_committed_while_it_rendered,
    record,
)
from tests.factories import EventFactory, PersonFactory, PresentationFactory, RoleFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("caches_off")]


@pytest.fixture
def caches_off():
    CacheGeneration.current()  # as on a site that has served a page
    with override_settings(PAGE_CACHE_SECONDS=0, PUBLIC_DATA_CACHE_SECONDS=0):
        yield


NEW_WORD = "Zanzibarian"


def kept(event, language="en"):
    return EventRendering.objects.filter(event=event, language=language).first()


def test_a_cold_event_page_is_read_in_one_query_once_rendered(client, django_assert_num_queries):
    talk = PresentationFactory(speakers=[PersonFactory()])
    RoleFactory(event=talk.event, kind="chair")
    url = talk.event.get_absolute_url()
    first = client.get(url).content

    with django_assert_num_queries(1):
        second = client.get(url).content

    assert second == first
    rendering = kept(talk.event)
    assert rendering.day == timezone.localdate()
    assert rendering.body in first.decode()


def test_each_language_is_kept_apart(client):
    event = EventFactory(title_en="English title", title_zh_hans="中文标题")
    with translation.override("zh-hans"):
        chinese_url = event.get_absolute_url()
    english = client.get(event.get_absolute_url()).content.decode()
    chinese = client.get(chinese_url).content.decode()

    assert "English title</h1>" in english
    assert "中文标题</h1>" in chinese
    assert "中文标题" in kept(event, "zh-hans").body
    assert client.get(chinese_url).content.decode() == chinese


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_to_any_record_the_page_shows_empties_it(client, record, change):  # noqa: F811
    url = record["event"].get_absolute_url()
    client.get(url)
    assert kept(record["event"]).body
    field, value, expected = CHANGES[change]

    setattr(record[change], field, value)
    record[change].save()

    assert kept(record["event"]).body == ""
    assert expected in client.get(url).content.decode()
    assert expected in kept(record["event"]).body


def test_a_relation_added_or_a_record_deleted_empties_it(client, record):  # noqa: F811
    url = record["event"].get_absolute_url()
    client.get(url)
    record["presentation"].speakers.add(PersonFactory(family_name="Addedsen"))
    assert "Addedsen" in client.get(url).content.decode()

    record["point"].delete()

    assert "Old point" not in client.get(url).content.decode()


def test_a_bulk_write_makes_every_kept_page_stale(client, record):  # noqa: F811
    url = record["event"].get_absolute_url()
    client.get(url)
    before = CacheGeneration.objects.get(pk=1).renderings
    # A write that sends no signals, as generate_demo_data's.
    Event.objects.filter(pk=record["event"].pk).update(title_en="Renamed in bulk")
    receivers.records_changed_in_bulk()

    assert CacheGeneration.objects.get(pk=1).renderings != before
    assert "Renamed in bulk</h1>" in client.get(url).content.decode()


def test_a_fixture_load_makes_every_kept_page_stale(client):
    call_command("loaddata", "shanghai_webinar", verbosity=0)
    event = Event.objects.get(slug="advancing-smart-cities-2021-09-09")
    url = event.get_absolute_url()
    client.get(url)
    Event.objects.filter(pk=event.pk).update(title_en="Changed behind the fixture")

    call_command("loaddata", "shanghai_webinar", verbosity=0)

    page = client.get(url).content.decode()
    assert "Changed behind the fixture" not in page
    assert event.title_en in page


def test_a_page_kept_yesterday_is_rendered_again(client):
    event = EventFactory()
    url = event.get_absolute_url()
    client.get(url)
    yesterday = timezone.localdate() - timezone.timedelta(days=1)
    EventRendering.objects.filter(event=event).update(day=yesterday, body="Yesterday's page")

    assert "Yesterday's page" not in client.get(url).content.decode()
    assert kept(event).day == timezone.localdate()


def test_a_draft_is_never_kept(admin_client):
    draft = EventFactory(draft=True, title="Draft in progress")

    assert "Draft in progress" in admin_client.get(draft.get_absolute_url()).content.decode()
    assert not EventRendering.objects.exclude(body="").exists()


def test_a_render_from_rows_changed_meanwhile_is_not_kept(client):
    """A change committed between the page reading the event's row (and the rendering's
    version with it) and storing what it rendered from the older rows."""
    event = EventFactory(title="Title as first read")

    page = page_after_a_change_committed_while_it_rendered(client, event)

    assert "Title committed meanwhile</h1>" in page
    assert "Title as first read" not in page


@pytest.fixture
def shanghai_kept(client):
    call_command("loaddata", "shanghai_webinar", verbosity=0)
    event = Event.objects.get(slug=SHANGHAI_SLUG)
    assert "Harris" in client.get(event.get_absolute_url()).content.decode()
    assert kept(event).body
    return event


def test_an_admin_form_and_its_inline_empty_it(client, admin_client, shanghai_kept):
    url = change_url(shanghai_kept)
    data = changeform_data(admin_client.get(url))
    data["title_en"] = f"{NEW_WORD} cities"
    role = Role.objects.get(event=shanghai_kept, person__family_name="Harris")
    data[f"roles-{inline_index(data, 'roles', role.pk)}-position_title_en"] = "Chief of Words"

    assert admin_client.post(url, data).status_code == 302

    page = client.get(shanghai_kept.get_absolute_url()).content.decode()
    assert f"{NEW_WORD} cities</h1>" in page
    assert "Chief of Words" in page


def test_a_merge_of_two_people_empties_it(client, admin_client, shanghai_kept):
    duplicate = Person.objects.get(family_name="Harris")
    survivor = PersonFactory(family_name=NEW_WORD)

    response = admin_client.post(
        reverse("admin:people_person_changelist"),
        {
            "action": "merge_duplicates",
            "_selected_action": [survivor.pk, duplicate.pk],
            "kept": survivor.pk,
            "confirm": "yes",
        },
    )

    assert response.status_code == 302
    page = client.get(shanghai_kept.get_absolute_url()).content.decode()
    assert NEW_WORD in page
    assert NEW_WORD in kept(shanghai_kept).body


@pytest.mark.parametrize("command", ["import_records", "loaddata"])
def test_a_file_of_records_makes_it_stale(client, shanghai_kept, tmp_path, command):
    from tests.events.test_import_records import fixture_records

    records = fixture_records()
    for row in records:
        if row["model"] == "people.person" and row["fields"].get("family_name") == "Harris":
            row["fields"]["family_name"] = NEW_WORD
    path = tmp_path / "records.json"
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")

    call_command(command, str(path), verbosity=0)

    page = client.get(shanghai_kept.get_absolute_url()).content.decode()
    assert NEW_WORD in page
    assert NEW_WORD in kept(shanghai_kept).body


@pytest.mark.parametrize("command", ["import_records", "loaddata"])
def test_a_dump_of_a_site_holding_its_kept_pages_loads_again(
    client, shanghai_kept, tmp_path, command
):
    """dumpdata writes every table, the kept pages and search documents too: loading such a
    dump into a site that has kept pages of its own neither collides with them nor serves
    the dump's copy."""
    import io

    dumped = io.StringIO()
    call_command(
        "dumpdata", "people", "events", natural_foreign=True, natural_primary=True, stdout=dumped
    )
    records = json.loads(dumped.getvalue())
    copies = [row for row in records if row["model"] == "events.eventrendering"]
    assert copies
    for row in copies:
        row["pk"] += 1000  # another site's row for the same event and language
        row["fields"]["body"] = "<p>A copy from another site</p>"
    for row in records:
        if row["model"] == "people.person" and row["fields"].get("family_name") == "Harris":
            row["fields"]["family_name"] = NEW_WORD
    path = tmp_path / "dump.json"
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()

    call_command(command, str(path), stdout=out)

    page = client.get(shanghai_kept.get_absolute_url()).content.decode()
    assert NEW_WORD in page
    assert "A copy from another site" not in page
    if command == "import_records":
        assert "derived rows left for the site to rebuild" in out.getvalue()
