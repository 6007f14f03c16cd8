"""Changing the slug of a published record keeps its old address as a permanent redirect."""

import pytest
from django.urls import reverse

from people.models import FormerSlug
from tests.factories import (
    EventFactory,
    EventOrganizationFactory,
    PresentationFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db


def rename(record, slug):
    record.slug = slug
    record.save()


def test_event_old_address_redirects_permanently_to_the_new_one(client):
    event = EventFactory(slug="old-title")
    old = event.get_absolute_url()
    rename(event, "new-title")

    response = client.get(old)

    assert response.status_code == 301
    assert response["Location"] == reverse("events:detail", args=["new-title"])
    assert client.get(response["Location"]).status_code == 200


def test_event_renamed_twice_keeps_both_old_addresses():
    event = EventFactory(slug="first")
    rename(event, "second")
    rename(event, "third")

    assert set(FormerSlug.objects.values_list("slug", flat=True)) == {"first", "second"}


def test_draft_event_renamed_keeps_no_old_address(client):
    event = EventFactory(draft=True, slug="draft-title")
    rename(event, "better-title")

    assert not FormerSlug.objects.exists()
    assert client.get(reverse("events:detail", args=["draft-title"])).status_code == 404


def test_old_address_of_an_unpublished_event_is_not_found(client):
    event = EventFactory(slug="old-title")
    rename(event, "new-title")
    event.status = event.Status.DRAFT
    event.save()

    response = client.get(reverse("events:detail", args=["old-title"]))

    assert response.status_code == 404, "the redirect must not reveal a draft's new address"


def test_presentation_old_address_redirects_after_its_slug_changes(client):
    presentation = PresentationFactory(slug="old-talk")
    old = presentation.get_absolute_url()
    rename(presentation, "new-talk")

    response = client.get(old)

    assert response.status_code == 301
    assert response["Location"] == presentation.get_absolute_url()


def test_presentation_address_under_the_old_event_slug_redirects(client):
    presentation = PresentationFactory()
    old = presentation.get_absolute_url()
    rename(presentation.event, "renamed-event")

    response = client.get(old)

    assert response.status_code == 301
    assert response["Location"].startswith("/en/events/renamed-event/")


def test_person_old_address_redirects(client):
    role = RoleFactory()
    person = role.person
    old = person.get_absolute_url()
    rename(person, "lee-jae-young")

    response = client.get(old)

    assert response.status_code == 301
    assert response["Location"] == reverse("people:person", args=["lee-jae-young"])


def test_organization_old_address_redirects(client):
    participation = EventOrganizationFactory()
    organization = participation.organization
    old = organization.get_absolute_url()
    rename(organization, "seoul-institute")

    response = client.get(old)

    assert response.status_code == 301
    assert response["Location"] == reverse("people:organization", args=["seoul-institute"])


def test_a_slug_taken_back_is_no_longer_a_former_slug(client):
    event = EventFactory(slug="a")
    rename(event, "b")
    rename(event, "a")

    assert list(FormerSlug.objects.values_list("slug", flat=True)) == ["b"]
    assert client.get(reverse("events:detail", args=["a"])).status_code == 200
    assert client.get(reverse("events:detail", args=["b"])).status_code == 301


def test_admin_slug_change_of_a_published_event_keeps_the_old_address(admin_client, client):
    from tests.admin_forms import change_url, changeform_data

    event = EventFactory(slug="old-title")
    data = changeform_data(admin_client.get(change_url(event)))
    data["slug"] = "new-title"

    response = admin_client.post(change_url(event), data)

    assert response.status_code == 302, response.context["errors"]
    assert client.get(reverse("events:detail", args=["old-title"])).status_code == 301


def test_merged_duplicate_address_redirects_to_the_kept_person(client):
    from people.merging import merge
    from tests.factories import PersonFactory

    kept = RoleFactory().person
    duplicate = PersonFactory(slug="lee-jae-young-2")
    merge(kept, duplicate)

    response = client.get(reverse("people:person", args=["lee-jae-young-2"]))

    assert response.status_code == 301
    assert response["Location"] == kept.get_absolute_url()
