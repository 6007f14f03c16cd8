"""Autocomplete in the admin tells similar records apart, and ranks an exact match first."""

import datetime

import pytest
from django.urls import reverse

from tests.factories import EventFactory, OrganizationFactory, PersonFactory, RoleFactory

pytestmark = pytest.mark.django_db


def picks(client, model_name, field_name, term):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "events", "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


def test_typing_un_desa_in_a_roles_organization_offers_un_desa_first(admin_client, shanghai):
    found = picks(admin_client, "role", "organization", "UN DESA")

    assert found[0] == "UN DESA — United Nations Department of Economic and Social Affairs"
    assert "Division for Public Institutions and Digital Government, in UN DESA" in found[1:]


def test_organization_pick_shows_acronym_parent_and_country(admin_client):
    parent = OrganizationFactory(name="Ministry of Finance", short_name="MoF", country="CN")
    OrganizationFactory(name="Budget Office", short_name="BO", parent=parent, country="CN")

    found = picks(admin_client, "role", "organization", "Budget")

    assert found == ["BO — Budget Office, in MoF (CN)"]


def test_exact_name_ranks_before_names_that_only_contain_it(admin_client):
    OrganizationFactory(name="Institute of Statistics Research", slug="statistics-a")
    OrganizationFactory(name="Statistics", slug="statistics-b")

    found = picks(admin_client, "eventorganization", "organization", "statistics")

    assert found[0] == "Statistics"


def test_person_pick_shows_native_name_and_latest_title(
    admin_client, django_assert_max_num_queries
):
    person = PersonFactory(given_name="Yijia", family_name="Jing", native_name="竟以佳")
    RoleFactory(
        person=person,
        position_title="Lecturer",
        event=EventFactory(start_date=datetime.date(2019, 1, 1)),
    )
    RoleFactory(
        person=person,
        position_title="Professor",
        event=EventFactory(start_date=datetime.date(2021, 1, 1)),
    )
    for _ in range(10):
        RoleFactory(person=PersonFactory(family_name="Jingle"))

    with django_assert_max_num_queries(8):
        found = picks(admin_client, "role", "person", "Jing")

    assert "Yijia Jing (竟以佳) — Professor" in found
