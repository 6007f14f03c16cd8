"""The editors' admin for events: the whole record in one form, safe with several editors."""

import os
import subprocess
import sys

import pytest
from django import forms
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse

from events.models import Citation, Event, EventOrganization, Presentation, Role
from people.editing.versions import VersionedForm
from tests.admin_forms import (
    add_inline_row,
    change_url,
    changeform_data,
    inline_index,
    member_of,
)
from tests.factories import (
    EventFactory,
    OrganizationFactory,
    PersonFactory,
    PresentationFactory,
    RoleFactory,
    SourceFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def test_admin_anonymous_is_redirected_to_login(client, shanghai):
    for url in [reverse("admin:index"), change_url(shanghai)]:
        response = client.get(url)

        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def test_admin_non_staff_user_is_redirected_to_login(client, shanghai):
    user = member_of("Editors")
    user.is_staff = False
    user.save()
    client.force_login(user)

    response = client.get(change_url(shanghai))

    assert response.status_code == 302


def test_event_add_with_every_inline(admin_client):
    person = PersonFactory(given_name="Ada", family_name="Lovelace")
    organization = OrganizationFactory(name="Analytical Society")
    source = SourceFactory()
    topic = TopicFactory()
    data = changeform_data(admin_client.get(reverse("admin:events_event_add")))
    data.update(
        title_en="Webinar on engines",
        title_zh_hans="关于引擎的网络研讨会",
        slug="webinar-on-engines",
        kind="webinar",
        start_date="2022-05-04",
        end_date="2022-05-04",
        attendance_mode="online",
        participant_count_qualifier="more-than",
        participant_count="50",
        topics=[str(topic.pk)],
        sources=[str(source.pk)],
    )
    add_inline_row(data, "participations", organization=organization.pk, part="host", order="1")
    add_inline_row(
        data,
        "roles",
        person=person.pk,
        kind="chair",
        attestation="confirmed",
        position_title_en="Director",
        organization=organization.pk,
        order="1",
        source=source.pk,
        quote="The webinar was chaired by Ada Lovelace.",
    )
    add_inline_row(
        data,
        "presentations",
        order="1",
        kind="keynote",
        title_en="Engines of thought",
        slug="engines-of-thought",
        speakers=[str(person.pk)],
    )
    add_inline_row(
        data, "citations", fact="participants", source=source.pk, quote="More than 50 people"
    )

    response = admin_client.post(reverse("admin:events_event_add"), data)

    assert response.status_code == 302, response.context["errors"]
    event = Event.objects.get(slug="webinar-on-engines")
    assert event.title_zh_hans == "关于引擎的网络研讨会"
    assert event.status == Event.Status.DRAFT
    assert event.participant_count_display == "more than 50"
    assert list(event.topics.all()) == [topic]
    assert EventOrganization.objects.get(event=event).organization == organization
    role = Role.objects.get(event=event)
    assert (role.person, role.kind, role.position_title) == (person, "chair", "Director")
    assert list(Presentation.objects.get(event=event).speakers.all()) == [person]
    assert Citation.objects.get(event=event).source == source


def test_event_change_saves_inlines_and_bumps_version(admin_client, shanghai):
    url = change_url(shanghai)
    data = changeform_data(admin_client.get(url))
    role = shanghai.roles.get(kind="keynote-speaker")
    index = inline_index(data, "roles", role.pk)
    data[f"roles-{index}-position_title_en"] = "Professor and Dean"
    data["audience_en"] = "Officials from many countries"

    response = admin_client.post(url, data)

    assert response.status_code == 302
    shanghai.refresh_from_db()
    role.refresh_from_db()
    assert shanghai.audience_en == "Officials from many countries"
    assert role.position_title == "Professor and Dean"
    assert shanghai.version == 2


def test_event_second_editor_save_is_refused(client, admin_user, shanghai):
    # Publishers: an Editors-group change to the published record waits for review instead.
    first, second = member_of("Publishers"), member_of("Publishers")
    url = change_url(shanghai)
    client.force_login(first)
    first_data = changeform_data(client.get(url))
    client.force_login(second)
    second_data = changeform_data(client.get(url))
    client.force_login(first)
    first_data["audience_en"] = "First editor's audience"
    assert client.post(url, first_data).status_code == 302

    client.force_login(second)
    second_data["audience_en"] = "Second editor's audience"
    response = client.post(url, second_data)

    assert response.status_code == 200
    assert "Someone else changed" in response.content.decode()
    assert "Reload the record" in response.content.decode()
    shanghai.refresh_from_db()
    assert shanghai.audience_en == "First editor's audience"


def test_event_second_editor_inline_save_is_refused(client, shanghai):
    first, second = member_of("Publishers"), member_of("Publishers")
    url = change_url(shanghai)
    client.force_login(first)
    first_data = changeform_data(client.get(url))
    client.force_login(second)
    second_data = changeform_data(client.get(url))
    client.force_login(first)
    first_data["roles-0-position_title_en"] = "First editor's title"
    assert client.post(url, first_data).status_code == 302

    client.force_login(second)
    second_data["roles-0-position_title_en"] = "Second editor's title"
    response = client.post(url, second_data)

    assert response.status_code == 200
    assert "your changes to these rows were not saved yet" in response.content.decode()
    role_id = first_data["roles-0-id"]
    assert Role.objects.get(pk=role_id).position_title == "First editor's title"


def test_presentation_edited_on_its_page_refuses_stale_event_inline(client, shanghai):
    editor = member_of("Publishers")
    client.force_login(editor)
    event_data = changeform_data(client.get(change_url(shanghai)))
    presentation = Presentation.objects.get(pk=event_data["presentations-0-id"])
    page_data = changeform_data(client.get(change_url(presentation)))
    page_data["summary_en"] = "Edited on the presentation's own page"
    assert client.post(change_url(presentation), page_data).status_code == 302

    event_data["presentations-0-summary_en"] = "Edited in the event's programme"
    response = client.post(change_url(shanghai), event_data)

    assert response.status_code == 200
    assert "Someone else changed" in response.content.decode()
    presentation.refresh_from_db()
    assert presentation.summary_en == "Edited on the presentation's own page"


def test_event_swapping_programme_order_works(admin_client):
    event = EventFactory()
    first = PresentationFactory(event=event, order=1)
    second = PresentationFactory(event=event, order=2)
    url = change_url(event)
    data = changeform_data(admin_client.get(url))
    for index in range(2):
        pk = data[f"presentations-{index}-id"]
        data[f"presentations-{index}-order"] = "2" if pk == str(first.pk) else "1"

    response = admin_client.post(url, data)

    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.order, second.order) == (2, 1)


