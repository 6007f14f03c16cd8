"""Conflicts that merge: two editors who changed different fields both keep their changes;
the same field is refused, naming who changed it and when, with everything typed kept."""

import pytest

from events.models import Event, Role
from people.editing.revisions import PendingRevision
from people.models import Person
from tests.admin_forms import change_url, changeform_data, member_of
from tests.factories import EventFactory, PersonFactory, RoleFactory

pytestmark = pytest.mark.django_db


def open_twice(client, record):
    first, second = member_of("Editors"), member_of("Editors")
    client.force_login(first)
    first_data = changeform_data(client.get(change_url(record)))
    client.force_login(second)
    second_data = changeform_data(client.get(change_url(record)))
    return (first, first_data), (second, second_data)


def test_different_fields_merge_and_the_save_says_so(client):
    # A draft: editors' changes to a published event wait for review (tests/events/test_review).
    event = EventFactory(draft=True, description="Old description", audience="Old audience")
    (first, first_data), (second, second_data) = open_twice(client, event)
    client.force_login(first)
    first_data["audience_en"] = "Officials"
    assert client.post(change_url(event), first_data).status_code == 302

    client.force_login(second)
    second_data["description_en"] = "A capacity-building webinar."
    response = client.post(change_url(event), second_data, follow=True)

    event.refresh_from_db()
    assert (event.audience, event.description) == ("Officials", "A capacity-building webinar.")
    messages = [str(message) for message in response.context["messages"]]
    assert any("merged" in m and first.username in m and "Audience" in m for m in messages)


def test_a_publishers_status_change_does_not_block_an_editors_description(client, admin_client):
    event = EventFactory(draft=True)
    editor = member_of("Editors")
    client.force_login(editor)
    data = changeform_data(client.get(change_url(event)))
    admin_client.post("/admin/events/event/", {"action": "publish", "_selected_action": [event.pk]})

    data["description_en"] = "Written while it was published."
    response = client.post(change_url(event), data)
    # Now published, the editor's change waits for review; publishing it merges the two.
    (revision,) = PendingRevision.objects.all()
    admin_client.post(revision.get_absolute_url(), {"_publish": "1"})

    assert response.status_code == 302, response.context["errors"]
    event.refresh_from_db()
    assert event.status == Event.Status.PUBLISHED
    assert event.description == "Written while it was published."


def test_same_field_is_refused_naming_who_and_when_with_both_values(client):
    event = EventFactory(draft=True, audience="Old audience")
    (first, first_data), (second, second_data) = open_twice(client, event)
    client.force_login(first)
    first_data["audience_en"] = "First editor's audience"
    client.post(change_url(event), first_data)

    client.force_login(second)
    second_data["audience_en"] = "Second editor's audience"
    second_data["description_en"] = "Also typed by the second editor"
    response = client.post(change_url(event), second_data)

    page = response.content.decode()
    assert response.status_code == 200
    assert f"{first.username} changed this at" in page
    assert "“First editor&#x27;s audience”" in page or "“First editor's audience”" in page
    assert "Second editor&#x27;s audience" in page, "what was typed stays in the form"
    assert "Also typed by the second editor" in page
    event.refresh_from_db()
    assert event.audience == "First editor's audience"


def test_saving_again_after_a_refusal_keeps_the_editors_value(client):
    person = PersonFactory(biography="")
    (first, first_data), (second, second_data) = open_twice(client, person)
    client.force_login(first)
    first_data["biography_en"] = "Written first."
    client.post(change_url(person), first_data)
    client.force_login(second)
    second_data["biography_en"] = "Written second."
    refused = client.post(change_url(person), second_data)

    again = changeform_data(refused)
    response = client.post(change_url(person), again)

    assert response.status_code == 302
    assert Person.objects.get(pk=person.pk).biography == "Written second."


def test_changed_rows_are_not_merged_blindly_into_a_moved_record(client):
    role = RoleFactory(event=EventFactory(draft=True), position_title="Director")
    event = role.event
    (first, first_data), (second, second_data) = open_twice(client, event)
    client.force_login(first)
    first_data["roles-0-position_title_en"] = "First editor's title"
    client.post(change_url(event), first_data)

    client.force_login(second)
    second_data["roles-0-position_title_en"] = "Second editor's title"
    response = client.post(change_url(event), second_data)

    assert response.status_code == 200
    assert "your changes to these rows were not saved yet" in response.content.decode()
    assert Role.objects.get(pk=role.pk).position_title == "First editor's title"
