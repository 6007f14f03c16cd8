"""Adding a person, organization or source from the autocomplete box that needs it: the
dialog's form comes from the admin's own form for the model, with its checks."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from events.models import Source
from people.models import Organization, Person
from tests.factories import OrganizationFactory, PersonFactory, UserFactory

PERSON_URL = "admin:people_person_quick_add"


@pytest.mark.django_db
def test_dialog_form_splits_the_typed_name(admin_client):
    response = admin_client.get(reverse(PERSON_URL), {"term": "Adriana  Alberti"})

    assert response.status_code == 200
    form = response.json()["form"]
    assert 'name="quick-given_name" value="Adriana"' in form
    assert 'name="quick-family_name" value="Alberti"' in form
    assert "Add person" in form


@pytest.mark.django_db
def test_person_added_from_the_box_is_saved_with_its_history(admin_client):
    response = admin_client.post(
        reverse(PERSON_URL),
        {
            "quick-given_name": "Adriana",
            "quick-family_name": "Alberti",
            "quick-name_order": "given-first",
        },
    )

    assert response.status_code == 201
    person = Person.objects.get()
    assert response.json() == {"id": str(person.pk), "text": response.json()["text"]}
    assert "Alberti" in response.json()["text"]
    assert person.slug == "adriana-alberti"
    assert person.history.count() == 1


@pytest.mark.django_db
def test_namesake_is_refused_until_the_editor_confirms(admin_client):
    PersonFactory(given_name="Adriana", family_name="Alberti")
    data = {
        "quick-given_name": "Adriana",
        "quick-family_name": "Alberti",
        "quick-name_order": "given-first",
    }

    response = admin_client.post(reverse(PERSON_URL), data)

    assert response.status_code == 400
    assert "A record with this name already exists" in response.json()["form"]
    assert 'type="checkbox" name="quick-not_a_duplicate"' in response.json()["form"]
    assert Person.objects.count() == 1
    response = admin_client.post(reverse(PERSON_URL), {**data, "quick-not_a_duplicate": "on"})
    assert response.status_code == 201
    assert Person.objects.count() == 2


@pytest.mark.django_db
def test_organization_added_with_its_parent_is_labelled_as_picked(admin_client):
    parent = OrganizationFactory(name="United Nations Department", short_name="UN DESA")

    response = admin_client.post(
        reverse("admin:people_organization_quick_add"),
        {
            "quick-name_en": "Division for Digital Government",
            "quick-kind": "division",
            "quick-parent": str(parent.pk),
        },
    )

    assert response.status_code == 201, response.json()
    assert response.json()["text"] == "Division for Digital Government, in UN DESA"
    assert Organization.objects.get(name="Division for Digital Government").parent == parent


@pytest.mark.django_db
def test_source_added_from_the_box_keeps_its_text(admin_client):
    response = admin_client.post(
        reverse("admin:events_source_quick_add"),
        {"quick-title": "Report", "quick-text": "It was held online."},
    )

    assert response.status_code == 201
    assert Source.objects.get().text == "It was held online."


@pytest.mark.django_db
def test_quick_add_needs_the_add_permission(client):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    url = reverse(PERSON_URL)

    assert client.get(url).status_code == 403
    assert client.post(url, {"quick-family_name": "Alberti"}).status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="add_person"))
    assert client.get(url).status_code == 200
    assert client.put(url).status_code == 405
    assert Person.objects.count() == 0


@pytest.mark.django_db
def test_role_box_offers_to_add_a_person(admin_client):
    response = admin_client.get(reverse("admin:events_event_add"))

    content = response.content.decode()
    assert f'data-quick-add-url="{reverse(PERSON_URL)}"' in content
    assert "editing/quick-add.js" in content


@pytest.mark.django_db
def test_organization_dialog_form_has_its_fields(admin_client):
    response = admin_client.get(
        reverse("admin:people_organization_quick_add"),
        {"term": "Fudan University", "prefix": "quick2"},
    )

    assert response.status_code == 200
    form = response.json()["form"]
    assert 'name="quick2-name_en"' in form and 'value="Fudan University"' in form
    assert 'name="quick2-parent"' in form and "data-quick-add-url" in form
