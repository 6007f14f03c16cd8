"""
Pages retired per record (events/cache/keys.py): an edit retires the cached pages that show
the edited record and the lists; every other page stays in the page cache. And the edge
cache's side of it (events/cache/edge.py): the headers a shared cache keeps pages by, and
the purges sent when a change commits.
"""

import logging
import urllib.error

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from events.cache import edge
from events.models import Event
from tests.factories import (
    EventFactory,
    EventOrganizationFactory,
    OrganizationFactory,
    PersonFactory,
    PresentationFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_events():
    """An event showing Ada (a role for a ministry's office and a talk) and one without her."""
    ministry = OrganizationFactory(name="Ministry of Plans")
    office = OrganizationFactory(name="Statistics Office", parent=ministry)
    ada = PersonFactory(given_name="Ada", family_name="Lovelace")
    role = RoleFactory(person=ada, organization=office)
    presentation = PresentationFactory(event=role.event, speakers=[ada])
    other = RoleFactory(organization=OrganizationFactory(name="Unrelated Bureau"))
    other_talk = PresentationFactory(event=other.event, speakers=[other.person])
    return {
        "ada": ada,
        "office": office,
        "ministry": ministry,
        "role": role,
        "showing": {
            "event": role.event.get_absolute_url(),
            "presentation": presentation.get_absolute_url(),
            "person": ada.get_absolute_url(),
            "organization": office.get_absolute_url(),
            "home": reverse("events:home"),
            "list": reverse("events:list"),
            "people": reverse("people:person_list"),
            "search": reverse("events:list") + "?q=Lovelace",
        },
        "unrelated": {
            "event": other.event.get_absolute_url(),
            "presentation": other_talk.get_absolute_url(),
            "person": other.person.get_absolute_url(),
            "organization": other.organization.get_absolute_url(),
            "versions": reverse("events:event_changes", args=[other.event.slug]),
        },
    }


def read_all(client, urls):
    pages = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, name
        pages[name] = response.content.decode()
    return pages


def test_editing_a_person_keeps_the_pages_of_unrelated_events_cached(
    client, two_events, django_assert_num_queries
):
    read_all(client, two_events["unrelated"])
    read_all(client, two_events["showing"])

    ada = two_events["ada"]
    ada.family_name = "Byron-King"
    ada.save()

    with django_assert_num_queries(0):
        unrelated = read_all(client, two_events["unrelated"])
    assert all("Byron-King" not in page for page in unrelated.values())
    showing = read_all(client, two_events["showing"])
    for name in ("event", "presentation", "person", "organization", "people"):
        assert "Byron-King" in showing[name], name
    # The search for her old name no longer finds her event.
    assert two_events["role"].event.title not in showing["search"]


def test_a_new_role_shows_on_its_person_and_organization_pages(client, two_events):
    ada, office = two_events["ada"], two_events["office"]
    read_all(client, two_events["showing"])
    ministry_page = two_events["ministry"].get_absolute_url()
    client.get(ministry_page)

    event = EventFactory(title="Census Planning Forum")
    RoleFactory(event=event, person=ada, organization=office)

    for url in (ada.get_absolute_url(), office.get_absolute_url(), reverse("events:home")):
        assert "Census Planning Forum" in client.get(url).content.decode(), url
    assert client.get(ministry_page).status_code == 200


def test_publishing_an_event_shows_it_on_the_pages_of_its_people(client, two_events):
    ada, office = two_events["ada"], two_events["office"]
    draft = EventFactory(draft=True, title="Secret Planning Retreat")
    RoleFactory(event=draft, person=ada, organization=office)
    EventOrganizationFactory(event=draft, organization=office)
    before = read_all(client, two_events["showing"])
    assert all("Secret Planning Retreat" not in page for page in before.values())

    draft.status = Event.Status.PUBLISHED
    draft.save()

    after = read_all(client, two_events["showing"])
    for name in ("person", "organization", "home", "list"):
        assert "Secret Planning Retreat" in after[name], name


def test_renaming_an_event_shows_on_the_pages_that_name_it(client, two_events):
    read_all(client, two_events["showing"])
    event = two_events["role"].event

    event.title = "Renamed Forum on Plans"
    event.save()

    after = read_all(client, two_events["showing"])
    for name in ("event", "presentation", "person", "organization", "home", "list"):
        assert "Renamed Forum on Plans" in after[name], name


def test_renaming_a_parent_organization_shows_on_its_units_pages(client, two_events):
    office_page = two_events["office"].get_absolute_url()
    person_page = two_events["ada"].get_absolute_url()
    client.get(office_page)
    client.get(person_page)

    ministry = two_events["ministry"]
    ministry.name = "Ministry of Renamed Plans"
    ministry.save()

    assert "Ministry of Renamed Plans" in client.get(office_page).content.decode()


def test_moving_a_unit_to_another_parent_updates_both_parents(client, two_events):
    office, ministry = two_events["office"], two_events["ministry"]
    new_parent = OrganizationFactory(name="Bureau of Numbers")
    old_page, new_page = ministry.get_absolute_url(), new_parent.get_absolute_url()
    assert "Statistics Office" in client.get(old_page).content.decode()
    client.get(new_page)

    office.parent = new_parent
    office.save()

    assert "Statistics Office" not in client.get(old_page).content.decode()
    assert "Statistics Office" in client.get(new_page).content.decode()


def test_etag_changes_after_an_edit_elsewhere_only_for_pages_built_again(client, two_events):
    url = two_events["unrelated"]["event"]
    etag = client.get(url)["ETag"]

    two_events["ada"].save()

    # The page is still the cached one: the reader's copy is still current.
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


# --- The edge cache's headers and purges ------------------------------------------------------


def test_anonymous_pages_name_their_records_for_a_shared_cache(client, two_events):
    event = two_events["role"].event
    ada = two_events["ada"]

    event_page = client.get(two_events["showing"]["event"])
    person_page = client.get(two_events["showing"]["person"])
    home = client.get(two_events["showing"]["home"])

    assert event_page["xkey"].split() == ["all-pages", f"event-{event.pk}"]
    assert {f"person-{ada.pk}", f"event-{event.pk}", f"org-{two_events['office'].pk}"} <= set(
        person_page["xkey"].split()
    )
    assert home["xkey"].split() == ["all-pages", "lists"]
    # Without purges configured, no shared cache may keep a page.
    assert "s-maxage=0" in event_page["Cache-Control"]
    assert "max-age=0" in event_page["Cache-Control"]


@override_settings(EDGE_PURGE_URLS=["http://edge.invalid/"], EDGE_CACHE_SECONDS=3600)
def test_pages_may_be_kept_by_an_edge_that_is_told_of_changes(client, two_events):
    response = client.get(two_events["showing"]["event"])

    assert "s-maxage=3600" in response["Cache-Control"]


def test_staff_answers_carry_no_edge_headers(admin_client, two_events):
    response = admin_client.get(two_events["showing"]["event"])

    assert "xkey" not in response
    assert "s-maxage" not in response.get("Cache-Control", "")


@pytest.fixture
def purges(monkeypatch):
    sent = []

    class Answer:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    def urlopen(request, timeout):
        sent.append((request.full_url, request.get_method(), request.headers["Xkey-purge"]))
        return Answer()

    monkeypatch.setattr(edge.urllib.request, "urlopen", urlopen)
    return sent


@override_settings(EDGE_PURGE_URLS=["http://edge-a.invalid/", "http://edge-b.invalid/"])
def test_a_change_purges_exactly_its_keys_at_every_edge_when_it_commits(
    two_events, purges, django_capture_on_commit_callbacks
):
    ada, event = two_events["ada"], two_events["role"].event
    # A transaction of its own, as the admin's save.
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        ada.family_name = "Byron-King"
        ada.save()
        assert purges == [], "nothing is purged before the change commits"
    for callback in callbacks:
        callback()

    assert [(url, method) for url, method, _ in purges] == [
        ("http://edge-a.invalid/", "PURGE"),
        ("http://edge-b.invalid/", "PURGE"),
    ]
    keys = set(purges[0][2].split())
    assert purges[1][2] == purges[0][2]
    assert {f"person-{ada.pk}", f"event-{event.pk}", "lists"} <= keys
    # Not the other event, its person or its organization.
    assert keys <= {f"person-{ada.pk}", f"event-{event.pk}", "lists"}


@override_settings(EDGE_PURGE_URLS=["http://edge.invalid/"])
def test_a_bulk_change_purges_every_page(purges, django_capture_on_commit_callbacks):
    from events.cache.receivers import records_changed_in_bulk

    with django_capture_on_commit_callbacks(execute=True):
        records_changed_in_bulk()

    assert [keys for _, _, keys in purges] == ["all-pages"]


@override_settings(EDGE_PURGE_URLS=["http://edge.invalid/"], EDGE_PURGE_TIMEOUT_SECONDS=0.1)
def test_an_edge_that_does_not_answer_never_stops_a_save(
    client, two_events, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def refuse(request, timeout):
        raise urllib.error.URLError("connection refused")

    monkeypatch.setattr(edge.urllib.request, "urlopen", refuse)
    ada = two_events["ada"]
    with (
        caplog.at_level(logging.WARNING, logger="events.cache.edge"),
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        ada.family_name = "Byron-King"
        ada.save()

    assert "Byron-King" in client.get(ada.get_absolute_url()).content.decode()
    assert any("did not take a purge" in r.getMessage() for r in caplog.records)
