"""A role says no more than its source: announced (will take part) or confirmed (took part)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Role
from tests.events.test_exports_csv import read_csv
from tests.events.test_exports_jsonld import embedded_jsonld, jsonld_of
from tests.factories import EventFactory, PersonFactory, RoleFactory

pytestmark = pytest.mark.django_db

PAST = datetime.date(2020, 6, 1)


def future():
    return timezone.localdate() + datetime.timedelta(days=30)


def test_role_is_confirmed_unless_the_editor_says_announced():
    role = RoleFactory()

    assert role.attestation == Role.Attestation.CONFIRMED
    assert role.kind_label == "Speaker"


def test_event_page_says_which_roles_are_only_announced(client):
    event = EventFactory(start_date=PAST)
    RoleFactory(event=event, person=PersonFactory(given_name="Jae-young", family_name="Lee"))
    RoleFactory(
        event=event,
        kind=Role.Kind.PARTICIPANT,
        attestation=Role.Attestation.ANNOUNCED,
        person=PersonFactory(given_name="Min", family_name="Park"),
    )

    page = client.get(event.get_absolute_url()).content.decode()

    assert "Participant (announced)" in page
    assert ">Speaker<" in page


def test_person_page_says_the_role_was_announced(client):
    role = RoleFactory(attestation=Role.Attestation.ANNOUNCED, event__start_date=PAST)

    page = client.get(role.person.get_absolute_url()).content.decode()

    assert "Speaker (announced)" in page


def test_jsonld_of_a_past_event_does_not_make_announced_people_performers(client):
    event = EventFactory(start_date=PAST)
    confirmed = RoleFactory(event=event)
    announced = RoleFactory(event=event, attestation=Role.Attestation.ANNOUNCED)

    data = jsonld_of(client, event)

    performers = [node["performer"]["name"] for node in data["performer"]]
    assert performers == [confirmed.person.name]
    assert f"Announced, not confirmed by a source: {announced.person.name}" in data["description"]


def test_jsonld_of_a_coming_event_lists_announced_performers_as_announced(client):
    event = EventFactory(start_date=future())
    RoleFactory(event=event, attestation=Role.Attestation.ANNOUNCED)

    (performer,) = jsonld_of(client, event)["performer"]

    assert "announced" in performer["description"]


def test_person_jsonld_is_not_performer_in_a_past_event_only_announced(client):
    role = RoleFactory(attestation=Role.Attestation.ANNOUNCED, event__start_date=PAST)

    data = embedded_jsonld(client.get(role.person.get_absolute_url()))

    assert "performerIn" not in data


def test_roles_csv_and_api_say_announced_or_confirmed(client):
    role = RoleFactory(kind=Role.Kind.PARTICIPANT, attestation=Role.Attestation.ANNOUNCED)

    (row,) = read_csv(client, "roles")
    api = client.get(reverse("api:event-detail", args=[role.event.slug])).json()

    assert (row["role"], row["attestation"]) == ("participant", "announced")
    assert api["roles"][0]["attestation"] == "announced"


def test_ical_description_says_the_role_was_announced(client):
    role = RoleFactory(attestation=Role.Attestation.ANNOUNCED)

    body = client.get(reverse("data:event_ics", args=[role.event.slug])).content.decode()

    assert "Speaker (announced)" in body.replace("\r\n ", "")
