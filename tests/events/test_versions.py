"""Public versions: the record says when it last changed, lists each public change field by
field, and shows each published version at its own address as it stood then (its people,
titles, organizations, programme, topics and sources), citable as that version."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from lxml import html

from events.models import Event, Presentation, PublishedVersion
from tests.admin_forms import changeform_data
from tests.factories import (
    EventFactory,
    OrganizationFactory,
    PersonFactory,
    PresentationFactory,
    RoleFactory,
    SourceFactory,
    TopicFactory,
    committed,
)

pytestmark = pytest.mark.django_db


def edit(event, **changes):
    """Save as the admin does: load, change, save, commit."""
    with committed():
        event = Event.objects.get(pk=event.pk)
        for name, value in changes.items():
            setattr(event, name, value)
        event.save()
    return event


def spread(event, days):
    """Date the versions days apart, as edits on different days are."""
    versions = list(event.published_versions.order_by("number"))
    for index, version in enumerate(versions):
        PublishedVersion.objects.filter(pk=version.pk).update(
            published_at=version.published_at
            - datetime.timedelta(days=days * (len(versions) - index))
        )


@pytest.fixture
def changed_event():
    with committed():
        event = EventFactory(draft=True, title="Draft title never shown")
    event = edit(event, title="Webinar on open data", status=Event.Status.PUBLISHED)
    event = edit(event, participant_count=120)
    event = edit(event, title="Webinar on open government data")
    spread(event, days=2)
    return event


def text(response):
    return " ".join(html.fromstring(response.content).text_content().split())


def version_url(event, number):
    return reverse("events:event_version", args=[event.slug, number])


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
    response = client.get(version_url(changed_event, 1))

    assert response.status_code == 200
    tree = html.fromstring(response.content)
    assert tree.xpath("//h1")[0].text_content() == "Webinar on open data"
    banner = tree.xpath('//p[@class="version-banner"]')[0].text_content()
    assert banner.startswith("This is the record as of")
    assert "see the current record" in banner
    cite = " ".join(tree.xpath('//section[@class="cite"]')[0].text_content().split())
    assert "Cite this version" in cite
    assert version_url(changed_event, 1) in cite
    assert "Webinar on open data" in cite and "open government" not in cite


def test_version_page_shows_people_programme_topics_and_sources_of_then(client):
    with committed():
        person = PersonFactory(given_name="Zongyao", family_name="Zhu")
        before = OrganizationFactory(name="Tongji University")
        report, transcript = SourceFactory(title="Programme"), SourceFactory(title="Transcript")
        old_topic, new_topic = TopicFactory(name="Smart cities"), TopicFactory(name="Open data")
        event = EventFactory()
        RoleFactory(event=event, person=person, position_title="Professor", organization=before)
        talk = PresentationFactory(event=event, title="Urban digital twins")
        talk.speakers.set([person])
        event.topics.set([old_topic])
        event.sources.set([report])
    spread(event, days=1)
    with committed():
        role = event.roles.get()
        role.position_title = "Dean"
        role.organization = OrganizationFactory(name="Shanghai Academy")
        role.save()
        person.family_name = "Zhou"
        person.save()
        talk.speakers.set([])
        Presentation.objects.get(pk=talk.pk).delete()
        event.topics.set([new_topic])
        event.sources.set([transcript])

    old = text(client.get(version_url(event, 1)))
    new = text(client.get(version_url(event, 2)))
    current = text(client.get(event.get_absolute_url()))

    for page, shown, hidden in (
        (old, ["Zongyao Zhu", "Professor", "Tongji University", "Urban digital twins",
               "Smart cities", "Programme"], ["Dean", "Shanghai Academy", "Open data"]),
        (new, ["Zongyao Zhou", "Dean", "Shanghai Academy", "Open data", "Transcript"],
         ["Professor", "Urban digital twins", "Smart cities", "Zongyao Zhu"]),
    ):  # fmt: skip
        for words in shown:
            assert words in page, words
        for words in hidden:
            assert words not in page, words
    assert "Dean" in current and "Urban digital twins" not in current
    changes = text(client.get(reverse("events:event_changes", args=[event.slug])))
    assert "Professor Dean" in changes
    assert "Presentation “Urban digital twins” removed" in changes
    assert "Smart cities Open data" in changes


def test_draft_edits_and_saves_that_change_nothing_public_make_no_version(changed_event):
    edit(changed_event)  # saved again, nothing changed
    edit(changed_event, status=Event.Status.DRAFT)
    edit(changed_event, title="Only an editor sees this")

    assert changed_event.published_versions.count() == 3
    published = edit(changed_event, title="Webinar on open government data", status="published")
    assert published.published_versions.count() == 3


def test_version_records_hold_published_facts_only(changed_event):
    record = changed_event.published_versions.last().record

    assert set(record["event"]).isdisjoint({"status", "version", "created_at", "updated_at"})
    assert "Draft title never shown" not in str(record)


def test_unknown_version_is_404_and_draft_has_no_versions(client, changed_event):
    draft = EventFactory(draft=True)

    assert client.get(version_url(changed_event, 9)).status_code == 404
    assert client.get(reverse("events:event_changes", args=[draft.slug])).status_code == 404
    assert client.get(version_url(draft, 1)).status_code == 404


def test_record_without_versions_has_one_and_keeps_it_at_its_first_change(client, shanghai):
    with translation.override("zh-hans"):
        url = version_url(shanghai, 1)
    assert client.get(url).status_code == 200
    assert client.get(reverse("events:event_changes", args=[shanghai.slug])).status_code == 200
    title = shanghai.title

    edit(shanghai, title="A new title")

    assert [v.number for v in shanghai.published_versions.all()] == [1, 2]
    first = html.fromstring(client.get(version_url(shanghai, 1)).content)
    assert first.xpath("//h1")[0].text_content() == title
    assert shanghai.published_versions.first().published_at == shanghai.published_at


def test_a_presentation_slug_named_versions_is_never_made_or_accepted(client):
    event = EventFactory()
    made = PresentationFactory(event=event, slug="", title="Versions")
    taken = Presentation(event=event, order=9, title="Talk", slug="versions")

    assert made.slug == "versions-2"
    with pytest.raises(ValidationError, match="address of the record's changes"):
        taken.full_clean()
    assert client.get(reverse("events:event_changes", args=[event.slug])).status_code == 200


def test_editor_marks_a_change_as_a_correction_with_a_public_note(admin_client, client):
    with committed():
        event = EventFactory(title="Webinar on smart cities")
    spread(event, days=1)
    admin_url = reverse("admin:events_event_change", args=[event.pk])
    data = changeform_data(admin_client.get(admin_url))
    data.update(
        title_en="Webinar on SMART cities",
        public_note="Corrected the spelling of SMART",
        is_correction="on",
    )

    with committed():
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


def test_record_pages_spend_no_query_on_versions(client, django_assert_num_queries):
    with committed():
        talk = PresentationFactory(speakers=[PersonFactory()])
        RoleFactory(event=talk.event, kind="chair")

    # The record page's render, ten (tests/events/test_citations.py), the presentation's three.
    with django_assert_num_queries(10):
        assert client.get(talk.event.get_absolute_url()).status_code == 200
    with django_assert_num_queries(3):
        response = client.get(talk.get_absolute_url())
    assert response.context["cite"]["item"]["chair"]


def test_deleting_a_speaker_makes_a_version_and_deleting_the_event_keeps_none(client):
    with committed():
        speaker = PersonFactory(given_name="Yijia", family_name="Jing")
        talk = PresentationFactory(speakers=[speaker])
    event = talk.event

    with committed():
        speaker.delete()

    assert event.published_versions.count() == 2
    assert "Yijia Jing" not in text(client.get(version_url(event, 2)))
    assert "Yijia Jing" in text(client.get(version_url(event, 1)))
    unversioned = RoleFactory().event  # published, no version kept yet
    with committed():
        Event.objects.get(pk=event.pk).delete()
        unversioned.delete()
    assert not PublishedVersion.objects.filter(event_id__in=[event.pk, unversioned.pk]).exists()


def test_a_fixture_load_over_a_record_that_keeps_versions_makes_one(client, shanghai):
    title = shanghai.title
    edit(shanghai, title="A new title")

    with committed():
        call_command("loaddata", "shanghai_webinar", verbosity=0)

    assert shanghai.published_versions.count() == 3
    page = html.fromstring(client.get(version_url(shanghai, 3)).content)
    assert page.xpath("//h1")[0].text_content() == title