def test_event_two_items_at_one_position_give_a_form_error(admin_client):
    event = EventFactory()
    first = PresentationFactory(event=event, order=1)
    second = PresentationFactory(event=event, order=2)
    url = change_url(event)
    data = changeform_data(admin_client.get(url))
    data["presentations-0-order"] = data["presentations-1-order"] = "3"

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "Please correct the duplicate data for order" in response.content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.order, second.order) == (1, 2)


def test_event_changelist_search_filters_and_dates_answer(admin_client, shanghai):
    EventFactory(title="Seminar on rivers", draft=True)
    changelist = reverse("admin:events_event_changelist")

    searched = admin_client.get(changelist, {"q": "SMART"})
    drafts = admin_client.get(changelist, {"status__exact": "draft"})
    by_year = admin_client.get(changelist, {"start_date__year": "2021"})

    assert "Advancing SMART Cities" in searched.content.decode()
    assert "Seminar on rivers" not in searched.content.decode()
    assert "Seminar on rivers" in drafts.content.decode()
    assert "Advancing SMART Cities" not in drafts.content.decode()
    assert "Advancing SMART Cities" in by_year.content.decode()
    assert "Seminar on rivers" not in by_year.content.decode()


@pytest.mark.parametrize(
    ("model", "field", "term", "expected"),
    [
        ("role", "person", "Jing", "Yijia Jing"),
        ("role", "organization", "Fudan", "Fudan University"),
        ("presentation", "speakers", "alberti", "Adriana Alberti"),
        ("presentation", "event", "smart", "Advancing SMART Cities"),
        ("event", "sources", "", ""),
    ],
)
def test_admin_autocomplete_answers(admin_client, shanghai, model, field, term, expected):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "events", "model_name": model, "field_name": field, "term": term},
    )

    assert response.status_code == 200
    results = response.json()["results"]
    assert results
    assert any(expected in result["text"] for result in results)


def test_editor_cannot_publish(client):
    event = EventFactory(draft=True)
    client.force_login(member_of("Editors"))

    form = client.get(change_url(event)).content.decode()
    changelist = client.get(reverse("admin:events_event_changelist")).content.decode()
    client.post(
        reverse("admin:events_event_changelist"),
        {"action": "publish", "_selected_action": [event.pk]},
    )

    assert 'name="status"' not in form
    assert 'value="publish"' not in changelist
    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT


def test_editor_cannot_publish_by_posting_status(client):
    event = EventFactory(draft=True)
    client.force_login(member_of("Editors"))
    data = changeform_data(client.get(change_url(event)))
    data["status"] = "published"

    client.post(change_url(event), data)

    event.refresh_from_db()
    assert event.status == Event.Status.DRAFT


def test_publisher_publishes_and_unpublishes(client):
    event = EventFactory(draft=True)
    client.force_login(member_of("Publishers"))
    changelist = reverse("admin:events_event_changelist")

    client.post(changelist, {"action": "publish", "_selected_action": [event.pk]})
    event.refresh_from_db()
    published_at = event.published_at

    assert event.status == Event.Status.PUBLISHED
    assert published_at is not None
    assert event.history.first().history_change_reason == "Published"

    client.post(changelist, {"action": "unpublish", "_selected_action": [event.pk]})
    event.refresh_from_db()

    assert event.status == Event.Status.DRAFT
    assert event.published_at == published_at  # the first publication stays on record


def test_editor_cannot_reach_user_management(client):
    client.force_login(member_of("Editors"))

    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert client.get(reverse("admin:events_event_changelist")).status_code == 200


