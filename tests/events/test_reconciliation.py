"""
The Reconciliation Service API 0.2 (the protocol OpenRefine speaks): every answer validates
against the protocol's JSON Schemas (tests/standards/reconciliation/), names are found however
a spreadsheet writes them, `match` is only for certain matches, and only published records are
ever candidates.
"""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.throttling import AnonRateThrottle

from tests.factories import (
    EventFactory,
    EventOrganizationFactory,
    OrganizationFactory,
    PersonFactory,
    RoleFactory,
)
from tests.standards import reconciliation as schemas

pytestmark = pytest.mark.django_db

SERVICE = "reconciliation:service"

# The five people of the Shanghai record as its source writes them, with the page's slug.
SHANGHAI_PEOPLE = {
    "Professor Yijia Jing": "yijia-jing",
    "Adriana Alberti": "adriana-alberti",
    "Elliott Harris": "elliott-harris",
    "Zongyao Zhu": "zongyao-zhu",
    "Zhen Wang": "zhen-wang",
}
FAMILY_FIRST = {
    "Jing Yijia": "yijia-jing",
    "Alberti Adriana": "adriana-alberti",
    "Harris Elliott": "elliott-harris",
    "Zhu Zongyao": "zongyao-zhu",
    "Wang Zhen": "zhen-wang",
}
# The same names as a sheet may carry them: with pinyin tone marks or other accents, which
# the service reads as the plain letters, and in capitals.
ACCENTED = {
    "Jǐng Yìjiā": "yijia-jing",
    "Adriána Albérti": "adriana-alberti",
    "ELLIOTT HARRÍS": "elliott-harris",
    "Zhū Zōngyáo": "zongyao-zhu",
    "Wáng Zhèn": "zhen-wang",
}


def reconcile(client, queries, method="post"):
    send = getattr(client, method)
    response = send(reverse(SERVICE), {"queries": json.dumps(queries)})
    assert response.status_code == 200, response.content
    answer = response.json()
    assert schemas.errors("reconciliation-result-batch", answer) == []
    return answer


def first(answer, key="q"):
    return answer[key]["result"][0]


def test_manifest_validates_and_names_the_protocol_version(client, shanghai):
    response = client.get(reverse(SERVICE))

    manifest = response.json()
    assert schemas.errors("manifest", manifest) == []
    assert manifest["versions"] == ["0.2"]
    assert {t["id"] for t in manifest["defaultTypes"]} == {"Person", "Organization", "Event"}
    assert response["Access-Control-Allow-Origin"] == "*"


def test_manifest_view_template_leads_to_the_record_page(client, shanghai):
    manifest = client.get(reverse(SERVICE)).json()
    view = manifest["view"]["url"].replace("{{id}}", "person%3Ayijia-jing")

    response = client.get(view.removeprefix("http://127.0.0.1:8000"), follow=True)

    assert response.status_code == 200
    assert "Yijia Jing" in response.content.decode()


@pytest.mark.parametrize("names", [SHANGHAI_PEOPLE, FAMILY_FIRST, ACCENTED])
def test_shanghai_people_are_each_the_first_candidate_and_a_match(client, shanghai, names):
    queries = {f"q{i}": {"query": name} for i, name in enumerate(names)}

    answer = reconcile(client, queries)

    for key, (name, slug) in zip(queries, names.items(), strict=True):
        best = first(answer, key)
        assert best["id"] == f"person:{slug}", name
        assert best["match"] is True, name
        assert best["type"] == [{"id": "Person", "name": "Person"}]


def test_query_sent_by_get_answers_the_same(client, shanghai):
    answer = reconcile(client, {"q": {"query": "Adriana Alberti", "type": "Person"}}, "get")

    assert first(answer)["id"] == "person:adriana-alberti"


def test_type_constraint_keeps_to_that_type(client, shanghai):
    answer = reconcile(client, {"q": {"query": "Fudan University", "type": "Organization"}})

    results = answer["q"]["result"]
    assert results
    assert all(result["type"][0]["id"] == "Organization" for result in results)
    assert results[0]["name"] == "Fudan University"


def test_unknown_type_has_no_candidates(client, shanghai):
    answer = reconcile(client, {"q": {"query": "Yijia Jing", "type": "Spaceship"}})

    assert answer["q"]["result"] == []


