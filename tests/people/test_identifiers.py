"""ORCID, ISNI, ROR and Wikidata identifiers: checked, stored one way, unique, shown, merged."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from people.identifiers import popolo_identifiers, property_values, same_as
from people.merging import MergeError, merge
from people.models import Organization, Person
from tests.admin_forms import change_url, changeform_data
from tests.factories import (
    EventOrganizationFactory,
    OrganizationFactory,
    PersonFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db

# Published examples of each scheme: ORCID's own test iD (Josiah Carberry), the ISNI in the
# ISO 27729 examples, a ROR ID, a Wikidata item. None is put on a real person in the fixture.
ORCID = "0000-0002-1825-0097"
ISNI = "0000000121032683"
ROR = "013q1eq08"
WIKIDATA = "Q42"


@pytest.mark.parametrize(
    ("field", "pasted", "stored"),
    [
        ("orcid", "https://orcid.org/0000-0002-1825-0097", ORCID),
        ("orcid", "0000000218250097", ORCID),
        ("orcid", " 0000-0002-1694-233x ", "0000-0002-1694-233X"),
        ("isni", "0000 0001 2103 2683", ISNI),
        ("isni", "https://isni.org/isni/0000000121032683", ISNI),
        ("wikidata", "https://www.wikidata.org/wiki/Q42", WIKIDATA),
        ("wikidata", "q42", WIKIDATA),
    ],
)
def test_person_identifier_pasted_any_way_is_stored_compact(field, pasted, stored):
    person = PersonFactory.build(**{field: pasted})

    person.full_clean()

    assert getattr(person, field) == stored


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("orcid", "0000-0002-1825-0098", "check digit"),
        ("orcid", "0000-0002-1825", "16 digits"),
        ("isni", "0000 0001 2103 2684", "check digit"),
        ("isni", "0000 0001 2103", "16 digits"),
        ("wikidata", "Q0042", "Q followed by its number"),
        ("wikidata", "P31", "Q followed by its number"),
    ],
)
def test_person_identifier_with_a_typo_is_refused_with_a_reason(field, value, says):
    person = PersonFactory.build(**{field: value})

    with pytest.raises(ValidationError) as raised:
        person.full_clean()

    assert says in " ".join(raised.value.message_dict[field])


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("013q1eq08", True),
        ("https://ror.org/05dxps055", True),
        ("013q1eq09", False),  # check digits
        ("113q1eq08", False),  # must start with 0
        ("013q1eu08", False),  # "u" is not Crockford base 32
    ],
)
def test_organization_ror_is_checked_by_its_check_digits(value, valid):
    organization = OrganizationFactory.build(ror=value)

    if valid:
        organization.full_clean()
        assert organization.ror == value.removeprefix("https://ror.org/")
    else:
        with pytest.raises(ValidationError) as raised:
            organization.full_clean()
        assert "ror" in raised.value.message_dict


def test_person_identifier_is_unique_in_the_database():
    PersonFactory(orcid=ORCID)

    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(orcid=ORCID)


def test_person_without_identifiers_many_times_is_fine():
    PersonFactory(), PersonFactory()

    assert Person.objects.filter(orcid="").count() == 2


def test_wikidata_item_of_an_organization_is_refused_for_a_person():
    organization = OrganizationFactory(wikidata="Q1065")
    person = PersonFactory.build(wikidata="Q1065")

    with pytest.raises(ValidationError) as raised:
        person.full_clean()

    assert str(organization) in " ".join(raised.value.message_dict["wikidata"])


def test_shanghai_fixture_has_no_identifiers(shanghai):
    # Its source names no ORCID, ISNI, ROR or Wikidata entry; none may be invented.
    people = Person.objects.filter(roles__event=shanghai).distinct()
    organizations = Organization.objects.filter(event_participations__event=shanghai)
    assert people.count() == 5
    assert organizations.exists()
    for record in [*people, *organizations]:
        assert record.identifiers == [], record


def test_exports_of_identifiers_name_scheme_value_and_address():
    person = PersonFactory(orcid=ORCID, wikidata=WIKIDATA)

    assert same_as(person) == [f"https://orcid.org/{ORCID}", "https://www.wikidata.org/wiki/Q42"]
    assert property_values(person)[0] == {
        "@type": "PropertyValue",
        "propertyID": "ORCID",
        "value": ORCID,
        "url": f"https://orcid.org/{ORCID}",
    }
    assert popolo_identifiers(person) == [
        {"scheme": "orcid", "identifier": ORCID},
        {"scheme": "wikidata", "identifier": WIKIDATA},
    ]


def test_person_page_links_each_identifier(client):
    person = PersonFactory(orcid=ORCID, isni=ISNI)
    RoleFactory(person=person)

    page = client.get(person.get_absolute_url()).content.decode()

    assert f'href="https://orcid.org/{ORCID}"' in page
    assert f'href="https://isni.org/isni/{ISNI}"' in page
    assert "0000 0001 2103 2683" in page  # ISNI as it is written for readers


def test_organization_page_links_its_ror(client):
    organization = OrganizationFactory(ror=ROR)
    EventOrganizationFactory(organization=organization)

    page = client.get(organization.get_absolute_url()).content.decode()

    assert f'href="https://ror.org/{ROR}"' in page


def test_namesakes_include_a_record_with_the_same_identifier_under_another_name():
    existing = PersonFactory(given_name="Jane", family_name="Roe", orcid=ORCID)
    probe = Person(given_name="J.", family_name="Roe-Smith", orcid=ORCID)

    assert probe.namesakes() == [existing]


def test_admin_add_with_an_identifier_already_recorded_links_to_that_record(admin_client):
    existing = PersonFactory(given_name="Jane", family_name="Roe", orcid=ORCID)
    add = reverse("admin:people_person_add")
    data = changeform_data(admin_client.get(add))
    data.update(
        given_name="Janet",
        family_name="Smith",
        slug="janet-smith",
        orcid=f"https://orcid.org/{ORCID}",
        not_a_duplicate="on",  # ticking the box does not make a shared identifier two people
    )

    response = admin_client.post(add, data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "This identifier is already recorded for" in page
    assert f'href="{change_url(existing)}"' in page
    assert not Person.objects.filter(slug="janet-smith").exists()


def test_admin_change_shows_a_clear_error_for_a_bad_check_digit(admin_client):
    organization = OrganizationFactory()
    data = changeform_data(admin_client.get(change_url(organization)))
    data.update(ror="013q1eq09")

    response = admin_client.post(change_url(organization), data)

    assert response.status_code == 200
    assert "check digits" in response.content.decode()
    organization.refresh_from_db()
    assert organization.ror == ""


def test_admin_change_stores_a_pasted_address_compact(admin_client):
    organization = OrganizationFactory()
    data = changeform_data(admin_client.get(change_url(organization)))
    data.update(ror=f"https://ror.org/{ROR}", wikidata="https://www.wikidata.org/wiki/Q1065")

    response = admin_client.post(change_url(organization), data)

    assert response.status_code == 302
    organization.refresh_from_db()
    assert (organization.ror, organization.wikidata) == (ROR, "Q1065")


def test_merge_gives_the_kept_record_the_duplicates_identifiers():
    kept = PersonFactory(wikidata=WIKIDATA)
    duplicate = PersonFactory(orcid=ORCID)

    merge(kept, duplicate)

    kept.refresh_from_db()
    assert (kept.orcid, kept.wikidata) == (ORCID, WIKIDATA)


def test_merge_of_records_with_different_identifiers_is_refused():
    kept = PersonFactory(orcid=ORCID)
    duplicate = PersonFactory(orcid="0000-0001-5109-3700")
    role = RoleFactory(person=duplicate)

    with pytest.raises(MergeError, match="different ORCID"):
        merge(kept, duplicate)

    role.refresh_from_db()
    assert role.person == duplicate