def test_groups_hold_record_permissions_only():
    editors = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    publishers = set(
        Group.objects.get(name="Publishers").permissions.values_list("codename", flat=True)
    )

    assert {"add_event", "change_event", "delete_role", "view_person", "change_organization"} <= (
        editors
    )
    assert "publish_event" not in editors
    assert publishers == editors | {"publish_event"}
    assert not any(code.endswith(("_user", "_group", "_permission")) for code in publishers)


def test_event_delete_confirmation_lists_roles_and_presentations(admin_client):
    role = RoleFactory()
    presentation = PresentationFactory(event=role.event)

    response = admin_client.get(reverse("admin:events_event_delete", args=[role.event.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Are you sure" in page
    assert str(presentation) in page
    assert "Role:" in page


def test_event_history_shows_who_changed_what(admin_client, admin_user, shanghai):
    url = change_url(shanghai)
    data = changeform_data(admin_client.get(url))
    data["audience_en"] = "Mayors"
    admin_client.post(url, data)

    response = admin_client.get(reverse("admin:events_event_history", args=[shanghai.pk]))
    older = shanghai.history.earliest()
    old_version = admin_client.get(
        reverse("admin:events_event_simple_history", args=[shanghai.pk, older.history_id])
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert admin_user.username in page
    assert "Audience" in page and "Mayors" in page
    assert old_version.status_code == 200


def test_fixture_load_writes_no_history(shanghai):
    # Decided: loading a fixture is not an edit, so it leaves no history rows (raw saves);
    # history begins with the first change an editor makes.
    call_command("loaddata", "shanghai_webinar", verbosity=0)

    assert Event.history.count() == 0
    assert Role.history.count() == 0


def test_public_draft_preview_still_bannered_for_staff_only(client, admin_client):
    event = EventFactory(draft=True)

    staff_page = admin_client.get(event.get_absolute_url())

    assert "Draft — not public" in staff_page.content.decode()
    assert client.get(event.get_absolute_url()).status_code == 404


def test_admin_view_on_site_links_to_public_page(admin_client, shanghai):
    response = admin_client.get(change_url(shanghai))

    assert "View on site" in response.content.decode()


def test_event_save_losing_a_race_is_refused_with_a_message(admin_client, shanghai, monkeypatch):
    # Two saves can both pass validation before either writes; the conditional UPDATE then
    # lets only one through. Skipping the validation-time check makes this save that loser.
    url = change_url(shanghai)
    data = changeform_data(admin_client.get(url))
    monkeypatch.setattr(VersionedForm, "clean", forms.ModelForm.clean)
    Event.objects.filter(pk=shanghai.pk).update(version=F("version") + 1, audience_en="Theirs")
    data["audience_en"] = "Mine"

    response = admin_client.post(url, data)

    assert response.status_code == 302
    assert response.url == url
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("Someone else changed" in m for m in messages)
    shanghai.refresh_from_db()
    assert shanghai.audience_en == "Theirs"


def test_event_change_form_queries_stay_flat(admin_client, shanghai, django_assert_max_num_queries):
    # 21 measured (54 before the autocomplete widgets shared their look-ups): the session and
    # the user, the event, its two many-to-many values, one query per inline, the speakers,
    # one per model for every autocomplete widget's selected records together, the sources
    # beside the form, six for the evidence summary (its facts and whether each is cited), and
    # whether changes of it are pending review.
    with django_assert_max_num_queries(22):
        response = admin_client.get(change_url(shanghai))

    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][1].formset.forms


def test_event_change_form_shows_each_rows_chosen_records(admin_client, shanghai):
    role = shanghai.roles.select_related("person", "organization", "source").first()

    response = admin_client.get(change_url(shanghai))

    prefix = f"roles-{list(shanghai.roles.order_by('order', 'pk')).index(role)}"
    html = response.content.decode()
    for field, record in [("person", role.person), ("source", role.source)]:
        select = html.split(f'name="{prefix}-{field}"', 1)[1].split("</select>", 1)[0]
        assert f'<option value="{record.pk}" selected>{record}</option>' in select


def test_deleting_an_editor_keeps_the_history_of_their_changes(admin_client, admin_user, shanghai):
    shanghai.title = "Edited title"
    shanghai._history_user = admin_user
    shanghai.save()

    admin_user.delete()

    record = shanghai.history.latest()
    assert record.title == "Edited title"
    assert record.history_user is None


def test_user_model_knows_the_history_tables_from_start_up():
    """Deleting a user must set their history rows' user to null; Django only does that for
    relations the user model knew of when it was first inspected, so check in a fresh
    process (the test run's own migrations reset the caches and would hide the fault)."""
    script = (
        "import django; django.setup();"
        "from django.contrib.auth.models import User;"
        "fields = User._meta.get_fields(include_hidden=True);"
        "print(sorted(f.related_model.__name__ for f in fields if f.auto_created"
        " and f.is_relation and f.related_model.__name__.startswith('Historical')))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "webinar.settings"}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "HistoricalEvent" in result.stdout
    assert "HistoricalPerson" in result.stdout
