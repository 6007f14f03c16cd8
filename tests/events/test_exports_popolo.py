import datetime
import json

import pytest
from django.urls import reverse

from tests.factories import (
    EventFactory,
    EventOrganizationFactory,
    OrganizationFactory,
    PersonFactory,
    PresentationFactory,
    RoleFactory,
    SourceFactory,
)
from tests.standards import popolo

pytestmark = pytest.mark.django_db

COLLECTIONS = {
    "persons": "person",
    "organizations": "organization",
    "memberships": "membership",
    "events": "event",
    "speeches": "speech",
}


def popolo_of(client):
    response = client.get(reverse("data:popolo"))
    assert response.status_code == 200
    return json.loads(response.getvalue())


def schema_errors(data):
    return {
        (collection, item.get("id")): errors
        for collection, schema in COLLECTIONS.items()
        for item in data[collection]
        if (errors := popolo.errors(schema, item))
    }


def test_popolo_validator_rejects_an_object_that_breaks_the_schema():
    assert popolo.errors("event", {"start_date": "9 September 2021"})
    assert popolo.errors("membership", {"sources": [{"note": "no url"}]})
    assert popolo.errors("person", {"name": 3})


def test_popolo_of_the_shanghai_record_validates_against_the_popolo_schemas(client, shanghai):
    data = popolo_of(client)

    assert schema_errors(data) == {}
    assert len(data["persons"]) == 5
    assert len(data["organizations"]) == 8
    assert len(data["memberships"]) == 5
    assert len(data["events"]) == 1 + 4
    assert len(data["speeches"]) == 4


def test_popolo_of_varied_records_validates_and_its_references_resolve(client):
    event = EventFactory(start_time=datetime.time(9), time_zone="Asia/Shanghai")
    event.sources.add(SourceFactory(url="https://example.org/report"))
    EventOrganizationFactory(
        event=event, organization=OrganizationFactory(parent=OrganizationFactory())
    )
    speaker = PersonFactory(honorific="Dr", native_name="王小明", website="https://example.org")
    RoleFactory(event=event, person=speaker)
    RoleFactory(event=event, organization=None)
    PresentationFactory(event=event, speakers=[speaker], start_time=datetime.time(9, 30))

    data = popolo_of(client)

    assert schema_errors(data) == {}
    ids = {item["id"] for collection in COLLECTIONS for item in data[collection]}
    references = [
        item.get(key)
        for collection in COLLECTIONS
        for item in data[collection]
        for key in ("person_id", "organization_id", "parent_id", "event_id", "creator_id")
        if item.get(key)
    ]
    assert references and set(references) <= ids
    assert data["events"][0]["start_date"] == "2022-03-01T09:00:00+08:00"


def test_popolo_memberships_carry_the_title_at_the_time_with_dates(client, shanghai):
    data = popolo_of(client)

    membership = next(m for m in data["memberships"] if m["person_id"] == "person/zhen-wang")

    assert membership["role"] == "Vice President"
    assert membership["organization_id"] == "organization/shanghai-academy-of-social-sciences"
    assert membership["start_date"] == membership["end_date"] == "2021-09-09"
    assert membership["sources"][0]["url"].endswith(shanghai.get_absolute_url())


def test_popolo_events_keep_organizer_parent_and_sources(client, shanghai):
    data = popolo_of(client)
    events = {event["id"]: event for event in data["events"]}

    webinar = events["event/advancing-smart-cities-2021-09-09"]
    keynote = events[
        "event/advancing-smart-cities-2021-09-09/digital-transformation-and-urban-governance"
    ]

    assert webinar["organization_id"] == "organization/un-desa"
    assert webinar["start_date"] == "2021-09-09"
    assert "More than 200 participants." in webinar["description"]
    assert "address is not known" in webinar["sources"][0]["note"]
    assert keynote["parent_id"] == webinar["id"]


