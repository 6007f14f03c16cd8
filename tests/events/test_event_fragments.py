"""
The event page's body and structured data, cached per event under a content version
(events/fragments.py): every record the page shows retires its event's version when it
changes, and a change elsewhere leaves it alone.

The page cache is off in these tests, so that only the fragments can serve stale text.
"""

import pytest
from django.test import override_settings

from events.models import EventOrganization
from tests.factories import (
    CitationFactory,
    EventFactory,
    EventOrganizationFactory,
    KeyPointFactory,
    OrganizationFactory,
    PersonFactory,
    PresentationFactory,
    RoleFactory,
    SourceFactory,
    TopicFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache_off")]


@pytest.fixture
def page_cache_off():
    with override_settings(PAGE_CACHE_SECONDS=0):
        yield


@pytest.fixture
def record():
    """An event with one of everything its page shows."""
    parent = OrganizationFactory(name="Parent Ministry", short_name="PM")
    organization = OrganizationFactory(name="Statistics Office", parent=parent)
    source = SourceFactory(title="Original report")
    role = RoleFactory(organization=organization, source=source, quote="chaired by Ada")
    event = role.event
    speaker = PersonFactory(family_name="Speakerson")
    presentation = PresentationFactory(event=event, speakers=[speaker])
    point = KeyPointFactory(presentation=presentation, text="Old point")
    participation = EventOrganizationFactory(event=event, organization=organization)
    citation = CitationFactory(event=event, source=source)
    topic = TopicFactory(name="Old topic")
    event.topics.add(topic)
    event.sources.add(source)
    return {
        "event": event,
        "role": role,
        "person": role.person,
        "organization": organization,
        "parent": parent,
        "speaker": speaker,
        "presentation": presentation,
        "point": point,
        "participation": participation,
        "citation": citation,
        "topic": topic,
        "source": source,
    }


# record: (field, new value, text the page must show afterwards)
CHANGES = {
    "event": ("title", "Renamed event", "Renamed event"),
    "role": ("position_title", "Chief Renamer", "Chief Renamer"),
    "person": ("family_name", "Renamedsdottir", "Renamedsdottir"),
    "speaker": ("family_name", "Renamedsdottir", "Renamedsdottir"),
    "organization": ("short_name", "RENAMED", "RENAMED"),
    "parent": ("short_name", "RENAMED", "RENAMED"),
    "presentation": ("title", "Renamed talk", "Renamed talk"),
    "point": ("text", "Renamed point", "Renamed point"),
    "participation": ("part", EventOrganization.Part.SPONSOR, "Sponsor"),
    "citation": ("quote", "50 people", "50 people"),
    "topic": ("name", "Renamed topic", "Renamed topic"),
    "source": ("title", "Renamed report", "Renamed report"),
}


@pytest.mark.parametrize("change", CHANGES)
def test_event_page_shows_a_change_to_any_record_it_shows(client, record, change):
    url = record["event"].get_absolute_url()
    client.get(url)
    field, value, expected = CHANGES[change]

    setattr(record[change], field, value)
    record[change].save()

    assert expected in client.get(url).content.decode()


@pytest.mark.parametrize("relation", ["speakers", "topics", "sources"])
def test_event_page_shows_a_relation_added_or_removed(client, record, relation):
    event = record["event"]
    url = event.get_absolute_url()
    client.get(url)

    removed = None
    if relation == "speakers":
        record["presentation"].speakers.add(PersonFactory(family_name="Addedsen"))
        record["presentation"].speakers.remove(record["speaker"])
        added, removed = "Addedsen", "Speakerson"
    elif relation == "topics":
        event.topics.add(TopicFactory(name="Added topic"))
        record["topic"].events.remove(event)
        added, removed = "Added topic", "Old topic"
    else:
        SourceFactory(title="Added report").events.add(event)
        added = "Added report"

    page = client.get(url).content.decode()
    assert added in page
    if removed:
        assert removed not in page


@pytest.mark.parametrize("deleted", ["role", "presentation", "point", "participation", "speaker"])
def test_event_page_forgets_a_deleted_record(client, record, deleted):
    url = record["event"].get_absolute_url()
    gone = {
        "role": "Director",
        "presentation": record["presentation"].title,
        "point": "Old point",
        "participation": "Host",
        "speaker": "Speakerson",
    }[deleted]
    assert gone in client.get(url).content.decode()

    record[deleted].delete()

    assert gone not in client.get(url).content.decode()


def test_a_change_elsewhere_keeps_the_event_page_cached(client, record, django_assert_num_queries):
    url = record["event"].get_absolute_url()
    client.get(url)
    RoleFactory(position_title="Elsewhere")  # another event, person and organization

    with django_assert_num_queries(1):  # the event row; body and structured data cached
        page = client.get(url)

    assert "Original report" in page.content.decode()


def test_a_staff_preview_of_a_draft_is_never_kept(admin_client):
    draft = EventFactory(draft=True, title="First draft")
    admin_client.get(draft.get_absolute_url())
    # A change that sends no signal: only a page rendered afresh can show it.
    type(draft).objects.filter(pk=draft.pk).update(title="Second draft")

    assert "Second draft" in admin_client.get(draft.get_absolute_url()).content.decode()


@pytest.mark.parametrize("moved", ["role", "presentation", "point", "participation"])
def test_a_record_moved_to_another_event_leaves_the_first_event_page(client, record, moved):
    first = record["event"]
    other = EventFactory()
    url = first.get_absolute_url()
    shown = {
        "role": "Director",
        "presentation": record["presentation"].title,
        "point": "Old point",
        "participation": "Host",
    }[moved]
    assert shown in client.get(url).content.decode()

    if moved == "point":
        record["point"].presentation = PresentationFactory(event=other)
    else:
        record[moved].event = other
    record[moved].save()

    assert shown not in client.get(url).content.decode()
    if moved != "point":
        assert shown in client.get(other.get_absolute_url()).content.decode()


def page_after_a_change_committed_while_it_rendered(client, event):
    """Ask for the event's page, committing a new title just after the view has read the
    event's row (as a bulk load under load does), then ask again: what the second reader
    gets."""
    from unittest import mock

    from events.models import Event
    from events.site.views import EventDetailView

    read_row = EventDetailView.get_object
    edited = []

    def read_row_then_commit_a_change(view, queryset=None):
        row = read_row(view, queryset)
        if not edited:
            edited.append(True)
            other = Event.objects.get(pk=row.pk)
            other.title = other.title_en = "Title committed meanwhile"
            other.save()
        return row

    with mock.patch.object(EventDetailView, "get_object", read_row_then_commit_a_change):
        client.get(event.get_absolute_url())
    return client.get(event.get_absolute_url()).content.decode()


def test_parts_rendered_from_a_row_changed_meanwhile_are_not_kept(client):
    """A change committed between the page reading the event's row and its content version
    (a bulk load under load does this): the parts rendered from the old row must not be kept
    under the new version, or the page keeps its old heading and structured data."""
    event = EventFactory(title="Title as first read")

    page = page_after_a_change_committed_while_it_rendered(client, event)

    assert "Title committed meanwhile</h1>" in page
    assert "Title as first read" not in page  # neither in the body nor the structured data
