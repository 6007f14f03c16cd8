"""
A draft event, with a person, an organization, a topic and a presentation known only from it,
appears nowhere the public can reach: every public URL pattern (found from the resolver by
tests/urlwalk.py, so pages, feeds, sitemaps, exports and APIs added later are walked too),
page 2 of every list, and the draft's own addresses. Staff can still preview it.
"""

import pytest

from tests.factories import (
    EventFactory,
    EventOrganizationFactory,
    OrganizationFactory,
    PersonFactory,
    PresentationFactory,
    RoleFactory,
    TopicFactory,
)
from tests.urlwalk import public_urls

pytestmark = pytest.mark.django_db

# Words that exist only in the draft; none may reach an anonymous reader.
DRAFT_WORDS = {
    "event title": "Quillwort Embargoed Summit",
    "person": "Vexelmoor",
    "organization": "Institute of Quorvane Studies",
    "presentation": "Nimbrel findings before release",
    "topic": "Tessarine policy",
}
DRAFT_SLUGS = ["quillwort-summit", "vexelmoor", "quorvane-institute", "nimbrel-findings"]


@pytest.fixture
def walked_urls(shanghai):
    """Public URLs computed from published data only, before the draft exists."""
    urls, unfilled = public_urls()
    assert unfilled == []
    return [u.url for u in urls]


@pytest.fixture
def draft(walked_urls):
    event = EventFactory(draft=True, title=DRAFT_WORDS["event title"], slug="quillwort-summit")
    person = PersonFactory(given_name="Oriel", family_name=DRAFT_WORDS["person"], slug="vexelmoor")
    organization = OrganizationFactory(name=DRAFT_WORDS["organization"], slug="quorvane-institute")
    RoleFactory(event=event, person=person, organization=organization)
    EventOrganizationFactory(event=event, organization=organization)
    presentation = PresentationFactory(
        event=event,
        title=DRAFT_WORDS["presentation"],
        slug="nimbrel-findings",
        speakers=[person],
    )
    event.topics.add(TopicFactory(name=DRAFT_WORDS["topic"], slug="tessarine-policy"))
    return {
        "event": event,
        "own urls": [
            event.get_absolute_url(),
            presentation.get_absolute_url(),
            person.get_absolute_url(),
            organization.get_absolute_url(),
        ],
    }


def assert_no_draft_words(response, url, *, slugs=True):
    body = response.content.decode("utf-8", errors="replace")
    for what, word in DRAFT_WORDS.items():
        assert word not in body, f"draft {what} leaks at {url}"
    if slugs:
        for slug in DRAFT_SLUGS:
            assert slug not in body, f"draft slug {slug} leaks at {url}"


def test_draft_appears_on_no_public_url(draft, walked_urls, client):
    for url in walked_urls:
        for page in (url, url + ("&" if "?" in url else "?") + "page=2"):
            response = client.get(page)

            assert response.status_code < 500, page
            assert_no_draft_words(response, page)


def test_draft_own_addresses_answer_404_to_the_public(draft, client):
    for url in draft["own urls"]:
        response = client.get(url)

        assert response.status_code == 404, url
        # A 404 page may repeat the address asked for, never the record behind it.
        assert_no_draft_words(response, url, slugs=False)


def test_draft_event_is_previewed_by_staff(draft, admin_client):
    response = admin_client.get(draft["event"].get_absolute_url())

    assert response.status_code == 200
    assert DRAFT_WORDS["event title"] in response.content.decode()


def test_leak_check_finds_a_published_record(walked_urls, client):
    # The same walk must see a record once it is published, or it proves nothing.
    event = EventFactory(title=DRAFT_WORDS["event title"], slug="quillwort-summit")
    RoleFactory(event=event, person=PersonFactory(family_name=DRAFT_WORDS["person"]))

    bodies = "".join(client.get(url).content.decode() for url in walked_urls)

    assert DRAFT_WORDS["event title"] in bodies
    assert DRAFT_WORDS["person"] in bodies
