"""Anonymous page cache, conditional GET, bounded pagination and the organization check."""

import threading

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from events.cache import generation
from events.models import Event
from people.models import Organization
from tests.factories import (
    EventFactory,
    EventOrganizationFactory,
    KeyPointFactory,
    OrganizationFactory,
    PersonFactory,
    PresentationFactory,
    RoleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True))
    return client


def record_pages():
    role = RoleFactory(organization=OrganizationFactory())
    presentation = PresentationFactory(event=role.event, speakers=[role.person])
    KeyPointFactory(presentation=presentation)
    return {
        "home": reverse("events:home"),
        "list": reverse("events:list"),
        "event": role.event.get_absolute_url(),
        "presentation": presentation.get_absolute_url(),
        "person": role.person.get_absolute_url(),
        "organization": role.organization.get_absolute_url(),
        "people": reverse("people:person_list"),
        "organizations": reverse("people:organization_list"),
    }


@pytest.mark.parametrize(
    "page",
    ["home", "list", "event", "presentation", "person", "organization", "people", "organizations"],
)
def test_cached_page_hit_does_no_queries(client, django_assert_num_queries, page):
    url = record_pages()[page]
    first = client.get(url)

    with django_assert_num_queries(0):
        second = client.get(url)

    assert second.status_code == 200
    assert second.content == first.content


def test_cached_page_keeps_security_headers(client):
    url = EventFactory().get_absolute_url()
    client.get(url)

    response = client.get(url)

    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_cached_page_shows_a_published_change_at_once(client):
    event = EventFactory(title="Old title")
    client.get(event.get_absolute_url())
    client.get(reverse("events:list"))

    event.title = "New title"
    event.save()

    assert "New title" in client.get(event.get_absolute_url()).content.decode()
    assert "New title" in client.get(reverse("events:list")).content.decode()


@pytest.mark.parametrize("change", ["person", "organization", "speakers", "delete"])
def test_cached_page_retired_by_a_change_to_a_related_record(client, change):
    role = RoleFactory(organization=OrganizationFactory(name="Old Bureau"))
    presentation = PresentationFactory(event=role.event)
    url = role.event.get_absolute_url()
    client.get(url)

    if change == "person":
        role.person.family_name = "Renamedson"
        role.person.save()
        expected = "Renamedson"
    elif change == "organization":
        role.organization.name = "New Bureau"
        role.organization.save()
        expected = "New Bureau"
    elif change == "speakers":
        presentation.speakers.add(PersonFactory(family_name="Addedsdottir"))
        expected = "Addedsdottir"
    else:
        presentation.delete()
        expected = None

    page = client.get(url).content.decode()
    if expected:
        assert expected in page
    else:
        assert presentation.title not in page


def test_cached_page_never_shows_a_draft_change(client, staff_client):
    published = EventFactory(title="Published record")
    client.get(reverse("events:list"))
    draft = EventFactory(draft=True, title="Secret draft record")
    staff_preview = staff_client.get(draft.get_absolute_url())
    staff_client.logout()

    listing = client.get(reverse("events:list")).content.decode()
    draft_page = client.get(draft.get_absolute_url())

    assert staff_preview.status_code == 200
    assert "Published record" in listing and published.title in listing
    assert "Secret draft record" not in listing
    assert draft_page.status_code == 404


def test_staff_never_get_a_cached_page(client, staff_client):
    event = EventFactory(title="Before")
    url = event.get_absolute_url()
    staff_client.logout()
    client.get(url)  # cached for the public
    # A change that sends no signal, so the public copy stays as it was.
    Event.objects.filter(pk=event.pk).update(title="After")

    public = client.get(url).content.decode()
    client.force_login(UserFactory(is_staff=True))
    staff = client.get(url).content.decode()

    assert "Before" in public
    assert "After" in staff


def test_staff_pages_never_enter_the_public_cache(client):
    event = EventFactory(draft=True)
    client.force_login(UserFactory(is_staff=True))
    client.get(event.get_absolute_url())
    client.logout()

    assert client.get(event.get_absolute_url()).status_code == 404


def test_cached_page_varies_by_language(client):
    event = EventFactory()
    english = client.get(event.get_absolute_url())
    with translation.override("zh-hans"):
        chinese_url = event.get_absolute_url()

    chinese = client.get(chinese_url)

    assert english["Content-Language"] == "en"
    assert chinese["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in chinese.content.decode()


@override_settings(PAGE_CACHE_SECONDS=0)
def test_page_cache_can_be_turned_off(client, django_assert_max_num_queries):
    url = EventFactory().get_absolute_url()
    client.get(url)

    with django_assert_max_num_queries(20) as captured:
        client.get(url)

    assert len(captured) > 0


# Conditional GET


@pytest.mark.parametrize("page", ["event", "presentation", "person", "organization"])
def test_record_page_answers_304_to_a_repeat_request(client, django_assert_num_queries, page):
    url = record_pages()[page]
    first = client.get(url)

    with django_assert_num_queries(0):
        repeat = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.status_code == 200
    assert first["ETag"]
    assert repeat.status_code == 304
    assert repeat.content == b""


def test_record_page_etag_changes_when_the_record_changes(client):
    event = EventFactory()
    first = client.get(event.get_absolute_url())

    event.title = "Corrected title"
    event.save()
    repeat = client.get(event.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])

    assert repeat.status_code == 200
    assert repeat["ETag"] != first["ETag"]
    assert "Corrected title" in repeat.content.decode()


