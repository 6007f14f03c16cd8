"""Editors see at a glance which facts of a record no passage states yet."""

import pytest
from django.urls import reverse

from events.models import Citation
from tests.admin_forms import change_url
from tests.factories import (
    CitationFactory,
    EventFactory,
    KeyPointFactory,
    PresentationFactory,
    RoleFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def test_shanghai_change_form_counts_its_facts_and_names_the_uncited(admin_client, shanghai):
    response = admin_client.get(change_url(shanghai))

    summary = response.content.decode().split('class="evidence-summary">')[1].split("</p>")[0]
    # 8 facts of the event itself (not its location: it has none) + 3 organization parts +
    # 5 roles + 4 presentations + the questions after one + 3 key points, each quoted.
    assert summary == "24 facts, 24 cited."


def test_uncited_role_is_named_with_a_link_to_its_row(admin_client):
    source = SourceFactory(text="Ada chaired it.")
    event = EventFactory()
    for fact in ["title", "date", "format"]:
        CitationFactory(event=event, fact=fact, source=source, quote="Ada chaired it.")
    RoleFactory(event=event, source=source, quote="Ada chaired it.", order=1)
    uncited = RoleFactory(event=event, order=2, kind="speaker")

    response = admin_client.get(change_url(event))

    content = response.content.decode()
    assert "5 facts, 4 cited — not cited: " in content
    assert f'<a href="#roles-1">{uncited.person.name} as speaker</a>' in content


def test_event_list_counts_and_filters_uncited_facts(admin_client, django_assert_max_num_queries):
    source = SourceFactory(text="Ada chaired it.")
    complete = EventFactory(title="Complete record")
    for fact in ["title", "date", "format"]:
        CitationFactory(event=complete, fact=fact, source=source, quote="Ada chaired it.")
    incomplete = EventFactory(title="Incomplete record")
    KeyPointFactory(presentation=PresentationFactory(event=incomplete))
    for _ in range(20):
        RoleFactory(event=EventFactory())

    with django_assert_max_num_queries(12):
        listing = admin_client.get(reverse("admin:events_event_changelist"))
    some = admin_client.get(reverse("admin:events_event_changelist"), {"uncited": "some"})
    none = admin_client.get(reverse("admin:events_event_changelist"), {"uncited": "none"})

    rows = {event.title: event.uncited_count for event in listing.context["cl"].result_list}
    assert rows["Complete record"] == 0
    # Title, date, format, the presentation and its key point.
    assert rows["Incomplete record"] == 5
    assert "uncited facts" in listing.content.decode().lower()
    assert [e.title for e in none.context["cl"].result_list] == ["Complete record"]
    assert "Complete record" not in [e.title for e in some.context["cl"].result_list]
    assert Citation.objects.count() == 3
