"""History that shows every change: each admin save once, with every field of the record and
of its inline rows old → new, who and when."""

import pytest
from django.contrib.admin.models import LogEntry  # noqa: F401  (admin log stays as it was)
from django.urls import reverse

from events.models import Event
from people.editing.changes import SHORT_VALUE, RecordChange
from tests.admin_forms import add_inline_row, change_url, changeform_data, inline_index
from tests.factories import (
    EventFactory,
    OrganizationFactory,
    PersonFactory,
    RoleFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

LONG = "A capacity-building webinar on digital government and cooperation. " * 10


def history_url(record):
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[record.pk])


def save_event(admin_client, event, **changes):
    data = changeform_data(admin_client.get(change_url(event)))
    data.update(changes)
    return data


def test_one_save_of_an_event_records_its_fields_and_its_inline_rows(admin_client, admin_user):
    role = RoleFactory(position_title="Director")
    event = role.event
    source = SourceFactory()
    data = save_event(admin_client, event, description_en="Now described.")
    data[f"roles-{inline_index(data, 'roles', role.pk)}-position_title_en"] = "Chief"
    add_inline_row(data, "citations", fact="audience", source=source.pk, quote="")

    response = admin_client.post(change_url(event), data)

    assert response.status_code == 302, response.context["errors"]
    (save,) = RecordChange.objects.of(event)
    changes = {(c["row"].split(":")[0], c["field"], c["old"], c["new"]) for c in save.changes}
    assert ("", "Description [en]", "", "Now described.") in changes
    assert ("Role", "Title at the time [en]", "Director", "Chief") in changes
    assert ("Citation", "Source", "", str(source)) in changes
    assert save.user == admin_user


def test_history_page_shows_each_save_once_with_old_and_new_values(admin_client):
    event = EventFactory(description="Old words.")
    admin_client.post(change_url(event), save_event(admin_client, event, description_en="New."))

    page = admin_client.get(history_url(event)).content.decode()

    assert page.count('class="record-change"') == 1
    assert "<del>Old words.</del>" in page
    assert "<ins>New.</ins>" in page
    assert "admin" in page  # who


def test_long_values_are_short_in_the_list_and_whole_in_the_detail_view(admin_client):
    event = EventFactory(description="Short.")
    admin_client.post(change_url(event), save_event(admin_client, event, description_en=LONG))
    (save,) = RecordChange.objects.of(event)

    listing = admin_client.get(history_url(event)).content.decode()
    detail_url = reverse("admin:events_event_record_change", args=[event.pk, save.pk])
    detail = admin_client.get(detail_url).content.decode()

    assert LONG.strip() not in listing
    assert LONG[: SHORT_VALUE // 2] in listing
    assert detail_url in listing
    assert LONG.strip() in detail


def test_a_save_that_changes_nothing_records_nothing(admin_client):
    event = EventFactory()

    admin_client.post(change_url(event), save_event(admin_client, event))

    assert not RecordChange.objects.exists()


def test_deleting_an_inline_row_is_recorded(admin_client):
    role = RoleFactory()
    data = save_event(admin_client, role.event)
    data[f"roles-{inline_index(data, 'roles', role.pk)}-DELETE"] = "on"

    admin_client.post(change_url(role.event), data)

    (save,) = RecordChange.objects.of(role.event)
    assert {c["action"] for c in save.changes} == {"deleted"}


def test_publishing_from_the_list_is_recorded_with_who(admin_client, admin_user):
    event = EventFactory(draft=True)

    admin_client.post(
        reverse("admin:events_event_changelist"),
        {"action": "publish", "_selected_action": [event.pk]},
    )

    (save,) = RecordChange.objects.of(event)
    assert save.changes[0]["old"] == "Draft"
    assert save.changes[0]["new"] == "Published"
    assert save.user == admin_user


@pytest.mark.parametrize("factory", [PersonFactory, OrganizationFactory, SourceFactory])
def test_people_organizations_and_sources_have_the_same_history(admin_client, factory):
    record = factory()
    data = changeform_data(admin_client.get(change_url(record)))
    field = {"person": "website", "organization": "website", "source": "publisher"}[
        record._meta.model_name
    ]
    data[field] = "https://example.org/new" if field == "website" else "A new publisher"

    response = admin_client.post(change_url(record), data)

    assert response.status_code == 302, response.context["errors"]
    (save,) = RecordChange.objects.of(record)
    assert save.changes[0]["new"] in {"https://example.org/new", "A new publisher"}
    assert "record-change" in admin_client.get(history_url(record)).content.decode()


def test_presentation_save_records_its_key_points(admin_client):
    from tests.factories import KeyPointFactory

    point = KeyPointFactory(text="First point")
    presentation = point.presentation
    data = changeform_data(admin_client.get(change_url(presentation)))
    data[f"key_points-{inline_index(data, 'key_points', point.pk)}-text_en"] = "Better point"

    response = admin_client.post(change_url(presentation), data)

    assert response.status_code == 302, response.context["errors"]
    (save,) = RecordChange.objects.of(presentation)
    assert ("First point", "Better point") in {(c["old"], c["new"]) for c in save.changes}


def test_adding_an_event_records_its_first_values(admin_client):
    data = changeform_data(admin_client.get(reverse("admin:events_event_add")))
    data.update(
        title_en="스마트 도시",
        start_date="2022-05-04",
        end_date="2022-05-04",
        kind="webinar",
        attendance_mode="online",
        participant_count_qualifier="exactly",
        topics=[],
        sources=[],
    )

    response = admin_client.post(reverse("admin:events_event_add"), data)

    assert response.status_code == 302, response.context["errors"]
    event = Event.objects.get()
    (save,) = RecordChange.objects.of(event)
    assert save.summary == "Added"
    assert ("Title [en]", "스마트 도시") in {(c["field"], c["new"]) for c in save.changes}


@pytest.mark.parametrize("roles", [1, 20])
def test_snapshot_queries_do_not_grow_with_inline_rows(
    django_assert_num_queries, admin_user, rf, roles
):
    from django.contrib import admin

    event = EventFactory()
    for _ in range(roles):
        RoleFactory(event=event)
    request = rf.get("/")
    request.user = admin_user

    # The event, then each inline's rows with their links: one or two queries per inline; and
    # whether changes of it are pending review (its form then shows them), once per request.
    with django_assert_num_queries(8):
        admin.site._registry[Event].take_snapshot(request, event)
