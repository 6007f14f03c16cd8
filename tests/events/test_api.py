import datetime

import pytest
from django.urls import reverse

from tests.factories import (
    EventFactory,
    EventOrganizationFactory,
    KeyPointFactory,
    OrganizationFactory,
    PersonFactory,
    PresentationFactory,
    RoleFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def slugs(response):
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["results"]]


def test_event_list_shows_published_events_only(client):
    published = EventFactory()
    EventFactory(draft=True)

    response = client.get(reverse("api:event-list"))

    assert slugs(response) == [published.slug]
    assert response.json()["count"] == 1


def test_draft_event_detail_is_not_found(client):
    draft = EventFactory(draft=True)

    response = client.get(reverse("api:event-detail", args=[draft.slug]))

    assert response.status_code == 404


def test_event_detail_of_the_shanghai_record_keeps_its_facts(client, shanghai):
    response = client.get(reverse("api:event-detail", args=[shanghai.slug]))

    data = response.json()
    assert data["start_date"] == "2021-09-09"
    assert data["start_time"] is None
    assert data["participant_count"] == 200
    assert data["participant_count_qualifier"] == "more-than"
    assert data["participant_count_display"] == "more than 200"
    assert data["roles"][0]["kind"] == "chair"
    assert data["roles"][0]["title_at_the_time"].startswith("Chief of Programme Management")
    assert data["organizations"][0]["part"] == "host"
    assert data["sources"][0]["slug"] == "fudan-igpp-report-2021-09-09"
    assert len(data["presentations"]) == 4


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"year": 2021}, ["match"]),
        ({"kind": "conference"}, ["match"]),
        ({"attendance_mode": "in-person"}, ["match"]),
        ({"organization": "fudan"}, ["match"]),
        ({"topic": "smart-cities"}, ["match"]),
        ({"q": "urban"}, ["match"]),
        ({"q": "Lovelace"}, ["match"]),
        ({"q": "nothing-like-this"}, []),
    ],
)
def test_event_list_filters_like_the_public_list(client, query, expected):
    match = EventFactory(
        slug="match",
        title="Urban futures",
        start_date=datetime.date(2021, 5, 1),
        kind="conference",
        attendance_mode="in-person",
    )
    EventOrganizationFactory(event=match, organization=OrganizationFactory(slug="fudan"))
    match.topics.add(TopicFactory(slug="smart-cities"))
    RoleFactory(event=match, person=PersonFactory(family_name="Lovelace"))
    EventFactory(slug="other", title="Rural pasts", start_date=datetime.date(2022, 5, 1))

    response = client.get(reverse("api:event-list"), query)

    assert slugs(response) == expected


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"year": "twenty"}, "year"),
        ({"year": 99999}, "year"),
        ({"kind": "party"}, "kind"),
        ({"attendance_mode": "telepathy"}, "attendance_mode"),
        ({"topic": "not a slug"}, "topic"),
        ({"q": "nul\x00byte"}, "q"),
    ],
)
def test_event_list_rejects_a_bad_filter_with_a_clear_message(client, query, field):
    response = client.get(reverse("api:event-list"), query)

    assert response.status_code == 400
    assert field in response.json()


def test_event_list_is_paginated(client):
    for _ in range(21):
        EventFactory()

    first = client.get(reverse("api:event-list")).json()
    beyond = client.get(reverse("api:event-list"), {"page": 99})

    assert first["count"] == 21
    assert len(first["results"]) == 20
    assert first["next"].endswith("?page=2")
    assert beyond.status_code == 404


def test_people_and_organizations_lists_leave_out_drafts(client):
    published = RoleFactory()
    draft = RoleFactory(event=EventFactory(draft=True))

    people = slugs(client.get(reverse("api:person-list")))
    organizations = slugs(client.get(reverse("api:organization-list")))

    assert people == [published.person.slug]
    assert published.organization.slug in organizations
    assert draft.organization.slug not in organizations
    assert client.get(reverse("api:person-detail", args=[draft.person.slug])).status_code == 404


def test_people_list_searches_names(client, shanghai):
    response = client.get(reverse("api:person-list"), {"q": "alberti"})

    assert slugs(response) == ["adriana-alberti"]


def test_presentation_detail_is_named_by_event_and_slug(client, shanghai):
    response = client.get(
        reverse(
            "api:presentation-detail",
            args=[shanghai.slug, "digital-transformation-and-urban-governance"],
        )
    )

    data = response.json()
    assert data["event"] == shanghai.slug
    assert data["speakers"][0]["slug"] == "yijia-jing"
    assert data["qa_followed"] is True
    assert len(data["key_points"]) == 3


def test_presentations_of_drafts_are_hidden(client):
    draft = PresentationFactory(event=EventFactory(draft=True))
    published = PresentationFactory()

    listed = slugs(client.get(reverse("api:presentation-list")))
    detail = client.get(reverse("api:presentation-detail", args=[draft.event.slug, draft.slug]))

    assert listed == [published.slug]
    assert detail.status_code == 404


def test_presentation_list_filters_by_event(client, shanghai):
    PresentationFactory()

    response = client.get(reverse("api:presentation-list"), {"event": shanghai.slug})

    assert len(slugs(response)) == 4


def test_openapi_document_is_served_at_a_stable_address(client):
    response = client.get(reverse("api:schema"), {"format": "json"})

    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert "/api/events/" in document["paths"]
    assert {p["name"] for p in document["paths"]["/api/events/"]["get"]["parameters"]} >= {
        "year",
        "kind",
        "attendance_mode",
        "organization",
        "topic",
        "q",
        "page",
    }


def make_rich_events(count):
    for _ in range(count):
        event = EventFactory()
        EventOrganizationFactory(
            event=event, organization=OrganizationFactory(parent=OrganizationFactory())
        )
        event.topics.add(TopicFactory())
        RoleFactory(event=event, organization=OrganizationFactory(parent=OrganizationFactory()))
        KeyPointFactory(presentation=PresentationFactory(event=event, speakers=[PersonFactory()]))
    return event


@pytest.mark.parametrize("events", [1, 15])
def test_event_list_queries_do_not_grow_with_events(client, django_assert_num_queries, events):
    make_rich_events(events)

    # Count, page, organizations, topics.
    with django_assert_num_queries(4):
        response = client.get(reverse("api:event-list"))

    assert response.json()["count"] == events


@pytest.mark.parametrize("size", [1, 8])
def test_event_detail_queries_do_not_grow_with_roles(client, django_assert_num_queries, size):
    event = make_rich_events(1)
    for _ in range(size):
        RoleFactory(event=event, organization=OrganizationFactory(parent=OrganizationFactory()))
        KeyPointFactory(presentation=PresentationFactory(event=event, speakers=[PersonFactory()]))

    with django_assert_num_queries(9):
        response = client.get(reverse("api:event-detail", args=[event.slug]))

    assert len(response.json()["roles"]) == size + 1


@pytest.mark.parametrize("size", [1, 15])
def test_people_organizations_and_presentations_lists_queries_are_constant(
    client, django_assert_num_queries, size
):
    make_rich_events(size)

    with django_assert_num_queries(2):
        client.get(reverse("api:person-list"))
    # Organizations and their ancestors come from one query, plus the count.
    with django_assert_num_queries(2):
        client.get(reverse("api:organization-list"))
    with django_assert_num_queries(4):
        response = client.get(reverse("api:presentation-list"))

    assert response.json()["count"] == size
