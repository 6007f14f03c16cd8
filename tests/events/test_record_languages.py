"""Records in any language: sources, quotes and original titles carry their language."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from events.models import Event, Source
from people.editing.languages import group_languages
from tests.admin_forms import change_url
from tests.events.test_exports_csv import read_csv
from tests.events.test_exports_jsonld import jsonld_of
from tests.factories import EventFactory, PresentationFactory, RoleFactory, SourceFactory

pytestmark = pytest.mark.django_db

KOREAN = "스마트 도시 웨비나가 열렸다. 이재영 원장이 발표했다."


def korean_source():
    return SourceFactory(title="스마트 도시 뉴스", language="ko", text=KOREAN)


@pytest.mark.parametrize("tag", ["ko", "zh-Hans", "pt-BR", "sr-Latn-RS", "de-CH-1996", "es-419"])
def test_well_formed_language_tags_are_accepted(tag):
    SourceFactory.build(language=tag).full_clean(exclude=["slug"])


@pytest.mark.parametrize("tag", ["korean", "ko_KR", "k", "en-", "zh Hans"])
def test_malformed_language_tags_are_refused_with_an_example(tag):
    with pytest.raises(ValidationError) as refused:
        Source(title="A source", slug="a-source", language=tag).full_clean()

    assert "BCP 47" in refused.value.message_dict["language"][0]


def test_quote_from_a_korean_source_is_marked_korean_on_every_page(client):
    source = korean_source()
    role = RoleFactory(source=source, quote="이재영 원장이 발표했다.")
    role.event.sources.add(source)

    for page in [role.event.get_absolute_url(), role.person.get_absolute_url()]:
        html = client.get(page).content.decode()
        assert '<blockquote lang="ko"><p>이재영 원장이 발표했다.</p></blockquote>' in html, page


def test_source_title_and_text_are_marked_with_the_sources_language(client):
    source = korean_source()
    event = EventFactory()
    event.sources.add(source)

    html = client.get(event.get_absolute_url()).content.decode()

    assert '<span lang="ko">스마트 도시 뉴스</span>' in html
    assert '<div class="source-text" lang="ko">' in html


def test_source_without_a_language_adds_no_lang_attribute(client):
    role = RoleFactory(source=SourceFactory(), quote="chaired by Ada Lovelace")

    html = client.get(role.event.get_absolute_url()).content.decode()

    assert "<blockquote><p>chaired by Ada Lovelace" in html


def test_original_title_is_shown_marked_with_its_language(client):
    event = EventFactory(original_title="스마트 도시와 디지털 정부", original_title_language="ko")
    presentation = PresentationFactory(
        event=event, original_title="디지털 정부", original_title_language="ko"
    )

    event_page = client.get(event.get_absolute_url()).content.decode()
    presentation_page = client.get(presentation.get_absolute_url()).content.decode()

    assert '<span lang="ko">스마트 도시와 디지털 정부</span>' in event_page
    assert '<span lang="ko">디지털 정부</span>' in presentation_page


def test_original_title_needs_its_language():
    with pytest.raises(IntegrityError):
        EventFactory(original_title="스마트 도시")


def test_jsonld_tags_original_titles_and_sources_with_their_language(client):
    event = EventFactory(original_title="스마트 도시", original_title_language="ko")
    event.sources.add(korean_source())
    PresentationFactory(event=event, original_title="디지털 정부", original_title_language="ko")

    data = jsonld_of(client, event)

    assert data["alternateName"] == {"@value": "스마트 도시", "@language": "ko"}
    assert data["subEvent"][0]["alternateName"] == {"@value": "디지털 정부", "@language": "ko"}
    (source,) = data["subjectOf"]
    assert source["inLanguage"] == "ko"
    assert source["name"] == {"@value": "스마트 도시 뉴스", "@language": "ko"}


def test_api_and_csv_give_the_language_of_sources_and_quotes(client):
    source = korean_source()
    role = RoleFactory(source=source, quote="이재영 원장이 발표했다.")
    role.event.sources.add(source)
    Event.objects.filter(pk=role.event.pk).update(
        original_title="스마트 도시", original_title_language="ko"
    )

    api = client.get(reverse("api:event-detail", args=[role.event.slug])).json()
    (row,) = read_csv(client, "roles")

    assert api["sources"][0]["language"] == "ko"
    assert (api["original_title"], api["original_title_language"]) == ("스마트 도시", "ko")
    assert row["quote_language"] == "ko"


def test_language_columns_are_grouped_into_one_row():
    bases = {"title_en": "title", "title_zh_hans": "title", "summary_en": "summary"}

    rows = group_languages(["title_en", "title_zh_hans", "slug", ("a", "b"), "summary_en"], bases)

    assert rows == [("title_en", "title_zh_hans"), "slug", ("a", "b"), "summary_en"]


def test_admin_event_form_puts_language_columns_side_by_side_marked(admin_client):
    event = EventFactory()

    html = admin_client.get(change_url(event)).content.decode()

    row = html[html.index('class="form-row field-title_en field-title_zh_hans') :]
    row = row[: row.index('<div class="form-row', 10)]
    assert 'name="title_en"' in row and 'name="title_zh_hans"' in row
    assert 'lang="zh-Hans"' in row
    assert "editing/language_columns.js" in html
