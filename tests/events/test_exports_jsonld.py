import datetime
import json
import re

import pytest
from django.urls import reverse

from events.opendata import common, jsonld
from tests.factories import (
    EventFactory,
    EventOrganizationFactory,
    OrganizationFactory,
    PersonFactory,
    PresentationFactory,
    RoleFactory,
    SourceFactory,
    TopicFactory,
)
from tests.standards.schemaorg import is_iso_8601, vocabulary

pytestmark = pytest.mark.django_db

JSONLD_SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def embedded_jsonld(response):
    blocks = JSONLD_SCRIPT.findall(response.content.decode())
    assert len(blocks) == 1, "the page embeds exactly one JSON-LD block"
    return json.loads(blocks[0])


def jsonld_of(client, event):
    response = client.get(reverse("data:event_jsonld", args=[event.slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    return response.json()


def full_event():
    event = EventFactory(
        start_time=datetime.time(14),
        end_time=datetime.time(16),
        time_zone="Asia/Shanghai",
        attendance_mode="mixed",
        location="Fudan University, Shanghai",
        language="en",
        audience="Officials",
        participant_count=50,
        participant_count_qualifier="about",
    )
    event.topics.add(TopicFactory())
    event.sources.add(SourceFactory(url="https://example.org/report", publisher="A publisher"))
    EventOrganizationFactory(event=event, organization=OrganizationFactory(kind="university"))
    EventOrganizationFactory(event=event, part="sponsor")
    EventOrganizationFactory(event=event, part="collaborator")
    RoleFactory(
        event=event, kind="chair", organization=OrganizationFactory(parent=OrganizationFactory())
    )
    speaker = PersonFactory(honorific="Dr", website="https://example.org/me")
    RoleFactory(event=event, person=speaker)
    PresentationFactory(
        event=event, speakers=[speaker], summary="Summary", start_time=datetime.time(15)
    )
    return event


def test_schemaorg_checker_rejects_what_the_vocabulary_does_not_allow():
    vocab = vocabulary()

    problems = vocab.check(
        {
            "@type": "Event",
            "startDate": "9 September 2021",
            "jobTitle": "Chief",
            "madeUpProperty": 1,
            "organizer": {"@type": "Place", "name": "x"},
            "eventStatus": "https://schema.org/OnlineEventAttendanceMode",
            "performer": {"@type": "Role", "roleName": "Chair", "familyName": "x"},
            "about": {"@type": "NoSuchType"},
        }
    )

    assert any("startDate" in p and "ISO 8601" in p for p in problems)
    assert any("'jobTitle' is not allowed on Event" in p for p in problems)
    assert any("'madeUpProperty' is not a schema.org property" in p for p in problems)
    assert any("Place is not in the range of 'organizer'" in p for p in problems)
    assert any(
        "OnlineEventAttendanceMode is not in the range of 'eventStatus'" in p for p in problems
    )
    assert any("'familyName' is not allowed on Role" in p for p in problems)
    assert any("unknown @type 'NoSuchType'" in p for p in problems)


def test_schemaorg_checker_accepts_the_documented_role_pattern():
    problems = vocabulary().check(
        {
            "@type": "Event",
            "performer": {
                "@type": "Role",
                "roleName": "Chair",
                "performer": {"@type": "Person", "name": "Ada"},
            },
        }
    )

    assert problems == []


def test_event_jsonld_of_the_shanghai_record_is_valid_schemaorg(client, shanghai):
    data = jsonld_of(client, shanghai)

    assert vocabulary().check(data) == []
    assert data["@type"] == "Event"
    assert data["startDate"] == "2021-09-09"
    assert data["endDate"] == "2021-09-09"
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["location"] == {"@type": "VirtualLocation"}
    assert "maximumAttendeeCapacity" not in json.dumps(data)
    assert "More than 200 participants." in data["description"]


def test_event_jsonld_of_a_timed_event_with_every_part_is_valid_schemaorg(client):
    event = full_event()

    data = jsonld_of(client, event)

    assert vocabulary().check(data) == []
    assert data["startDate"] == "2022-03-01T14:00:00+08:00"
    assert data["endDate"] == "2022-03-01T16:00:00+08:00"
    assert data["subEvent"][0]["startDate"] == "2022-03-01T15:00:00+08:00"
    assert {location["@type"] for location in data["location"]} == {"VirtualLocation", "Place"}
    assert data["organizer"][0]["@type"] == "CollegeOrUniversity"
    assert "sponsor" in data and "contributor" in data
    assert data["subjectOf"][0]["url"] == "https://example.org/report"
    assert "About 50 participants." in data["description"]


def test_event_jsonld_dates_are_iso_8601(client, shanghai):
    data = jsonld_of(client, shanghai)

    dates = [data["startDate"], data["endDate"]] + [e["startDate"] for e in data["subEvent"]]

    assert all(is_iso_8601(value) for value in dates)
    assert all("T" not in value for value in dates), "a date-only record gains no time"


def test_event_jsonld_gives_each_performer_a_role_and_title_at_the_time(client, shanghai):
    data = jsonld_of(client, shanghai)

    chair = data["performer"][0]

    assert chair["@type"] == "Role"
    assert chair["roleName"] == "Chair"
    assert chair["performer"]["name"] == "Adriana Alberti"
    assert chair["description"].startswith("Chief of Programme Management")


def test_event_page_embeds_the_same_jsonld_as_its_download(client, shanghai):
    response = client.get(shanghai.get_absolute_url())

    assert embedded_jsonld(response) == jsonld_of(client, shanghai)


def test_event_page_escapes_markup_in_embedded_jsonld(client):
    event = EventFactory(title="</script><script>alert(1)</script> & more")

    response = client.get(event.get_absolute_url())

    assert "<script>alert(1)" not in response.content.decode()
    assert embedded_jsonld(response)["name"] == event.title


def test_person_page_embeds_valid_person_jsonld_with_titles_at_the_time(client, shanghai):
    response = client.get(reverse("people:person", args=["zhen-wang"]))

    data = embedded_jsonld(response)

    assert vocabulary().check(data) == []
    assert data["@type"] == "Person"
    assert data["affiliation"][0]["roleName"] == "Vice President"
    assert data["affiliation"][0]["startDate"] == "2021-09-09"
    assert data["affiliation"][0]["affiliation"]["name"] == "Shanghai Academy of Social Sciences"
    assert data["performerIn"][0]["url"].endswith(shanghai.get_absolute_url())


def test_organization_page_embeds_valid_organization_jsonld(client, shanghai):
    response = client.get(reverse("people:organization", args=["un-desa"]))

    data = embedded_jsonld(response)

    assert vocabulary().check(data) == []
    assert data["alternateName"] == "UN DESA"
    assert data["subOrganization"][0]["name"] == (
        "Division for Public Institutions and Digital Government"
    )
    assert data["event"][0]["startDate"] == "2021-09-09"


def test_child_organization_jsonld_names_its_parent(client, shanghai):
    response = client.get(reverse("people:organization", args=["fudan-igpp"]))

    data = embedded_jsonld(response)

    assert vocabulary().check(data) == []
    assert data["parentOrganization"]["name"] == "Fudan University"


def test_draft_event_has_no_jsonld(client):
    draft = EventFactory(draft=True)

    response = client.get(reverse("data:event_jsonld", args=[draft.slug]))

    assert response.status_code == 404


def test_staff_preview_of_a_draft_embeds_no_structured_data(admin_client):
    draft = EventFactory(draft=True)

    response = admin_client.get(draft.get_absolute_url())

    assert response.status_code == 200
    assert "application/ld+json" not in response.content.decode()


@pytest.mark.parametrize("roles", [1, 8])
def test_person_page_queries_do_not_grow_with_roles(client, django_assert_num_queries, roles):
    person = PersonFactory()
    for _ in range(roles):
        RoleFactory(person=person, organization=OrganizationFactory(parent=OrganizationFactory()))

    with django_assert_num_queries(3):
        response = client.get(person.get_absolute_url())

    assert response.status_code == 200


@pytest.mark.parametrize("events", [1, 8])
def test_organization_page_queries_do_not_grow_with_events(
    client, django_assert_num_queries, events
):
    organization = OrganizationFactory()
    for _ in range(events):
        EventOrganizationFactory(organization=organization)
        RoleFactory(organization=organization)

    with django_assert_num_queries(6):
        response = client.get(organization.get_absolute_url())

    assert response.status_code == 200


def test_event_jsonld_builder_reads_only_prefetched_data(django_assert_num_queries, shanghai):
    event = common.published_events().get(pk=shanghai.pk)

    with django_assert_num_queries(0):
        jsonld.event_jsonld(event)


def test_event_jsonld_role_names_the_source_it_quotes(client):
    event = EventFactory()
    news = SourceFactory(title="News article", url="https://example.org/news", text="Ada spoke.")
    event.sources.add(news, SourceFactory(title="Event page", url="https://example.org/event"))
    RoleFactory(event=event, source=news, quote="Ada spoke.")

    data = jsonld_of(client, event)

    assert vocabulary().check(data) == []
    assert data["performer"][0]["subjectOf"] == {
        "@type": "CreativeWork",
        "name": "News article",
        "url": "https://example.org/news",
    }
    assert len(data["subjectOf"]) == 2
