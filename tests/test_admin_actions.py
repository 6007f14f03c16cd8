"""
The admin's actions that change records in bulk (publish, unpublish, merge) run only on a
POST with a valid CSRF token from a signed-in user who holds their permission; a link (GET),
a forged form or an editor without the permission changes nothing.
"""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from events.models import Event
from people.models import Person
from tests.admin_forms import member_of
from tests.factories import EventFactory, PersonFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db

EVENTS = "admin:events_event_changelist"
PEOPLE = "admin:people_person_changelist"


def publish_form(event):
    return {"action": "publish", "_selected_action": [event.pk], "index": 0}


def test_publish_action_by_get_link_changes_nothing(client):
    event = EventFactory(draft=True)
    client.force_login(member_of("Publishers"))

    client.get(reverse(EVENTS), publish_form(event))

    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT


def test_publish_action_without_csrf_token_is_refused(client):
    event = EventFactory(draft=True)
    publisher = member_of("Publishers")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(publisher)

    response = browser.post(reverse(EVENTS), publish_form(event))

    assert response.status_code == 403
    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT


def test_publish_action_anonymous_is_sent_to_sign_in(client):
    event = EventFactory(draft=True)

    response = client.post(reverse(EVENTS), publish_form(event))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT


def test_publish_action_needs_the_publish_permission_not_just_change(client):
    event = EventFactory(draft=True)
    editor = UserFactory(is_staff=True)
    editor.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_event", "change_event"])
    )
    client.force_login(editor)

    client.post(reverse(EVENTS), publish_form(event))

    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT


def merge_form(kept, duplicate, confirm=True):
    form = {"action": "merge_duplicates", "_selected_action": [kept.pk, duplicate.pk]}
    if confirm:
        form.update(confirm="yes", kept=kept.pk, post="yes")
    return form


def test_merge_by_get_link_changes_nothing(client):
    kept, duplicate = PersonFactory(), PersonFactory()
    RoleFactory(person=duplicate)
    client.force_login(member_of("Editors"))

    client.get(reverse(PEOPLE), merge_form(kept, duplicate))

    assert Person.objects.filter(pk=duplicate.pk).exists()


def test_merge_without_delete_permission_changes_nothing(client):
    kept, duplicate = PersonFactory(), PersonFactory()
    editor = UserFactory(is_staff=True)
    editor.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_person", "change_person"])
    )
    client.force_login(editor)

    page = client.get(reverse(PEOPLE)).content.decode()
    client.post(reverse(PEOPLE), merge_form(kept, duplicate))

    assert 'value="merge_duplicates"' not in page
    assert Person.objects.filter(pk=duplicate.pk).exists()


def test_merge_first_asks_for_confirmation(client):
    kept, duplicate = PersonFactory(), PersonFactory()
    client.force_login(member_of("Editors"))

    response = client.post(reverse(PEOPLE), merge_form(kept, duplicate, confirm=False))

    assert response.status_code == 200
    assert Person.objects.filter(pk=duplicate.pk).exists()


def test_merge_with_permission_and_confirmation_merges(client):
    # The tests above would pass if merging never worked at all.
    kept, duplicate = PersonFactory(), PersonFactory()
    client.force_login(member_of("Editors"))

    response = client.post(reverse(PEOPLE), merge_form(kept, duplicate))

    assert response.status_code == 302
    assert not Person.objects.filter(pk=duplicate.pk).exists()
