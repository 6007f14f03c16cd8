"""Citing by selection: the selection's offsets tie a repeated passage to the occurrence the
editor selected, and the panel of a form without a saved source loads the text of the
source the editor picks."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from events.models import Citation, Presentation, Role
from events.quotes import passage_at
from tests.admin_forms import add_inline_row, change_url, changeform_data, inline_index
from tests.factories import (
    EventFactory,
    PresentationFactory,
    RoleFactory,
    SourceFactory,
    UserFactory,
)

TEXT = "It was held online. Then came the talks. It was held online, again in 2022."
SECOND = TEXT.index("It was held online", 1)


def test_passage_at_accepts_the_selection_with_tolerance():
    passage = passage_at("it was held online".replace("it", "It"), TEXT, SECOND, SECOND + 18)

    assert (passage.start, passage.end, passage.text) == (SECOND, SECOND + 18, "It was held online")
    assert passage_at("It  was held\nonline", TEXT, SECOND, SECOND + 18).start == SECOND


@pytest.mark.parametrize(
    "start, end", [(SECOND + 1, SECOND + 19), (0, 999), (10, 5), (-1, 17), (0, 0)]
)
def test_passage_at_refuses_offsets_that_do_not_hold_the_quote(start, end):
    assert passage_at("It was held online", TEXT, start, end) is None


@pytest.mark.django_db
def test_admin_ties_a_repeated_passage_to_the_selected_occurrence(admin_client):
    source = SourceFactory(text=TEXT)
    event = EventFactory()
    event.sources.add(source)
    url = change_url(event)
    data = changeform_data(admin_client.get(url))
    add_inline_row(
        data,
        "citations",
        fact="format",
        source=source.pk,
        quote="It was held online",
        quote_start=SECOND,
        quote_end=SECOND + 18,
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    citation = Citation.objects.get(event=event)
    assert (citation.quote_start, citation.quote_end) == (SECOND, SECOND + 18)


@pytest.mark.django_db
def test_admin_without_a_selection_takes_the_first_occurrence(admin_client):
    source = SourceFactory(text=TEXT)
    event = EventFactory()
    url = change_url(event)
    data = changeform_data(admin_client.get(url))
    add_inline_row(data, "citations", fact="format", source=source.pk, quote="It was held online")

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    assert Citation.objects.get(event=event).quote_start == 0


@pytest.mark.django_db
def test_admin_refuses_offsets_that_do_not_read_as_the_quote(admin_client):
    source = SourceFactory(text=TEXT)
    role = RoleFactory(source=source, quote="Then came the talks.")
    url = change_url(role.event)
    data = changeform_data(admin_client.get(url))
    index = inline_index(data, "roles", role.pk)
    data[f"roles-{index}-quote"] = "It was held online"
    data[f"roles-{index}-quote_start"] = str(SECOND + 3)
    data[f"roles-{index}-quote_end"] = str(SECOND + 21)

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "does not read as this quote" in response.content.decode()
    role.refresh_from_db()
    assert role.quote == "Then came the talks."


@pytest.mark.django_db
def test_admin_form_carries_the_stored_offsets_and_keeps_them_unchanged(admin_client):
    source = SourceFactory(text=TEXT)
    role = RoleFactory(source=source, quote="It was held online", quote_start=SECOND)
    role.save()
    assert (role.quote_start, role.quote_end) == (SECOND, SECOND + 18)
    url = change_url(role.event)
    response = admin_client.get(url)
    data = changeform_data(response)
    index = inline_index(data, "roles", role.pk)

    assert data[f"roles-{index}-quote_start"] == str(SECOND)
    assert f'name="roles-{index}-quote_start" value="{SECOND}"' in response.content.decode()
    response = admin_client.post(url, data)

    assert response.status_code == 302
    role.refresh_from_db()
    assert role.quote_start == SECOND


@pytest.mark.django_db
def test_presentation_page_ties_the_qa_passage_to_its_selection(admin_client):
    source = SourceFactory(text=TEXT)
    presentation = PresentationFactory(source=source)
    url = change_url(presentation)
    data = changeform_data(admin_client.get(url))
    data.update(
        qa_followed="on",
        qa_quote="It was held online",
        qa_quote_start=str(SECOND),
        qa_quote_end=str(SECOND + 18),
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    presentation = Presentation.objects.get(pk=presentation.pk)
    assert presentation.qa_quote_start == SECOND


@pytest.mark.django_db
def test_source_text_endpoint_gives_the_text_to_an_editor(admin_client):
    source = SourceFactory(text=TEXT, language="en")

    response = admin_client.get(reverse("admin:events_source_text", args=[source.pk]))

    assert response.status_code == 200
    assert response.json() == {
        "id": source.pk,
        "title": source.title,
        "text": TEXT,
        "language": "en",
    }


@pytest.mark.django_db
def test_source_text_endpoint_refuses_who_may_not_view_sources(client):
    source = SourceFactory(text=TEXT)
    url = reverse("admin:events_source_text", args=[source.pk])
    staff = UserFactory(is_staff=True)
    client.force_login(staff)

    assert client.get(url).status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="view_source"))
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 405
    assert client.get(reverse("admin:events_source_text", args=[999999])).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["admin:events_event_add", "admin:events_presentation_add"])
def test_add_forms_show_the_cite_panel_that_loads_picked_sources(admin_client, page):
    response = admin_client.get(reverse(page))

    content = response.content.decode()
    assert "data-cite-panel" in content
    assert reverse("admin:events_source_text", args=[0]) in content
    assert "Pick the record’s source in the form" in content


@pytest.mark.django_db
def test_event_added_with_a_selected_passage_keeps_its_occurrence(admin_client):
    source = SourceFactory(text=TEXT)
    data = changeform_data(admin_client.get(reverse("admin:events_event_add")))
    data.update(
        title_en="Held twice",
        slug="held-twice",
        kind="webinar",
        start_date="2022-03-01",
        attendance_mode="online",
        sources=[str(source.pk)],
        topics=[],
    )
    add_inline_row(
        data,
        "citations",
        fact="format",
        source=source.pk,
        quote="It was held online",
        quote_start=SECOND,
        quote_end=SECOND + 18,
    )

    response = admin_client.post(reverse("admin:events_event_add"), data)

    assert response.status_code == 302, response.context["errors"]
    assert Citation.objects.get().quote_start == SECOND
    assert Role.objects.count() == 0


@pytest.mark.django_db
def test_source_text_from_a_browser_keeps_plain_line_breaks(admin_client):
    response = admin_client.post(
        reverse("admin:events_source_quick_add"),
        {"quick-title": "Report", "quick-text": "It was held.\r\nOnline."},
    )

    assert response.status_code == 201
    from events.models import Source

    assert Source.objects.get().text == "It was held.\nOnline."
