"""
Every write path keeps the search documents current (events/search/documents.py): after an
edit through the admin form or an inline, a merge, a script, `import_records`, `loaddata` or
`generate_demo_data`, a search finds the event by its new words and no longer by the old.
"""

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from events.models import Event, EventSearchDocument, KeyPoint, Presentation, Role
from events.search import documents
from people.models import Organization, Person
from tests.admin_forms import change_url, changeform_data, inline_index
from tests.conftest import SHANGHAI_SLUG
from tests.factories import EventFactory, PersonFactory, RoleFactory, TopicFactory

pytestmark = pytest.mark.django_db

NEW_WORD = "Zanzibarian"


def found(client, query):
    """The slugs of the events the public list finds for these words."""
    response = client.get(reverse("events:list"), {"q": query})
    assert response.status_code == 200
    return {event.slug for event in response.context["events"]}


def assert_documents_current():
    """The stored documents are those a rebuild from the records would write."""
    stored = dict(EventSearchDocument.objects.values_list("event_id", "text"))
    pks = Event.objects.values_list("pk", flat=True)
    assert stored == documents.document_texts(list(pks))


@pytest.fixture
def record(client, shanghai):
    # A search first, as a reader's: whatever loading the fixture noted is rebuilt, so that
    # only the test's own write can bring the new words in.
    assert SHANGHAI_SLUG in found(client, "Harris")
    return shanghai


def test_a_document_holds_every_text_the_page_shows(record):
    text = EventSearchDocument.objects.get(event=record).text

    for shown in [
        record.title_en,
        "Online-Offline",  # a presentation's title
        "Harris",  # a person's name
        "Fudan University",  # the parent of the institute a speaker represented
        "Big Data Center",  # a collaborating organization
    ]:
        assert shown in text


def test_admin_form_change(client, admin_client, record):
    url = change_url(record)
    data = changeform_data(admin_client.get(url))
    data["title_en"] = f"{NEW_WORD} cities"

    assert admin_client.post(url, data).status_code == 302
    assert found(client, NEW_WORD) == {SHANGHAI_SLUG}
    assert SHANGHAI_SLUG not in found(client, "Advancing")
    assert_documents_current()


def test_admin_inline_change(client, admin_client, record):
    url = change_url(record)
    data = changeform_data(admin_client.get(url))
    role = Role.objects.get(event=record, person__family_name="Harris")
    data[f"roles-{inline_index(data, 'roles', role.pk)}-position_title_en"] = NEW_WORD

    assert admin_client.post(url, data).status_code == 302
    assert found(client, NEW_WORD) == {SHANGHAI_SLUG}
    assert_documents_current()


def test_person_renamed_in_the_admin(client, admin_client, record):
    person = Person.objects.get(family_name="Harris")
    url = change_url(person)
    data = changeform_data(admin_client.get(url))
    data["family_name"] = NEW_WORD

    assert admin_client.post(url, data).status_code == 302
    assert found(client, NEW_WORD) == {SHANGHAI_SLUG}
    assert SHANGHAI_SLUG not in found(client, "Harris")
    assert_documents_current()


def test_parent_organization_renamed(client, record):
    fudan = Organization.objects.get(name_en="Fudan University")
    fudan.name_en = f"{NEW_WORD} University"
    fudan.save()

    # The event names an institute of the university, not the university itself.
    assert found(client, NEW_WORD) == {SHANGHAI_SLUG}
    assert_documents_current()


def test_topics_and_speakers_added_from_either_side(client, record):
    other = EventFactory()
    topic = TopicFactory(name=f"{NEW_WORD} topic")
    topic.events.add(record)
    speaker = PersonFactory(family_name="Quetzalcoatl")
    presentation = Presentation.objects.filter(event=record).first()
    speaker.presentations.add(presentation)

    assert found(client, NEW_WORD) == {SHANGHAI_SLUG}
    assert found(client, "Quetzalcoatl") == {SHANGHAI_SLUG}

    other.topics.add(topic)
    topic.events.remove(record)
    presentation.speakers.clear()

    assert found(client, NEW_WORD) == {other.slug}
    assert found(client, "Quetzalcoatl") == set()
    assert_documents_current()


def test_key_point_added_and_presentation_deleted(client, record):
    presentation = Presentation.objects.filter(event=record).first()
    KeyPoint.objects.create(presentation=presentation, order=99, text=f"A {NEW_WORD} point")

    assert found(client, NEW_WORD) == {SHANGHAI_SLUG}

    presentation.delete()

    assert found(client, NEW_WORD) == set()
    assert_documents_current()


def test_role_moved_to_another_event_by_a_script(client, record):
    other = EventFactory()
    role = Role.objects.get(event=record, person__family_name="Harris")
    role.event = other
    role.save()

    assert other.slug in found(client, "Harris")
    # The event it left has lost the title the role held (and would not match otherwise).
    assert role.position_title not in EventSearchDocument.objects.get(event=record).text
    assert_documents_current()


def test_merge_of_two_people(client, admin_client, record):
    duplicate = Person.objects.get(family_name="Harris")
    kept = PersonFactory(family_name=NEW_WORD)
    RoleFactory(person=kept)

    response = admin_client.post(
        reverse("admin:people_person_changelist"),
        {
            "action": "merge_duplicates",
            "_selected_action": [kept.pk, duplicate.pk],
            "kept": kept.pk,
            "confirm": "yes",
        },
    )

    assert response.status_code == 302
    assert SHANGHAI_SLUG in found(client, NEW_WORD)
    assert SHANGHAI_SLUG not in found(client, "Harris")
    assert_documents_current()


def records_file(tmp_path):
    from tests.events.test_import_records import fixture_records

    records = fixture_records()
    for record in records:
        if record["model"] == "people.person" and record["fields"].get("family_name") == "Harris":
            record["fields"]["family_name"] = NEW_WORD
    path = tmp_path / "records.json"
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["import_records", "loaddata"])
def test_raw_saves_of_a_file(client, record, tmp_path, command):
    call_command(command, str(records_file(tmp_path)), verbosity=0)

    assert found(client, NEW_WORD) == {SHANGHAI_SLUG}
    assert_documents_current()


def test_generate_demo_data(client, record):
    call_command("generate_demo_data", events=3, seed=2, verbosity=0)

    demo = Event.objects.published().exclude(slug=SHANGHAI_SLUG).first()
    assert demo.slug in found(client, demo.title.split()[-1])
    assert_documents_current()


@pytest.mark.django_db(transaction=True)
def test_documents_are_rebuilt_when_the_edit_commits(client):
    """Other processes read the documents as committed: a committed edit has rebuilt them
    without any search of this process's asking."""
    call_command("loaddata", "shanghai_webinar", verbosity=0)
    person = Person.objects.get(family_name="Harris")
    person.family_name = NEW_WORD
    person.save()

    text = EventSearchDocument.objects.get(event__slug=SHANGHAI_SLUG).text
    assert NEW_WORD in text
    assert "Harris" not in text