def test_popolo_organizations_name_their_parent(client, shanghai):
    data = popolo_of(client)
    organizations = {org["id"]: org for org in data["organizations"]}

    assert organizations["organization/fudan-igpp"]["parent_id"] == "organization/fudan-university"
    assert organizations["organization/un-desa"]["parent_id"] is None


def test_popolo_leaves_out_drafts_and_their_people(client):
    published = RoleFactory()
    draft = RoleFactory(event=EventFactory(draft=True))

    data = popolo_of(client)

    person_ids = {person["id"] for person in data["persons"]}
    assert f"person/{published.person.slug}" in person_ids
    assert f"person/{draft.person.slug}" not in person_ids
    assert f"event/{draft.event.slug}" not in {event["id"] for event in data["events"]}


@pytest.mark.parametrize("events", [1, 10])
def test_popolo_queries_do_not_grow_with_events(client, django_assert_num_queries, events):
    for _ in range(events):
        event = EventFactory()
        RoleFactory(event=event, organization=OrganizationFactory(parent=OrganizationFactory()))
        PresentationFactory(event=event, speakers=[PersonFactory()])

    # Organizations and their ancestors come from one query, not one per row or level.
    with django_assert_num_queries(8):
        data = json.loads(client.get(reverse("data:popolo")).getvalue())

    assert len(data["events"]) == 2 * events


def test_popolo_membership_and_speech_name_their_own_source_not_every_source(client):
    event = EventFactory()
    news = SourceFactory(title="News article", url="https://example.org/news", text="Ada spoke.")
    page = SourceFactory(title="Event page", url="https://example.org/event", text="A webinar.")
    event.sources.add(news, page)
    RoleFactory(event=event, source=news, quote="Ada spoke.")
    speaker = PersonFactory()
    PresentationFactory(event=event, source=page, quote="A webinar.", speakers=[speaker])

    data = popolo_of(client)

    assert [s["url"] for s in data["memberships"][0]["sources"]] == ["https://example.org/news"]
    assert [s["url"] for s in data["speeches"][0]["sources"]] == ["https://example.org/event"]
    event_sources = next(e for e in data["events"] if e["id"] == f"event/{event.slug}")["sources"]
    assert len(event_sources) == 2


def test_popolo_marks_the_language_of_sources_and_original_titles(client):
    event = EventFactory(
        title="Seoul smart city forum",
        title_zh_hans="首尔智慧城市论坛",
        original_title="서울 스마트시티 포럼",
        original_title_language="ko",
    )
    news = SourceFactory(
        title="서울시 보도자료", url="https://example.org/ko", text="시장이 말했다.", language="ko"
    )
    event.sources.add(news)
    PresentationFactory(
        event=event,
        source=news,
        quote="시장이 말했다.",
        original_title="기조연설",
        original_title_language="ko",
    )
    EventOrganizationFactory(
        event=event, organization=OrganizationFactory(name="Seoul", name_zh_hans="首尔市")
    )

    data = popolo_of(client)

    assert schema_errors(data) == {}
    record = next(e for e in data["events"] if e["id"] == f"event/{event.slug}")
    talk = next(e for e in data["events"] if e.get("parent_id") == record["id"])
    assert {"name": "서울 스마트시티 포럼", "lang": "ko", "note": "Original title"} in record[
        "other_names"
    ]
    assert {"name": "首尔智慧城市论坛", "lang": "zh-Hans", "note": "Title in zh-Hans"} in record[
        "other_names"
    ]
    assert {"name": "기조연설", "lang": "ko", "note": "Original title"} in talk["other_names"]
    assert record["sources"] == [
        {"url": "https://example.org/ko", "note": "서울시 보도자료", "lang": "ko"}
    ]
    assert talk["sources"][0]["lang"] == "ko", "the quote's language is its source's"
    (seoul,) = [o for o in data["organizations"] if o["name"] == "Seoul"]
    assert {"name": "首尔市", "lang": "zh-Hans", "note": "Name in zh-Hans"} in seoul["other_names"]