def test_record_page_etag_differs_for_staff(client):
    url = EventFactory().get_absolute_url()
    public = client.get(url)
    client.force_login(UserFactory(is_staff=True))

    staff = client.get(url, HTTP_IF_NONE_MATCH=public["ETag"])

    assert staff.status_code == 200
    assert staff["ETag"] != public["ETag"]


# Pagination far beyond the end


@pytest.mark.parametrize("name", ["events:list", "people:person_list", "people:organization_list"])
def test_list_page_far_beyond_the_end_is_404_and_cheap(client, django_assert_max_num_queries, name):
    RoleFactory(organization=OrganizationFactory())

    # At most the count (and keeping it for the next readers) and, on the event list, its
    # filter options (years, organizations, topics, series and five filters' counts per
    # value, each one query, and keeping them).
    with django_assert_max_num_queries(12):
        response = client.get(reverse(name), {"page": "999999"})

    assert response.status_code == 404


# Organization page: only this organization's visibility is checked


def test_shows_organization_agrees_with_the_visible_organizations():
    top = OrganizationFactory(parent=None)
    middle = OrganizationFactory(parent=top)
    named = OrganizationFactory(parent=middle)
    OrganizationFactory(parent=middle)  # never named
    RoleFactory(organization=named)
    draft_only = OrganizationFactory(parent=None)
    EventOrganizationFactory(organization=draft_only, event=EventFactory(draft=True))
    host = OrganizationFactory(parent=None)
    EventOrganizationFactory(organization=host)
    published = Event.objects.published()

    shown = set(Organization.objects.filter(published.shows_organization()))

    assert shown == set(published.organizations())
    assert shown == {top, middle, named, host}


def test_organization_page_lists_only_shown_sub_units(client):
    parent = OrganizationFactory(parent=None)
    named_child = OrganizationFactory(parent=parent, name="Named Division")
    OrganizationFactory(parent=parent, name="Unnamed Division")
    RoleFactory(organization=named_child)

    page = client.get(parent.get_absolute_url()).content.decode()

    assert "Named Division" in page
    assert "Unnamed Division" not in page


def test_cached_answer_has_the_same_headers_as_the_first(client):
    url = EventFactory().get_absolute_url()
    first = client.get(url)

    second = client.get(url)

    assert dict(second.items()) == dict(first.items())


def test_readers_with_a_session_or_a_notice_cookie_skip_the_cache(client):
    event = EventFactory(title="Before")
    url = event.get_absolute_url()
    client.get(url)
    Event.objects.filter(pk=event.pk).update(title="After")  # no signal: the copy stays

    plain = client.get(url).content.decode()
    client.cookies["messages"] = "notice"
    with_notice = client.get(url).content.decode()
    del client.cookies["messages"]
    client.cookies[settings.SESSION_COOKIE_NAME] = "anything"
    with_session = client.get(url).content.decode()

    assert "Before" in plain
    assert "After" in with_notice
    assert "After" in with_session


# Data remembered per generation (events.cache.generation.remember)


def test_remembered_value_is_rebuilt_once_then_read():
    calls = []

    def compute():
        calls.append(1)
        return {"answer": 42}

    first = generation.remember("test-value", compute)
    second = generation.remember("test-value", compute)

    assert first == second == {"answer": 42}
    assert len(calls) == 1


def test_remember_waits_for_a_rebuild_in_another_worker_instead_of_repeating_it():
    from django.core.cache import cache

    key = f"public-data:{generation.data_generation()}:{translation.get_language()}:counts"
    cache.add(f"{key}:rebuilding", True)  # another worker is rebuilding
    threading.Timer(0.2, lambda: cache.set(key, {"events": 7})).start()

    def compute():
        raise AssertionError("rebuilt although another worker was rebuilding")

    assert generation.remember("counts", compute) == {"events": 7}


@override_settings(PUBLIC_DATA_WAIT_SECONDS=1)
def test_remember_rebuilds_itself_when_the_other_rebuild_never_arrives():
    from django.core.cache import cache

    key = f"public-data:{generation.data_generation()}:{translation.get_language()}:counts"
    cache.add(f"{key}:rebuilding", True)  # a worker that died while rebuilding

    assert generation.remember("counts", lambda: {"events": 8}) == {"events": 8}
    assert cache.get(f"{key}:rebuilding") is None
