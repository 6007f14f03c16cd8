"""
One search for every caller: the site's list and the API's `q` give the same events for the
same words (events/search.py), and a word finds an event wherever its page shows it.
"""

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.conftest import SHANGHAI_SLUG

pytestmark = pytest.mark.django_db

# Words of the Shanghai record, of the demo records, and some that find nothing.
QUERIES = [
    "Online-Offline",
    "urban governance",
    "Fudan",
    "innovation-friendly",
    "Shanghai",
    "UN DESA",
    "Alberti",
    "Jing Yijia",
    "digital leadership",
    "government",
    "Smart cities",
    "Big Data",
    "Chief Economist",
    "public sector culture",
    "urban",
    "digital",
    "data",
    "Santiago",
    "transformation",
    "no such words anywhere",
]


@pytest.fixture
def records(shanghai):
    call_command("generate_demo_data", events=40, seed=5, verbosity=0)
    return shanghai


def site_results(client, query):
    slugs = []
    page = 1
    while True:
        response = client.get(reverse("events:list"), {"q": query, "page": page})
        assert response.status_code == 200
        slugs += [event.slug for event in response.context["events"]]
        if not response.context["page_obj"].has_next():
            return slugs
        page += 1


def api_results(client, query):
    slugs = []
    url = reverse("api:event-list") + "?" + f"q={query}"
    while url:
        body = client.get(url).json()
        slugs += [event["slug"] for event in body["results"]]
        url = body["next"]
    return slugs


@pytest.mark.parametrize("query", QUERIES)
def test_site_and_api_find_the_same_events(client, records, query):
    site = site_results(client, query)

    assert sorted(api_results(client, query)) == sorted(site)


@pytest.mark.parametrize(
    "query",
    [
        "Online-Offline",  # the keynote's title
        "urban governance",  # the keynote's title, two words
        "Fudan",  # the university of the institute the keynote speaker represented
        "innovation-friendly",  # a word of the keynote's key points
        "Chief Economist",  # a title held at the time
        "Big Data Center",  # a collaborating organization
    ],
)
def test_search_finds_the_shanghai_record_wherever_its_page_shows_the_words(
    client, shanghai, query
):
    assert SHANGHAI_SLUG in site_results(client, query)
    assert SHANGHAI_SLUG in api_results(client, query)


def test_search_needs_every_word(client, shanghai):
    assert site_results(client, "Fudan nowhere-else") == []
    assert api_results(client, "Fudan nowhere-else") == []


def test_api_accepts_the_site_filter_names_and_the_old_alias(client, shanghai):
    url = reverse("api:event-list")

    by_site_name = client.get(url, {"mode": "online"}).json()["count"]
    by_old_name = client.get(url, {"attendance_mode": "online"}).json()["count"]
    in_person = client.get(url, {"mode": "in-person"}).json()["count"]

    assert by_site_name == by_old_name == 1
    assert in_person == 0


def test_organization_filter_means_the_same_on_the_site_and_in_the_api(client, records):
    for slug in ["un-desa", "shanghai-big-data-center", "fudan-university"]:
        site = client.get(reverse("events:list"), {"organization": slug})
        api = client.get(reverse("api:event-list"), {"organization": slug}).json()
        site_slugs = (
            [event.slug for event in site.context["events"]] if site.status_code == 200 else []
        )
        assert sorted(event["slug"] for event in api["results"]) == sorted(site_slugs)
