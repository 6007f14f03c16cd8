"""Review before publishing: an Editors-group change to a published record waits as a pending
revision; the public keeps the published version until a Publisher publishes it (through the
normal save) or rejects it with a note. Drafts are edited directly."""

import pytest
from django.urls import reverse

from events.models import Event
from people.editing.changes import RecordChange
from people.editing.revisions import PendingRevision
from tests.admin_forms import add_inline_row, change_url, changeform_data, inline_index, member_of
from tests.factories import (
    EventFactory,
    EventOrganizationFactory,
    KeyPointFactory,
    OrganizationFactory,
    PersonFactory,
    PresentationFactory,
    RoleFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def editor_submits(client, record, **changes):
    editor = member_of("Editors")
    client.force_login(editor)
    data = changeform_data(client.get(change_url(record)))
    data.update(changes)
    response = client.post(change_url(record), data, follow=True)
    return editor, response


def revision_url(revision):
    return revision.get_absolute_url()


def test_an_editors_change_to_a_published_event_waits_for_review(client):
    event = EventFactory(title="Published title", description="Published words.")

    editor, response = editor_submits(client, event, description_en="Pending words.")

    event.refresh_from_db()
    assert event.description == "Published words."
    assert any("pending review" in m for m in messages_of(response))
    page = response.content.decode()
    assert "1 change pending review." in page, "the change form says so too"
    revision = PendingRevision.objects.get()
    assert (revision.submitted_by, revision.state) == (editor, PendingRevision.State.PENDING)
    assert revision.base_version == event.version
    assert {"field": "Description [en]", "old": "Published words.", "new": "Pending words."} in [
        {key: change[key] for key in ("field", "old", "new")} for change in revision.changes
    ]
    public = client.get(event.get_absolute_url()).content.decode()
    assert "Published words." in public
    assert "Pending words." not in public


def test_an_editors_change_to_a_draft_is_saved_directly(client):
    event = EventFactory(draft=True, description="Draft words.")

    _editor, response = editor_submits(client, event, description_en="New draft words.")

    event.refresh_from_db()
    assert event.description == "New draft words."
    assert not PendingRevision.objects.exists()
    assert any("Saved as a draft" in m for m in messages_of(response))


def test_a_publishers_change_to_a_published_event_is_public_at_once(client):
    event = EventFactory(description="Published words.")
    client.force_login(member_of("Publishers"))
    data = changeform_data(client.get(change_url(event)))
    data["description_en"] = "Corrected words."

    client.post(change_url(event), data)

    event.refresh_from_db()
    assert event.description == "Corrected words."
    assert not PendingRevision.objects.exists()


def test_inline_rows_wait_with_the_event(client):
    event = EventFactory()
    role = RoleFactory(event=event, position_title="Director")
    editor = member_of("Editors")
    client.force_login(editor)
    data = changeform_data(client.get(change_url(event)))
    index = inline_index(data, "roles", role.pk)
    data[f"roles-{index}-position_title_en"] = "Director-General"

    client.post(change_url(event), data)

    role.refresh_from_db()
    assert role.position_title == "Director"
    (change,) = [c for c in PendingRevision.objects.get().changes if c["row"]]
    assert (change["old"], change["new"]) == ("Director", "Director-General")
    assert change["row"].startswith("Role:")


def test_an_invalid_change_shows_the_form_with_errors_and_keeps_nothing(client):
    event = EventFactory()

    _editor, response = editor_submits(client, event, title_en="", slug="")

    assert response.status_code == 200
    assert response.context["errors"]
    assert not PendingRevision.objects.exists()


def test_the_publisher_sees_the_diff_with_inline_rows_and_publishes(client):
    event = EventFactory(description="Published words.")
    role = RoleFactory(event=event, position_title="Director")
    editor = member_of("Editors")
    client.force_login(editor)
    data = changeform_data(client.get(change_url(event)))
    data["description_en"] = "Reviewed words."
    data[f"roles-{inline_index(data, 'roles', role.pk)}-position_title_en"] = "Director-General"
    client.post(change_url(event), data)
    revision = PendingRevision.objects.get()
    publisher = member_of("Publishers")
    client.force_login(publisher)

    page = client.get(revision_url(revision)).content.decode()
    assert "Published words." in page and "Reviewed words." in page
    assert "Director-General" in page and "Role:" in page
    response = client.post(
        revision_url(revision), {"_publish": "1", "note": "Checked against the source."}
    )

    assert response.status_code == 302
    event.refresh_from_db()
    role.refresh_from_db()
    assert (event.description, role.position_title) == ("Reviewed words.", "Director-General")
    revision.refresh_from_db()
    assert (revision.state, revision.decided_by) == (PendingRevision.State.PUBLISHED, publisher)
    assert revision.note == "Checked against the source."
    saved = RecordChange.objects.of(event).first()
    assert saved.user == editor
    assert publisher.username in saved.summary
    assert "Reviewed words." in client.get(event.get_absolute_url()).content.decode()


def test_rejecting_needs_a_note_and_the_editor_reads_it(client):
    event = EventFactory(description="Published words.")
    _editor, _response = editor_submits(client, event, description_en="Unsourced words.")
    editor = PendingRevision.objects.get().submitted_by
    revision = PendingRevision.objects.get()
    client.force_login(member_of("Publishers"))

    refused = client.post(revision_url(revision), {"_reject": "1", "note": ""})
    assert "Say why it is rejected" in refused.content.decode()
    client.post(revision_url(revision), {"_reject": "1", "note": "The source does not say so."})

    revision.refresh_from_db()
    event.refresh_from_db()
    assert revision.state == PendingRevision.State.REJECTED
    assert event.description == "Published words."
    client.force_login(editor)
    form = client.get(change_url(event)).content.decode()
    assert "was rejected by" in form and "The source does not say so." in form


def test_an_editor_may_read_but_not_publish_a_revision(client):
    event = EventFactory(description="Published words.")
    editor, _response = editor_submits(client, event, description_en="Pending words.")
    revision = PendingRevision.objects.get()

    page = client.get(revision_url(revision))
    publish = client.post(revision_url(revision), {"_publish": "1"})

    assert page.status_code == 200 and "Pending words." in page.content.decode()
    assert 'name="_publish"' not in page.content.decode()
    assert publish.status_code == 403
    event.refresh_from_db()
    assert event.description == "Published words."


def test_publishing_merges_a_change_made_since_to_another_field(client):
    event = EventFactory(description="Published words.", audience="Officials")
    editor_submits(client, event, description_en="Reviewed words.")
    revision = PendingRevision.objects.get()
    publisher = member_of("Publishers")
    client.force_login(publisher)
    data = changeform_data(client.get(change_url(event)))
    data["audience_en"] = "Mayors"
    client.post(change_url(event), data)

    client.post(revision_url(revision), {"_publish": "1"})

    event.refresh_from_db()
    assert (event.description, event.audience) == ("Reviewed words.", "Mayors")


def test_publishing_is_refused_when_the_same_field_changed_since(client):
    event = EventFactory(description="Published words.")
    editor_submits(client, event, description_en="Editor's words.")
    revision = PendingRevision.objects.get()
    publisher = member_of("Publishers")
    client.force_login(publisher)
    data = changeform_data(client.get(change_url(event)))
    data["description_en"] = "Publisher's words."
    client.post(change_url(event), data)

    page = client.get(revision_url(revision)).content.decode()
    response = client.post(revision_url(revision), {"_publish": "1"})

    assert "cannot be published as it stands" in page
    assert publisher.username in page
    assert response.status_code == 200
    event.refresh_from_db()
    revision.refresh_from_db()
    assert event.description == "Publisher's words."
    assert revision.state == PendingRevision.State.PENDING


def test_a_presentation_and_its_key_points_wait_with_a_published_event(client):
    presentation = PresentationFactory(title="Published talk")
    point = KeyPointFactory(presentation=presentation, text="Published point")
    editor = member_of("Editors")
    client.force_login(editor)
    data = changeform_data(client.get(change_url(presentation)))
    data["title_en"] = "Pending talk"
    data[f"key_points-{inline_index(data, 'key_points', point.pk)}-text_en"] = "Pending point"
    add_inline_row(data, "key_points", order="9", text_en="A new pending point")

    client.post(change_url(presentation), data)

    presentation.refresh_from_db()
    point.refresh_from_db()
    assert (presentation.title, point.text) == ("Published talk", "Published point")
    assert presentation.key_points.count() == 1
    changes = PendingRevision.objects.get().changes
    assert {change["new"] for change in changes} >= {
        "Pending talk",
        "Pending point",
        "A new pending point",
    }


def test_the_queue_lists_what_waits(client):
    event = EventFactory(title="Queued event")
    editor_submits(client, event, description_en="Pending words.")
    client.force_login(member_of("Publishers"))

    queue = client.get(reverse("admin:people_pendingrevision_changelist"), follow=True)

    page = queue.content.decode()
    assert "Queued event" in page
    assert revision_url(PendingRevision.objects.get()) in page


def test_bulk_publishing_is_for_publishers_only(client):
    event = EventFactory(draft=True)
    client.force_login(member_of("Editors"))

    client.post(
        reverse("admin:events_event_changelist"),
        {"action": "publish", "_selected_action": [event.pk]},
    )

    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT


def test_a_person_a_published_event_shows_waits_and_one_in_no_event_does_not(client):
    shown = PersonFactory(biography="Published biography")
    RoleFactory(person=shown)
    unseen = PersonFactory(biography="Old")

    editor_submits(client, shown, biography_en="Pending biography")
    editor_submits(client, unseen, biography_en="New")

    shown.refresh_from_db()
    unseen.refresh_from_db()
    assert (shown.biography, unseen.biography) == ("Published biography", "New")
    (revision,) = PendingRevision.objects.all()
    assert revision.object_id == shown.pk
    client.force_login(member_of("Publishers"))
    client.post(revision.get_absolute_url(), {"_publish": "1"})
    shown.refresh_from_db()
    assert shown.biography == "Pending biography"


def test_an_organization_and_a_source_a_published_event_shows_wait_for_review(client):
    participation = EventOrganizationFactory(organization=OrganizationFactory(website=""))
    source = SourceFactory(notes="Published notes")
    participation.event.sources.add(source)

    editor_submits(client, participation.organization, website="https://example.org/")
    editor_submits(client, source, notes="Pending notes")

    participation.organization.refresh_from_db()
    source.refresh_from_db()
    assert participation.organization.website == ""
    assert source.notes == "Published notes"
    assert PendingRevision.objects.count() == 2


def publish_action(client, *events):
    return client.post(
        reverse("admin:events_event_changelist"),
        {"action": "publish", "_selected_action": [event.pk for event in events]},
        follow=True,
    )


def test_publishing_one_event_links_to_its_public_page(admin_client):
    event = EventFactory(draft=True)

    response = publish_action(admin_client, event)

    (message,) = messages_of(response)
    assert "1 event published." in message
    assert f'href="{event.get_absolute_url()}"' in message


def test_publishing_several_events_links_to_the_list(admin_client):
    events = [EventFactory(draft=True), EventFactory(draft=True)]

    response = publish_action(admin_client, *events)

    (message,) = messages_of(response)
    assert "2 events published." in message
    assert f'href="{reverse("events:list")}"' in message


def test_bulk_publishing_says_which_events_have_changes_pending_review(client, admin_client):
    event = EventFactory(description="Published words.")
    editor_submits(client, event, description_en="Pending words.")
    event.status = Event.Status.DRAFT
    event.save()

    response = publish_action(admin_client, event, EventFactory(draft=True))

    assert any("1 of them has changes pending review" in m for m in messages_of(response))


def test_a_presentation_form_leads_back_to_its_event(admin_client):
    presentation = PresentationFactory(title="A talk")
    event_url = change_url(presentation.event)

    form = admin_client.get(change_url(presentation))
    data = changeform_data(form)
    data["title_en"] = "A renamed talk"
    data["_return_to_event"] = "Save and return to the event"
    response = admin_client.post(change_url(presentation), data)

    breadcrumbs = form.content.decode().split('class="breadcrumbs"', 1)[1].split("</div>", 1)[0]
    assert f'href="{event_url}"' in breadcrumbs and str(presentation.event) in breadcrumbs
    assert 'name="_return_to_event"' in form.content.decode()
    assert response.status_code == 302 and response["Location"] == event_url
    presentation.refresh_from_db()
    assert presentation.title == "A renamed talk"


def test_an_editors_pending_presentation_change_returns_to_the_event(client):
    presentation = PresentationFactory(title="A talk")

    _editor, response = editor_submits(
        client, presentation, title_en="Renamed", _return_to_event="Save and return to the event"
    )

    assert response.redirect_chain[-1][0] == change_url(presentation.event)
    assert any("pending review" in m for m in messages_of(response))


def test_a_role_page_leads_back_to_its_event(admin_client):
    role = RoleFactory()

    page = admin_client.get(change_url(role)).content.decode()

    breadcrumbs = page.split('class="breadcrumbs"', 1)[1].split("</div>", 1)[0]
    assert f'href="{change_url(role.event)}"' in breadcrumbs


def test_an_editor_cannot_delete_a_published_event_but_may_delete_a_draft(client):
    published, draft = EventFactory(), EventFactory(draft=True)
    client.force_login(member_of("Editors"))

    for event in (published, draft):
        url = reverse("admin:events_event_delete", args=[event.pk])
        client.post(url, {"post": "yes"})
    client.post(
        reverse("admin:events_event_changelist"),
        {"action": "delete_selected", "_selected_action": [published.pk], "post": "yes"},
    )

    assert Event.objects.filter(pk=published.pk).exists()
    assert not Event.objects.filter(pk=draft.pk).exists()


def test_an_editor_is_told_before_saving_that_a_published_record_is_reviewed(client):
    published, draft = EventFactory(), EventFactory(draft=True)
    client.force_login(member_of("Editors"))

    told = client.get(change_url(published)).content.decode()
    not_told = client.get(change_url(draft)).content.decode()

    assert "waits for a publisher" in told
    assert "waits for a publisher" not in not_told


def add_presentation_as_editor(client, event):
    client.force_login(member_of("Editors"))
    return client.post(
        reverse("admin:events_presentation_add"),
        {
            "event": event.pk,
            "title_en": "A talk added on its own form",
            "order": 9,
            "kind": "keynote",
            "key_points-TOTAL_FORMS": 0,
            "key_points-INITIAL_FORMS": 0,
        },
    )


def test_an_editor_adds_a_presentation_to_a_published_event_only_through_review(client):
    event = EventFactory()

    response = add_presentation_as_editor(client, event)

    assert response.status_code == 200
    assert "is published, so what is added to it waits for review" in response.content.decode()
    assert not event.presentations.filter(title="A talk added on its own form").exists()
    page = client.get(event.get_absolute_url()).content.decode()
    assert "A talk added on its own form" not in page


def test_an_editor_adds_a_presentation_to_a_draft_directly(client):
    event = EventFactory(draft=True)

    response = add_presentation_as_editor(client, event)

    assert response.status_code == 302, response.context and response.context["errors"]
    assert event.presentations.filter(title="A talk added on its own form").exists()


def test_an_editor_may_not_merge_a_person_a_published_event_shows(client):
    kept, duplicate = PersonFactory(), PersonFactory()
    role = RoleFactory(person=duplicate)
    client.force_login(member_of("Editors"))

    response = client.post(
        reverse("admin:people_person_changelist"),
        {
            "action": "merge_duplicates",
            "_selected_action": [kept.pk, duplicate.pk],
            "kept": kept.pk,
            "confirm": "yes",
        },
        follow=True,
    )

    assert any("a publisher merges it" in m for m in messages_of(response))
    role.refresh_from_db()
    assert role.person == duplicate
