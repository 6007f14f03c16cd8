"""Save messages say where the record stands; the duplicate box shows only beside duplicates."""

import pytest
from django.urls import reverse

from people.models import Person
from tests.admin_forms import change_url, changeform_data
from tests.factories import EventFactory, PersonFactory

pytestmark = pytest.mark.django_db


def messages_after(response):
    return [str(message) for message in response.context["messages"]]


def test_saving_a_draft_says_draft_and_links_to_the_preview(admin_client):
    event = EventFactory(draft=True)

    response = admin_client.post(
        change_url(event), changeform_data(admin_client.get(change_url(event))), follow=True
    )

    assert any(
        "Saved as a draft: not public." in m and event.get_absolute_url() in m
        for m in messages_after(response)
    )


def test_saving_a_published_event_links_to_its_public_page(admin_client):
    event = EventFactory()

    response = admin_client.post(
        change_url(event), changeform_data(admin_client.get(change_url(event))), follow=True
    )

    assert any("Published" in m and event.get_absolute_url() in m for m in messages_after(response))


def test_duplicate_box_is_hidden_until_duplicates_are_listed(admin_client):
    add = reverse("admin:people_person_add")

    page = admin_client.get(add).content.decode()

    assert 'type="hidden" name="not_a_duplicate"' in page
    assert 'type="checkbox" name="not_a_duplicate"' not in page


def test_one_tick_is_enough_to_add_a_namesake(admin_client):
    PersonFactory(given_name="Wei", family_name="Zhang", slug="wei-zhang")
    add = reverse("admin:people_person_add")
    data = changeform_data(admin_client.get(add))
    data.update(given_name="Wei", family_name="Zhang", slug="")

    warned = admin_client.post(add, data)
    assert 'type="checkbox" name="not_a_duplicate"' in warned.content.decode()
    data["not_a_duplicate"] = "on"
    response = admin_client.post(add, data)

    assert response.status_code == 302, response.context["errors"]
    assert Person.objects.filter(slug="wei-zhang-2").exists()
