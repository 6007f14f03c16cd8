"""Public versions: the record says when it last changed, lists each public change field by
field, and shows each published version at its own address, citable as that version."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation
from lxml import html

from events.models import Event
from tests.admin_forms import changeform_data
from tests.factories import EventFactory, PresentationFactory

pytestmark = pytest.mark.django_db


def edit(event, **changes):
    """Save as the admin does: load, change, save (each save is one history row)."""
    event = Event.objects.get(pk=event.pk)
    for name, value in changes.items():
        setattr(event, name, value)
    event.save()
    return event


def shift_history(event, days):
    """Spread the history rows of a test apart, as edits on different days are."""
    rows = list(Event.history.filter(id=event.pk).order_by("history_date"))
    for index, row in enumerate(rows):
        Event.history.filter(history_id=row.history_id).update(
            history_date=row.history_date - datetime.timedelta(days=days * (len(rows) - index))
        )


@pytest.fixture
def changed_event():
    event = EventFactory(draft=True, title="Draft title never shown")
    event = edit(event, title="Webinar on open data", status=Event.Status.PUBLISHED)
    event = edit(event, participant_count=120)
    event = edit(event, title="Webinar on open government data")
    shift_history(event, days=2)
    return event


def text(response):
    return " ".join(html.fromstring(response.content).text_content().split())


def test_event_page_says_when_it_last_changed_and_how_often(client, changed_event):
    page = text(client.get(changed_event.get_absolute_url()))

    assert "— 2 changes — see the changes" in page


def test_changes_page_lists_public_changes_field_by_field(client, changed_event):
    response = client.get(reverse("events:event_changes", args=[changed_event.slug]))

    assert response.status_code == 200
    page = text(response)
    assert "Version 3" in page and "Version 1" in page and "First published." in page
    assert "Webinar on open data Webinar on open government data" in page
    assert "Participants — 120" in page
    # Nothing from before publication, no editor, no status.
    assert "Draft title never shown" not in page
    assert "admin" not in page.lower()
    assert "Draft" not in page


def test_version_page_shows_the_record_as_it_stood_with_a_banner(client, changed_event):
    response = client.get(reverse("events:event_version", args=[changed_event.slug, 1]))

    assert response.status_code == 200
    tree = html.fromstring(response.content)
    assert tree.xpath("//h1")[0].text_content() == "Webinar on open data"
    banner = tree.xpath('//p[@class="version-banner"]')[0].text_content()
    assert banner.startswith("This is the record as of")
    assert "see the current record" in banner
    cite = " ".join(tree.xpath('//section[@class="cite"]')[0].text_content().split())
    assert "Cite this version" in cite
    assert reverse("events:event_version", args=[changed_event.slug, 1]) in cite


def test_unknown_version_is_404_and_draft_has_no_versions(client, changed_event):
    draft = EventFactory(draft=True)
    beyond = reverse("events:event_version", args=[changed_event.slug, 9])

    assert client.get(beyond).status_code == 404
    assert client.get(reverse("events:event_changes", args=[draft.slug])).status_code == 404
    assert client.get(reverse("events:event_version", args=[draft.slug, 1])).status_code == 404


def test_record_without_history_has_one_version(client, shanghai):
    with translation.override("zh-hans"):
        url = reverse("events:event_version", args=[shanghai.slug, 1])

    response = client.get(url)

    assert response.status_code == 200
    assert client.get(reverse("events:event_changes", args=[shanghai.slug])).status_code == 200


def test_a_presentation_slug_named_versions_does_not_hide_the_changes(client):
    event = EventFactory()
    PresentationFactory(event=event, slug="talk")

    assert client.get(reverse("events:event_changes", args=[event.slug])).status_code == 200


def test_editor_marks_a_change_as_a_correction_with_a_public_note(admin_client, client):
    event = EventFactory(title="Webinar on smart cities")
    admin_url = reverse("admin:events_event_change", args=[event.pk])
    data = changeform_data(admin_client.get(admin_url))
    data.update(
        title_en="Webinar on SMART cities",
        public_note="Corrected the spelling of SMART",
        is_correction="on",
    )

    response = admin_client.post(admin_url, data)

    assert response.status_code == 302
    page = text(client.get(event.get_absolute_url()))
    assert "Correction" in page and "Corrected the spelling of SMART" in page
    changes = text(client.get(reverse("events:event_changes", args=[event.slug])))
    assert "Correction: Corrected the spelling of SMART" in changes
    feed = client.get(reverse("data:feed")).content.decode()
    assert "Corrected: Webinar on SMART cities" in feed
    assert "Corrected the spelling of SMART" in feed
    # The note belongs to that change: the form opens blank again.
    form = admin_client.get(admin_url).context["adminform"].form
    assert not form["public_note"].value()
    assert not form["is_correction"].value()
