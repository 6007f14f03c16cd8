import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from people.models import Person, normalise_name
from tests.factories import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_organization_cannot_be_its_own_parent_in_the_database():
    organization = OrganizationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(organization).objects.filter(pk=organization.pk).update(parent=organization)


def test_organization_cannot_be_its_own_ancestor():
    university = OrganizationFactory(name="Fudan University")
    institute = OrganizationFactory(parent=university)
    unit = OrganizationFactory(parent=institute)
    university.parent = unit
    with pytest.raises(ValidationError) as error:
        university.full_clean()
    assert "parent" in error.value.message_dict
    with pytest.raises(ValidationError):
        university.save()


def test_organization_country_must_be_an_iso_code():
    organization = OrganizationFactory.build(country="China")
    with pytest.raises(ValidationError) as error:
        organization.full_clean()
    assert "country" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganizationFactory(country="cn")


def test_organization_affiliation_names_the_parent_unless_already_said():
    government = OrganizationFactory(name="Shanghai Municipal Government")
    office = OrganizationFactory(
        name="General Office of Shanghai Municipal Government", parent=government
    )
    university = OrganizationFactory(name="Fudan University")
    institute = OrganizationFactory(name="Institute for Global Public Policy", parent=university)
    assert office.affiliation_label() == "General Office of Shanghai Municipal Government"
    assert institute.affiliation_label() == "Institute for Global Public Policy, Fudan University"


def test_person_name_follows_the_written_order():
    western = PersonFactory.build(given_name="Yijia", family_name="Jing")
    eastern = PersonFactory.build(
        given_name="Yijia", family_name="Jing", name_order=Person.NameOrder.FAMILY_FIRST
    )
    assert western.name == "Yijia Jing"
    assert eastern.name == "Jing Yijia"
    assert western.sort_name == eastern.sort_name == "Jing, Yijia"


def test_people_sort_by_family_name():
    PersonFactory(given_name="Zongyao", family_name="Zhu")
    PersonFactory(given_name="Adriana", family_name="Alberti")
    PersonFactory(given_name="Yijia", family_name="Jing")
    assert [p.family_name for p in Person.objects.all()] == ["Alberti", "Jing", "Zhu"]


def test_person_needs_a_family_name():
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(family_name="")


def test_normalised_names_ignore_case_accents_and_order():
    assert normalise_name("José GARCÍA") == normalise_name("garcia jose")


def test_organization_nesting_is_bounded():
    organization = OrganizationFactory()
    for _ in range(organization.MAX_DEPTH - 1):
        organization = OrganizationFactory(parent=organization)
    too_deep = OrganizationFactory.build(parent=organization)
    with pytest.raises(ValidationError, match="at most 5 levels"):
        too_deep.full_clean()
