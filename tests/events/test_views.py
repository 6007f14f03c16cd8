"""What a reader sees on the public pages."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from events.models import Role
from tests.factories import (
    EventFactory,
    EventOrganizationFactory,
    OrganizationFactory,
    PersonFactory,
    PresentationFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db


def visible_text(html):
    """The page's words as a reader meets them: tags dropped, white space collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_shanghai_page_shows_every_fact_of_the_source(client, shanghai):
    response = client.get(shanghai.get_absolute_url())
    page = response.content.decode()

    assert response.status_code == 200
    assert (
        "Advancing SMART Cities and Urban Digital Transformation to achieve Sustainable "
        "Development Goals" in page
    )
    assert '<time datetime="2021-09-09">9 September 2021</time>' in page
    assert "Online webinar" in page
    assert "United Nations Department of Economic and Social Affairs (UN DESA)" in page
    assert "Shanghai Academy of Social Sciences" in page
    assert "Shanghai Big Data Center" in page
    text = visible_text(page)
    assert (
        "Chair Adriana Alberti Chief of Programme Management and Capacity Building Unit, "
        "Division for Public Institutions and Digital Government, UN DESA" in text
    )
    assert (
        "Opening remarks Elliott Harris Assistant Secretary General for Economic Development "
        "and Chief Economist, UN DESA" in text
    )
    assert (
        "Opening remarks Zongyao Zhu Deputy Director, General Office of Shanghai Municipal "
        "Government" in text
    )
    assert "Opening remarks Zhen Wang Vice President, Shanghai Academy of Social Sciences" in text
    assert (
        "Digital Transformation and Urban Governance: A Case Study of "
        "&#x27;Government Online-Offline Shanghai&#x27;" in page
    )
    assert "strong digital leadership and innovation-friendly public sector culture" in page
    assert "government-citizens relations shall be appropriately managed and reshaped" in page
    assert "challenges and risks in digital transformation shall be foreseen" in page
    assert "answered questions from the audience" in page
    assert "more than 200" in page
    assert "Government officials responsible for digital transformation" in page
    assert "6 speakers reported" in page


def test_shanghai_page_shows_no_invented_time(client, shanghai):
    page = client.get(shanghai.get_absolute_url()).content.decode()
    assert "T00:00" not in page
    assert "00:00" not in page
    assert "UTC" not in page


def test_event_list_shows_published_events(client, shanghai):
    response = client.get(reverse("events:list"))
    assert shanghai.title in response.content.decode()


def test_draft_event_is_absent_from_the_list(client, shanghai):
    draft = EventFactory(draft=True, title="Secret planning meeting")
    response = client.get(reverse("events:list"))
    assert response.status_code == 200
    assert draft.title not in response.content.decode()


def test_draft_event_page_answers_404_to_anonymous_readers(client):
    draft = EventFactory(draft=True)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_draft_event_page_is_previewed_by_staff_with_a_banner(admin_client):
    draft = EventFactory(draft=True)
    response = admin_client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Draft — not public" in response.content.decode()


def test_draft_presentation_answers_404(client):
    presentation = PresentationFactory(event=EventFactory(draft=True))
    assert client.get(presentation.get_absolute_url()).status_code == 404


def test_unknown_event_answers_404(client):
    url = reverse("events:detail", kwargs={"slug": "no-such-event"})
    assert client.get(url).status_code == 404


def test_presentation_page_shows_speakers_and_key_points(client, shanghai):
    keynote = shanghai.presentations.get(kind="keynote")
    page = client.get(keynote.get_absolute_url()).content.decode()
    assert "Professor Yijia Jing" in page
    assert "strong digital leadership" in page


def test_person_page_shows_roles_with_titles_at_the_time(client, shanghai):
    person = shanghai.roles.get(kind=Role.Kind.CHAIR).person
    page = client.get(person.get_absolute_url()).content.decode()
    assert "Adriana Alberti" in page
    assert "Chair" in page
    assert "Chief of Programme Management and Capacity Building Unit" in page


def test_person_known_only_from_a_draft_answers_404(client):
    role = RoleFactory(event=EventFactory(draft=True))
    assert client.get(role.person.get_absolute_url()).status_code == 404
    assert role.person.name not in client.get(reverse("people:person_list")).content.decode()


def test_organization_page_shows_parent_children_and_events(client, shanghai):
    desa = shanghai.organizations.get(slug="un-desa")
    page = client.get(desa.get_absolute_url()).content.decode()
    assert "Division for Public Institutions and Digital Government" in page
    assert shanghai.title in page
    fudan_page = client.get(reverse("people:organization", args=["fudan-university"]))
    assert fudan_page.status_code == 200
    assert "Institute for Global Public Policy" in fudan_page.content.decode()


def test_organization_known_only_from_a_draft_answers_404(client):
    participation = EventOrganizationFactory(event=EventFactory(draft=True))
    assert client.get(participation.organization.get_absolute_url()).status_code == 404


def test_people_list_is_alphabetical_by_family_name(client, shanghai):
    page = client.get(reverse("people:person_list")).content.decode()
    positions = [page.index(name) for name in ["Alberti", "Harris", "Jing", "Wang", "Zhu"]]
    assert positions == sorted(positions)


@pytest.mark.parametrize("roles", [2, 40])
def test_event_page_queries_do_not_grow_with_roles(client, django_assert_num_queries, roles):
    event = EventFactory()
    for _ in range(roles):
        RoleFactory(event=event, organization=OrganizationFactory(parent=OrganizationFactory()))
        EventOrganizationFactory(event=event)
    for n in range(roles):
        PresentationFactory(event=event, speakers=[PersonFactory()], order=n + 1)

    # A render: the event's light row (with its kept rendering, none yet), the event again
    # with what its body shows ("Last changed … — N changes" with that row), its related
    # records; the Cite section adds none.
    with django_assert_num_queries(10):
        response = client.get(event.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.parametrize("events", [1, 30])
def test_event_list_queries_do_not_grow_with_events(client, django_assert_num_queries, events):
    for _ in range(events):
        EventOrganizationFactory()

    # Right after a record change: the filters' options (years, organizations, topics,
    # series, and the five filters' counts per value) and the event count, each counted and
    # kept for the next readers (one write each), remembered until the next change, then the
    # page and its organizations.
    with django_assert_num_queries(14):
        response = client.get(reverse("events:list"))
    assert response.status_code == 200
    with override_settings(PAGE_CACHE_SECONDS=0), django_assert_num_queries(2):
        response = client.get(reverse("events:list"), {"page": 1})
    assert response.context["paginator"].count == events


def test_organization_list_includes_parents_of_named_units(client):
    body = OrganizationFactory(name="Top body")
    division = OrganizationFactory(name="Middle division", parent=body)
    unit = OrganizationFactory(name="Small unit", parent=division)
    RoleFactory(organization=unit)
    OrganizationFactory(name="Unrelated body")

    page = client.get(reverse("people:organization_list")).content.decode()

    assert "Top body" in page and "Middle division" in page and "Small unit" in page
    assert "Unrelated body" not in page
