"""The editors' admin for people and organizations: duplicates, merging, protection."""

import pytest
from django.urls import reverse

from events.models import EventOrganization, Presentation, Role
from people.models import Organization, Person
from tests.admin_forms import change_url, changeform_data, member_of
from tests.factories import (
    EventFactory,
    EventOrganizationFactory,
    OrganizationFactory,
    PersonFactory,
    PresentationFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db

PERSON_ADD = "admin:people_person_add"
ORGANIZATION_ADD = "admin:people_organization_add"


def person_form(client, **fields):
    data = changeform_data(client.get(reverse(PERSON_ADD)))
    data.update(fields)
    return data


def test_person_add_warns_of_a_namesake_and_links_to_it(admin_client, shanghai):
    existing = Person.objects.get(given_name="Yijia", family_name="Jing")
    data = person_form(admin_client, given_name="JING", family_name="Yíjiā", slug="jing-yijia-2")

    response = admin_client.post(reverse(PERSON_ADD), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "A record with this name already exists" in page
    assert f'href="{change_url(existing)}"' in page
    assert not Person.objects.filter(slug="jing-yijia-2").exists()


def test_person_add_namesake_can_be_confirmed(admin_client, shanghai):
    data = person_form(
        admin_client,
        given_name="Yijia",
        family_name="Jing",
        slug="jing-yijia-2",
        not_a_duplicate="on",
    )

    response = admin_client.post(reverse(PERSON_ADD), data)

    assert response.status_code == 302
    assert Person.objects.filter(given_name="Yijia", family_name="Jing").count() == 2


def test_person_add_without_namesake_needs_no_confirmation(admin_client, shanghai):
    data = person_form(admin_client, given_name="Ada", family_name="Lovelace", slug="ada")

    assert admin_client.post(reverse(PERSON_ADD), data).status_code == 302


def test_organization_add_warns_of_a_namesake(admin_client, shanghai):
    data = changeform_data(admin_client.get(reverse(ORGANIZATION_ADD)))
    data.update(name_en="FUDAN  university", slug="fudan-2", kind="university")

    response = admin_client.post(reverse(ORGANIZATION_ADD), data)

    assert response.status_code == 200
    assert "A record with this name already exists" in response.content.decode()


def merge(client, model_name, kept, *others):
    changelist = reverse(f"admin:people_{model_name}_changelist")
    selected = [kept.pk, *(other.pk for other in others)]
    confirmation = client.post(
        changelist, {"action": "merge_duplicates", "_selected_action": selected}
    )
    assert confirmation.status_code == 200
    assert "Choose the record to keep" in confirmation.content.decode()
    return client.post(
        changelist,
        {
            "action": "merge_duplicates",
            "_selected_action": selected,
            "kept": kept.pk,
            "confirm": "yes",
        },
    )


def test_person_merge_moves_roles_and_speaker_links(client):
    client.force_login(member_of("Publishers"))
    kept, duplicate = PersonFactory(), PersonFactory()
    role = RoleFactory(person=duplicate)
    solo = PresentationFactory(speakers=[duplicate])
    shared = PresentationFactory(speakers=[kept, duplicate])

    response = merge(client, "person", kept, duplicate)

    assert response.status_code == 302
    assert not Person.objects.filter(pk=duplicate.pk).exists()
    role.refresh_from_db()
    assert role.person == kept
    assert list(solo.speakers.all()) == [kept]
    assert list(shared.speakers.all()) == [kept]
    through = Presentation.speakers.through.objects
    assert not through.filter(person_id=duplicate.pk).exists()
    assert not Role.objects.filter(person_id=duplicate.pk).exists()


def test_organization_merge_moves_roles_parts_and_children(admin_client):
    kept, duplicate = OrganizationFactory(), OrganizationFactory()
    role = RoleFactory(organization=duplicate)
    part = EventOrganizationFactory(organization=duplicate)
    child = OrganizationFactory(parent=duplicate)

    response = merge(admin_client, "organization", kept, duplicate)

    assert response.status_code == 302
    assert not Organization.objects.filter(pk=duplicate.pk).exists()
    for row in [role, part, child]:
        row.refresh_from_db()
    assert role.organization == kept
    assert part.organization == kept
    assert child.parent == kept
    assert not EventOrganization.objects.filter(organization_id=duplicate.pk).exists()


def test_organization_merge_of_a_part_into_its_whole_keeps_tree_sound(admin_client):
    whole = OrganizationFactory()
    duplicate = OrganizationFactory()
    kept = OrganizationFactory(parent=duplicate)
    duplicate.parent = whole
    duplicate.save()

    response = merge(admin_client, "organization", kept, duplicate)

    assert response.status_code == 302
    kept.refresh_from_db()
    assert kept.parent == whole


def test_person_merge_conflict_changes_nothing(admin_client):
    event = EventFactory()
    kept, duplicate = PersonFactory(), PersonFactory()
    RoleFactory(event=event, person=kept, kind=Role.Kind.CHAIR)
    clash = RoleFactory(event=event, person=duplicate, kind=Role.Kind.CHAIR)
    other = RoleFactory(person=duplicate, kind=Role.Kind.SPEAKER)

    response = merge(admin_client, "person", kept, duplicate)

    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("Nothing was merged" in m and "already has this role" in m for m in messages)
    assert Person.objects.filter(pk=duplicate.pk).exists()
    clash.refresh_from_db()
    other.refresh_from_db()
    assert clash.person == duplicate and other.person == duplicate


def test_person_referenced_cannot_be_deleted_and_says_why(admin_client):
    role = RoleFactory()

    response = admin_client.post(
        reverse("admin:people_person_delete", args=[role.person.pk]), {"post": "yes"}
    )

    assert response.status_code == 200
    assert "would require deleting the following protected related objects" in (
        response.content.decode()
    )
    assert Person.objects.filter(pk=role.person.pk).exists()


def test_organization_bulk_delete_of_referenced_is_refused(admin_client):
    part = EventOrganizationFactory()

    response = admin_client.post(
        reverse("admin:people_organization_changelist"),
        {"action": "delete_selected", "_selected_action": [part.organization.pk], "post": "yes"},
    )

    assert response.status_code == 200
    assert "protected" in response.content.decode()
    assert Organization.objects.filter(pk=part.organization.pk).exists()


def test_person_second_editor_save_is_refused(client):
    person = PersonFactory(biography_en="")
    first, second = member_of("Editors"), member_of("Editors")
    client.force_login(first)
    first_data = changeform_data(client.get(change_url(person)))
    second_data = dict(first_data)
    first_data["biography_en"] = "Written first."
    assert client.post(change_url(person), first_data).status_code == 302

    client.force_login(second)
    second_data["biography_en"] = "Written second."
    response = client.post(change_url(person), second_data)

    assert "Someone else changed" in response.content.decode()
    person.refresh_from_db()
    assert person.biography_en == "Written first."


def test_person_history_shows_the_change(admin_client, admin_user):
    person = PersonFactory(honorific_en="")
    data = changeform_data(admin_client.get(change_url(person)))
    data["honorific_en"] = "Professor"
    admin_client.post(change_url(person), data)

    response = admin_client.get(reverse("admin:people_person_history", args=[person.pk]))

    page = response.content.decode()
    assert "Professor" in page
    assert admin_user.username in page


@pytest.mark.parametrize(
    ("url_name", "params"),
    [
        ("admin:people_person_changelist", {"q": "Jing"}),
        ("admin:people_person_changelist", {"portrait__isempty": "1"}),
        ("admin:people_organization_changelist", {"q": "DESA"}),
        ("admin:people_organization_changelist", {"kind__exact": "university"}),
        ("admin:events_presentation_changelist", {"q": "keynote"}),
        ("admin:events_source_changelist", {"q": "webinar"}),
        ("admin:events_role_changelist", {"kind__exact": "chair"}),
        ("admin:events_topic_changelist", {}),
    ],
)
def test_admin_changelists_answer(admin_client, shanghai, url_name, params):
    response = admin_client.get(reverse(url_name), params)

    assert response.status_code == 200
    assert "errornote" not in response.content.decode()
