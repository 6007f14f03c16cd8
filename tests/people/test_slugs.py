"""Slugs from any script, at most 60 characters cut at a word, in the displayed name order."""

import pytest

from events.models import Event, Presentation, Source
from people.models import Organization, Person
from people.slugs import cut_at_word, slug_from
from tests.factories import EventFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("스마트 도시와 디지털 정부", "seumateu-dosiwa-dijiteol-jeongbu"),
        ("上海智慧城市", "shang-hai-zhi-hui-cheng-shi"),
        ("Умный город", "umnyy-gorod"),
        ("المدن الذكية", "lmdn-ldhkyh"),
        ("Zürich: Café & Co.", "zurich-cafe-co"),
    ],
)
def test_slug_is_transliterated_from_any_script(text, slug):
    assert slug_from(text) == slug


def test_long_slug_is_cut_at_a_word_within_60_characters():
    title = "Advancing smart cities and digital government through innovation in public services"

    slug = slug_from(title)

    assert len(slug) <= 60
    assert slug == "advancing-smart-cities-and-digital-government-through"
    assert title.lower().replace(" ", "-").startswith(slug + "-")


def test_a_single_word_longer_than_the_limit_is_cut_where_it_must_be():
    assert cut_at_word("a" * 70) == "a" * 60


def test_event_with_a_korean_title_gets_a_slug_on_save():
    event = Event(title="스마트 도시", start_date="2020-06-01", end_date="2020-06-01")

    event.full_clean()
    event.save()

    assert event.slug == "seumateu-dosi"


def test_person_slug_follows_the_displayed_name_order():
    person = Person(given_name="Jae-young", family_name="Lee", name_order="family-first")

    person.save()

    assert person.name == "Lee Jae-young"
    assert person.slug == "lee-jae-young"


def test_a_taken_slug_gets_a_number():
    PersonFactory(given_name="Wei", family_name="Zhang", slug="wei-zhang")

    person = Person.objects.create(given_name="Wei", family_name="Zhang")

    assert person.slug == "wei-zhang-2"


def test_presentation_slug_is_unique_within_its_event_only():
    event, other = EventFactory(), EventFactory()
    Presentation.objects.create(event=other, title="Opening", order=1)
    first = Presentation.objects.create(event=event, title="Opening", order=1)
    second = Presentation.objects.create(event=event, title="Opening", order=2)

    assert (first.slug, second.slug) == ("opening", "opening-2")


def test_organization_and_source_slugs_are_made_from_their_names():
    organization = Organization.objects.create(name="서울연구원")
    source = Source.objects.create(title="新闻稿")

    assert organization.slug == "seoulyeonguwon"
    assert source.slug == "xin-wen-gao"


def test_admin_adds_a_person_with_an_empty_slug(admin_client):
    from django.urls import reverse

    from tests.admin_forms import changeform_data

    data = changeform_data(admin_client.get(reverse("admin:people_person_add")))
    data.update(given_name="Jae-young", family_name="Lee", name_order="family-first", slug="")

    response = admin_client.post(reverse("admin:people_person_add"), data)

    assert response.status_code == 302, response.context["errors"]
    assert Person.objects.get().slug == "lee-jae-young"