def test_short_name_reconciles_an_organization(client, shanghai):
    answer = reconcile(client, {"q": {"query": "UN DESA", "type": "Organization"}})

    assert first(answer)["id"] == "organization:un-desa"
    assert first(answer)["match"] is True


def test_person_organization_property_that_agrees_keeps_the_match(client, shanghai):
    query = {
        "query": "Yijia Jing",
        "type": "Person",
        "properties": [{"pid": "organization", "v": "Fudan University"}],
    }

    best = first(reconcile(client, {"q": query}))

    assert best["match"] is True
    assert {"id": "organization", "value": True} in best["features"]


def test_person_organization_property_that_disagrees_is_no_certain_match(client, shanghai):
    query = {
        "query": "Yijia Jing",
        "type": "Person",
        "properties": [{"pid": "organization", "v": "Harvard University"}],
    }

    best = first(reconcile(client, {"q": query}))

    assert best["id"] == "person:yijia-jing"
    assert best["match"] is False
    assert best["score"] < 100


def test_event_year_property_picks_the_event_of_that_year():
    EventFactory(title="Digital Government Forum", slug="forum-2021", start_date="2021-05-01")
    EventFactory(title="Digital Government Forum", slug="forum-2023", start_date="2023-05-01")
    from django.test import Client

    for year in ("2021", 2023):
        query = {
            "query": "Digital Government Forum",
            "type": "Event",
            "properties": [{"pid": "year", "v": year}],
        }

        best = first(reconcile(Client(), {"q": query}))

        assert best["id"] == f"event:forum-{year}"
        assert best["match"] is True


def test_namesakes_are_candidates_but_neither_is_a_certain_match(client):
    for _ in range(2):
        RoleFactory(person=PersonFactory(given_name="Maria", family_name="Silva"))

    results = reconcile(client, {"q": {"query": "Maria Silva"}})["q"]["result"]

    assert [r["score"] for r in results[:2]] == [100, 100]
    assert not any(r["match"] for r in results)


def test_orcid_property_alone_finds_its_person_for_certain(client):
    person = PersonFactory(given_name="Jane", family_name="Roe", orcid="0000-0002-1825-0097")
    RoleFactory(person=person)
    query = {
        "type": "Person",
        "properties": [{"pid": "orcid", "v": "https://orcid.org/0000-0002-1825-0097"}],
    }

    best = first(reconcile(client, {"q": query}))

    assert best["id"] == f"person:{person.slug}"
    assert best["match"] is True


def test_limit_bounds_the_candidates(client):
    for n in range(6):
        RoleFactory(person=PersonFactory(given_name=f"Anna{n}", family_name="Lindqvist"))

    results = reconcile(client, {"q": {"query": "Anna Lindqvist", "limit": 2}})["q"]["result"]

    assert len(results) == 2


def test_draft_only_person_is_never_a_candidate(client):
    RoleFactory(
        event=EventFactory(draft=True),
        person=PersonFactory(given_name="Oriel", family_name="Vexelmoor"),
    )

    answer = reconcile(client, {"q": {"query": "Oriel Vexelmoor"}})

    assert answer["q"]["result"] == []


@pytest.mark.parametrize(
    ("queries", "says"),
    [
        ("{not json", "not valid JSON"),
        ('["a list"]', "JSON object"),
        ('{"q": "just a string"}', "must be an object"),
        ('{"q": {"type": "Person"}}', "needs a 'query' or 'properties'"),
        ('{"q": {"query": "x", "limit": -1}}', "positive number"),
        ('{"q": {"query": "x", "properties": [{"v": 1}]}}', "{pid, v}"),
        (json.dumps({f"q{n}": {"query": "x"} for n in range(51)}), "At most 50"),
    ],
)
def test_bad_queries_get_400_with_the_reason(client, queries, says):
    response = client.post(reverse(SERVICE), {"queries": queries})

    assert response.status_code == 400
    assert says in response.json()["detail"]


def test_post_without_queries_or_extend_gets_400(client):
    response = client.post(reverse(SERVICE), {"other": "1"})

    assert response.status_code == 400
    assert "queries" in response.json()["detail"]


def test_suggest_entity_by_prefix_validates(client, shanghai):
    response = client.get(reverse("reconciliation:suggest_entity"), {"prefix": "Alber"})

    answer = response.json()
    assert schemas.errors("suggest-entities-response", answer) == []
    assert answer["result"][0]["id"] == "person:adriana-alberti"
    assert "Chief of Programme Management" in answer["result"][0]["description"]


