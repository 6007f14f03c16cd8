"""No dead ends: a record that was public and went away answers 410 Gone at every address it
had; a merged person or organization answers 301 to the record that was kept."""

import pytest
from django.urls import reverse
from django.utils import translation
from lxml import html

from events.models import Event, RetiredRecord
from people.merging import merge
from tests.factories import (
    EventFactory,
    EventOrganizationFactory,
    OrganizationFactory,
    PersonFactory,
    PresentationFactory,
    RoleFactory,
    committed,
)

pytestmark = pytest.mark.django_db


def unpublish(event):
    event = Event.objects.get(pk=event.pk)  # as the admin loads it
    event.status = Event.Status.DRAFT
    event.save()


def event_addresses(event, presentation):
    return {
        "page": event.get_absolute_url(),
        "presentation": presentation.get_absolute_url(),
        "json-ld": reverse("data:event_jsonld", args=[event.slug]),
        "calendar": reverse("data:event_ics", args=[event.slug]),
        "api": reverse("api:event-detail", args=[event.slug]),
        "api presentation": reverse(
            "api:presentation-detail", args=[event.slug, presentation.slug]
        ),
        "api facts": reverse("api:event-facts", args=[event.slug]),
        "csl-json": reverse("events:event_cite_csl", args=[event.slug]),
        "presentation ris": reverse(
            "events:presentation_cite_ris", args=[event.slug, presentation.slug]
        ),
    }


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_unpublished_event_answers_410_everywhere(client, language):
    event = EventFactory(title="Withdrawn webinar")
    presentation = PresentationFactory(event=event)
    with translation.override(language):
        addresses = event_addresses(event, presentation)

    unpublish(event)

    for name, url in addresses.items():
        response = client.get(url)
        assert response.status_code == 410, name
        assert b"Withdrawn webinar" not in response.content, name
    page = html.fromstring(client.get(addresses["page"]).content)
    heading = page.xpath("//h1")[0].text_content()
    assert (
        heading
        == {
            "en": "This record is no longer published",
            "zh-hans": "此记录已不再公开",
        }[language]
    )
    api = client.get(addresses["api"]).json()
    assert "withdrawn" in api["detail"] and api["gone_since"]


def test_deleted_event_answers_410_saying_deleted(client):
    event = EventFactory()
    url = event.get_absolute_url()

    event.delete()

    response = client.get(url)
    assert response.status_code == 410
    assert "This record was deleted on" in response.content.decode()


def test_republished_event_answers_again(client):
    event = EventFactory()
    unpublish(event)
    event.refresh_from_db()

    event.status = Event.Status.PUBLISHED
    event.save()

    assert client.get(event.get_absolute_url()).status_code == 200
    assert not RetiredRecord.objects.exists()


def test_never_published_draft_stays_404(client):
    draft = EventFactory(draft=True)
    draft.title = "Still a draft"
    draft.save()

    assert client.get(draft.get_absolute_url()).status_code == 404
    draft.delete()
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_staff_still_preview_an_unpublished_event(admin_client):
    event = EventFactory()
    unpublish(event)

    assert admin_client.get(event.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("kind", ["person", "organization"])
def test_merged_record_redirects_to_the_kept_one(client, kind):
    factory = PersonFactory if kind == "person" else OrganizationFactory
    kept, duplicate = factory(), factory()
    if kind == "person":
        RoleFactory(person=kept)
        RoleFactory(person=duplicate)
    else:
        RoleFactory(organization=kept)
        RoleFactory(organization=duplicate)
    page = duplicate.get_absolute_url()
    api = reverse(f"api:{kind}-detail", args=[duplicate.slug])

    merge(kept, duplicate)

    response = client.get(page)
    assert response.status_code == 301
    assert response["Location"] == kept.get_absolute_url()
    response = client.get(api)
    assert response.status_code == 301
    assert response["Location"] == reverse(f"api:{kind}-detail", args=[kept.slug])
    for name in (f"data:{kind}_feed", f"data:{kind}_calendar"):
        response = client.get(reverse(name, args=[duplicate.slug]))
        assert response.status_code == 301
        assert response["Location"] == reverse(name, args=[kept.slug])


def test_merge_of_a_merged_record_leads_in_one_step(client):
    first, second, third = PersonFactory(), PersonFactory(), PersonFactory()
    RoleFactory(person=third)
    merge(second, first)

    merge(third, second)

    response = client.get(first.get_absolute_url())
    assert response["Location"] == third.get_absolute_url()


def test_unknown_address_is_a_plain_404(client):
    assert client.get(reverse("events:detail", args=["never-was"])).status_code == 404
    assert client.get("/en/no-such-page/").status_code == 404


def person_addresses(kind, slug):
    page = "people:person" if kind == "person" else "people:organization"
    return [
        reverse(page, args=[slug]),
        reverse(f"api:{kind}-detail", args=[slug]),
        reverse(f"data:{kind}_feed", args=[slug]),
        reverse(f"data:{kind}_calendar", args=[slug]),
    ]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_deleted_public_person_answers_410_everywhere(client, language):
    with committed():
        speaker = PersonFactory()
        PresentationFactory(speakers=[speaker])
    with translation.override(language):
        addresses = person_addresses("person", speaker.slug)

    speaker.delete()

    for address in addresses:
        response = client.get(address)
        assert response.status_code == 410, address
    page = " ".join(html.fromstring(client.get(addresses[0]).content).text_content().split())
    assert ("deleted on" in page) if language == "en" else ("删除" in page)
    assert client.get(addresses[1]).json()["gone_since"]


def test_organization_once_in_a_published_version_answers_410_when_deleted(client):
    """Named only in an earlier version: its part was removed, then it was deleted."""
    with committed():
        part = EventOrganizationFactory()
    organization = part.organization
    with committed():
        part.delete()

    organization.delete()

    for address in person_addresses("organization", organization.slug):
        assert client.get(address).status_code == 410, address


def test_deleted_person_never_public_stays_404(client):
    person = PersonFactory()
    PresentationFactory(event=EventFactory(draft=True), speakers=[person])
    page = person.get_absolute_url()

    person.delete()

    assert client.get(page).status_code == 404
