"""Identifiers leave the site in every format: schema.org `sameAs` and `identifier`
(PropertyValue), Popolo `identifiers`, the API and the CSV."""

import csv
import io

import pytest
from django.urls import reverse

from tests.events.test_exports_jsonld import embedded_jsonld, jsonld_of
from tests.events.test_exports_popolo import popolo_of, schema_errors
from tests.factories import (
    EventFactory,
    EventOrganizationFactory,
    OrganizationFactory,
    PersonFactory,
    RoleFactory,
)
from tests.standards.schemaorg import vocabulary

pytestmark = pytest.mark.django_db

ORCID = "0000-0002-1825-0097"
ROR = "013q1eq08"


@pytest.fixture
def identified():
    """A published event with a person and an organization that carry identifiers."""
    organization = OrganizationFactory(
        slug="identified-institute", ror=ROR, wikidata="Q1065", website="https://example.org/"
    )
    person = PersonFactory(slug="ada-identified", orcid=ORCID, isni="0000000121032683")
    event = EventFactory()
    RoleFactory(event=event, person=person, organization=organization)
    EventOrganizationFactory(event=event, organization=organization)
    return {"event": event, "person": person, "organization": organization}


def test_person_jsonld_has_same_as_and_identifier_property_values(client, identified):
    data = embedded_jsonld(client.get(identified["person"].get_absolute_url()))

    assert vocabulary().check(data) == []
    assert data["sameAs"] == [
        f"https://orcid.org/{ORCID}",
        "https://isni.org/isni/0000000121032683",
    ]
    assert data["identifier"][0] == {
        "@type": "PropertyValue",
        "propertyID": "ORCID",
        "value": ORCID,
        "url": f"https://orcid.org/{ORCID}",
    }


def test_organization_jsonld_keeps_its_website_beside_its_identifiers(client, identified):
    data = embedded_jsonld(client.get(identified["organization"].get_absolute_url()))

    assert vocabulary().check(data) == []
    assert data["sameAs"] == [
        "https://example.org/",
        f"https://ror.org/{ROR}",
        "https://www.wikidata.org/wiki/Q1065",
    ]
    assert [v["propertyID"] for v in data["identifier"]] == ["ROR", "Wikidata"]


def test_event_jsonld_carries_the_identifiers_of_its_people_and_organizations(client, identified):
    data = jsonld_of(client, identified["event"])

    assert vocabulary().check(data) == []
    assert f"https://ror.org/{ROR}" in str(data["organizer"])
    assert f"https://orcid.org/{ORCID}" in str(data)


def test_popolo_has_identifiers_and_validates(client, identified):
    data = popolo_of(client)

    assert schema_errors(data) == {}
    person = next(p for p in data["persons"] if p["id"] == "person/ada-identified")
    organization = next(
        o for o in data["organizations"] if o["id"] == "organization/identified-institute"
    )
    assert person["identifiers"] == [
        {"scheme": "orcid", "identifier": ORCID},
        {"scheme": "isni", "identifier": "0000000121032683"},
    ]
    assert {"scheme": "ror", "identifier": ROR} in organization["identifiers"]


def test_popolo_of_a_record_without_identifiers_has_none(client, shanghai):
    data = popolo_of(client)

    assert all("identifiers" not in item for item in data["persons"] + data["organizations"])


def test_api_details_give_the_identifiers(client, identified):
    person = client.get(reverse("api:person-detail", args=["ada-identified"])).json()
    organization = client.get(
        reverse("api:organization-detail", args=["identified-institute"])
    ).json()

    assert (person["orcid"], person["isni"], person["wikidata"]) == (
        ORCID,
        "0000000121032683",
        "",
    )
    assert (organization["ror"], organization["wikidata"]) == (ROR, "Q1065")


def csv_rows(client, name):
    response = client.get(reverse(f"data:{name}_csv"))
    return list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))


def test_csv_has_identifier_columns(client, identified):
    people = {row["slug"]: row for row in csv_rows(client, "people")}
    organizations = {row["slug"]: row for row in csv_rows(client, "organizations")}

    assert people["ada-identified"]["orcid"] == ORCID
    assert organizations["identified-institute"]["ror"] == ROR
    assert organizations["identified-institute"]["wikidata"] == "Q1065"