def test_suggest_type_and_property_validate(client, shanghai):
    types = client.get(reverse("reconciliation:suggest_type"), {"prefix": "org"}).json()
    properties = client.get(
        reverse("reconciliation:suggest_property"), {"prefix": "or", "type": "Person"}
    ).json()

    assert schemas.errors("suggest-types-response", types) == []
    assert schemas.errors("suggest-properties-response", properties) == []
    assert types["result"] == [{"id": "Organization", "name": "Organization"}]
    assert {p["id"] for p in properties["result"]} >= {"orcid", "organization"}


def test_propose_properties_validates_and_lists_identifiers(client):
    answer = client.get(reverse("reconciliation:propose_properties"), {"type": "Organization"})

    proposal = answer.json()
    assert schemas.errors("data-extension-property-proposal", proposal) == []
    assert {"ror", "wikidata", "isni", "name"} <= {p["id"] for p in proposal["properties"]}


def test_propose_properties_for_unknown_type_is_400(client):
    response = client.get(reverse("reconciliation:propose_properties"), {"type": "Spaceship"})

    assert response.status_code == 400
    assert "Unknown type" in response.json()["detail"]


def test_data_extension_gives_identifiers_titles_and_names(client, shanghai):
    organization = OrganizationFactory(ror="013q1eq08", wikidata="Q1065")
    EventOrganizationFactory(event=shanghai, organization=organization)
    query = {
        "ids": [
            "person:yijia-jing",
            f"organization:{organization.slug}",
            "event:advancing-smart-cities-2021-09-09",
            "person:nobody",
        ],
        "properties": [{"id": "name"}, {"id": "title"}, {"id": "ror"}, {"id": "start_date"}],
    }
    assert schemas.errors("data-extension-query", query) == []

    response = client.post(reverse(SERVICE), {"extend": json.dumps(query)})

    answer = response.json()
    assert schemas.errors("data-extension-response", answer) == []
    rows = answer["rows"]
    assert rows["person:yijia-jing"]["title"] == [
        {"str": "Professor, Institute for Global Public Policy, Fudan University"}
    ]
    assert rows[f"organization:{organization.slug}"]["ror"] == [{"str": "013q1eq08"}]
    assert rows["event:advancing-smart-cities-2021-09-09"]["start_date"] == [{"str": "2021-09-09"}]
    assert rows["person:nobody"] == {"name": [], "title": [], "ror": [], "start_date": []}


def test_preview_shows_the_record_and_may_be_framed(client, shanghai):
    response = client.get(reverse("reconciliation:preview"), {"id": "person:adriana-alberti"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Adriana Alberti" in page
    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"]


@pytest.mark.parametrize("entity_id", ["", "person:nobody", "spaceship:x", "yijia-jing"])
def test_preview_of_unknown_id_is_404(client, shanghai, entity_id):
    response = client.get(reverse("reconciliation:preview"), {"id": entity_id})

    assert response.status_code == 404


def test_service_is_rate_limited_like_the_api(client, monkeypatch):
    from django.core.cache import cache

    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/minute"})
    cache.clear()

    answers = [client.get(reverse(SERVICE)) for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert int(answers[-1]["Retry-After"]) > 0


def test_openapi_document_describes_the_service(client):
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()

    assert "/reconcile/" in schema["paths"]
    assert "post" in schema["paths"]["/reconcile/"]
    assert "/reconcile/suggest/entity/" in schema["paths"]


def test_data_page_documents_the_service(client):
    page = client.get(reverse("events:data")).content.decode()

    assert 'id="reconciliation-heading"' in page
    assert reverse(SERVICE) in page


def batch_queries(client):
    queries = {
        f"q{n}": {"query": name, "properties": [{"pid": "organization", "v": "Fudan"}]}
        for n, name in enumerate(SHANGHAI_PEOPLE)
    }
    with CaptureQueriesContext(connection) as captured:
        reconcile(client, queries)
    return len(captured)


def test_batch_query_count_does_not_grow_with_the_archive(client, shanghai):
    small = batch_queries(client)
    for n in range(40):
        event = EventFactory()
        RoleFactory(event=event, person=PersonFactory(family_name=f"Jingsen{n}"))
        EventOrganizationFactory(event=event)

    large = batch_queries(client)

    assert large == small
