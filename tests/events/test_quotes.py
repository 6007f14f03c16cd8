"""Quoted passages are matched to their source tolerantly, stored in the source's own
wording with their offsets, and a source edit that would break one is refused."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import transaction

from events.models import Citation, EventOrganization, KeyPoint, Presentation, Role, Source
from events.quotes import closest_passage, locate
from tests.admin_forms import add_inline_row, change_url, changeform_data
from tests.factories import (
    CitationFactory,
    EventFactory,
    PersonFactory,
    PresentationFactory,
    RoleFactory,
    SourceFactory,
)

SOURCE_TEXT = (
    "Shanghai’s “one-stop” service—launched in 2018—was praised.\n"
    "It aimed to explore recent experiences in building SMART cities."
)


@pytest.mark.parametrize(
    "typed",
    [
        'Shanghai\'s "one-stop" service-launched in 2018-was praised.',
        "Shanghai’s “one-stop” service – launched in 2018 – was praised.".replace(" – ", "–"),
        "Shanghai’s\u00a0“one-stop”  service—launched\r\nin 2018—was praised.",
        "  was praised.\nIt aimed ",
    ],
)
def test_locate_ignores_typography_and_returns_the_sources_characters(typed):
    passage = locate(typed, SOURCE_TEXT)

    assert passage is not None
    assert passage.text == SOURCE_TEXT[passage.start : passage.end]
    assert passage.text in SOURCE_TEXT


def test_locate_refuses_a_quote_that_differs_in_words():
    assert locate("Beijing's “one-stop” service", SOURCE_TEXT) is None
    assert locate("shanghai’s", SOURCE_TEXT) is None


def test_locate_takes_the_occurrence_nearest_its_former_place():
    text = "It was held. Then more. It was held."

    assert locate("It was held.", text).start == 0
    assert locate("It was held.", text, near=20).start == 24


def test_closest_passage_marks_the_differing_word_in_the_sources_wording():
    passage, in_source, _quote, in_quote = closest_passage(
        'Beijing\'s "one-stop" service', SOURCE_TEXT
    )

    assert passage.text.startswith("Shanghai’s “one-stop” service")
    assert [passage.text[a:b] for a, b in in_source] == ["Shanghai’s"]


@pytest.mark.django_db
def test_role_quote_is_stored_in_the_sources_wording_with_offsets():
    source = SourceFactory(text=SOURCE_TEXT)
    role = RoleFactory.build(
        event=EventFactory(),
        person=PersonFactory(),
        organization=None,
        source=source,
        quote='  Shanghai\'s "one-stop"\nservice ',
    )

    role.full_clean()
    role.save()

    role.refresh_from_db()
    assert role.quote == "Shanghai’s “one-stop” service"
    assert SOURCE_TEXT[role.quote_start : role.quote_end] == role.quote


@pytest.mark.django_db
def test_quote_in_other_words_is_refused_with_the_closest_passage_marked():
    source = SourceFactory(text=SOURCE_TEXT)
    citation = CitationFactory.build(
        event=EventFactory(), fact="description", source=source, quote="It aimed to study SMART"
    )

    with pytest.raises(ValidationError) as error:
        citation.full_clean()

    message = error.value.message_dict["quote"][0]
    assert "does not appear in the text of the source" in message
    assert "<mark>explore recent experiences in building</mark>" in message
    assert "<mark>study</mark>" in message


@pytest.mark.django_db
def test_passage_on_the_questions_needs_a_source_and_is_checked():
    presentation = PresentationFactory.build(
        event=EventFactory(), qa_followed=True, qa_quote="He answered questions."
    )
    with pytest.raises(ValidationError) as error:
        presentation.full_clean()
    assert "source" in error.value.message_dict

    presentation.source = SourceFactory(text=SOURCE_TEXT)
    with pytest.raises(ValidationError) as error:
        presentation.full_clean()
    assert "does not appear" in error.value.message_dict["qa_quote"][0]

    presentation.qa_quote = "was  praised."
    presentation.full_clean()
    assert presentation.qa_quote == "was praised."
    assert presentation.qa_quote_start == SOURCE_TEXT.index("was praised.")


@pytest.mark.django_db
def test_admin_shows_the_closest_passage_when_a_role_quote_differs(admin_client):
    source = SourceFactory(text=SOURCE_TEXT)
    role = RoleFactory(source=source, quote="was praised.")
    url = change_url(role.event)
    data = changeform_data(admin_client.get(url))
    data["roles-0-quote"] = "was criticised."

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert b"The closest passage of the source reads" in response.content
    assert b"<mark>praised.</mark>" in response.content
    role.refresh_from_db()
    assert role.quote == "was praised."


@pytest.mark.django_db
def test_admin_stores_a_pasted_citation_in_the_sources_wording(admin_client):
    source = SourceFactory(text=SOURCE_TEXT)
    event = EventFactory()
    event.sources.add(source)
    url = change_url(event)
    data = changeform_data(admin_client.get(url))
    add_inline_row(
        data, "citations", fact="description", source=source.pk, quote="service-launched in 2018"
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    citation = Citation.objects.get(event=event)
    assert citation.quote == "service—launched in 2018"
    assert (citation.quote_start, citation.quote_end) == (22, 46)


@pytest.mark.django_db
def test_source_edit_that_breaks_a_quote_is_refused_naming_the_fact(admin_client):
    source = SourceFactory(text=SOURCE_TEXT)
    role = RoleFactory(source=source, quote="was praised.")
    url = change_url(source)
    data = changeform_data(admin_client.get(url))
    data["text"] = SOURCE_TEXT.replace("praised", "noted")

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "no longer holds the passages quoted for" in response.content.decode()
    assert str(role.person) in response.content.decode()
    source.refresh_from_db()
    assert source.text == SOURCE_TEXT


@pytest.mark.django_db
def test_source_edit_that_moves_a_quote_updates_its_offsets(admin_client):
    source = SourceFactory(text=SOURCE_TEXT)
    role = RoleFactory(source=source, quote="was praised.")
    url = change_url(source)
    data = changeform_data(admin_client.get(url))
    data["text"] = "A new first sentence. " + SOURCE_TEXT

    response = admin_client.post(url, data)

    assert response.status_code == 302
    role.refresh_from_db()
    source.refresh_from_db()
    assert source.text[role.quote_start : role.quote_end] == "was praised."


def test_shanghai_fixture_quotes_are_exact_and_anchored(shanghai):
    fixture = json.loads(
        (Path(settings.BASE_DIR) / "events/fixtures/shanghai_webinar.json").read_text()
    )
    given = [
        (row["model"], row["fields"].get("quote", ""), row["fields"].get("qa_quote", ""))
        for row in fixture
        if "quote" in row["fields"]
    ]
    text = Source.objects.get().text
    stored = []
    for model in [EventOrganization, Role, Presentation, KeyPoint, Citation]:
        for row in model.objects.all():
            stored.append((row.quote, getattr(row, "qa_quote", "")))
            assert text[row.quote_start : row.quote_end] == row.quote
            if getattr(row, "qa_quote", ""):
                assert text[row.qa_quote_start : row.qa_quote_end] == row.qa_quote

    assert sorted(stored) == sorted((quote, qa) for _model, quote, qa in given)


@pytest.mark.django_db
def test_raw_load_of_a_fact_before_its_source_is_kept():
    event, person = EventFactory(), PersonFactory()
    data = json.dumps(
        [
            {
                "model": "events.role",
                "fields": {
                    "event": event.pk,
                    "person": person.pk,
                    "kind": "chair",
                    "order": 1,
                    "source": 999,
                    "quote": "was praised.",
                },
            },
            {"model": "events.source", "pk": 999, "fields": {"title": "R", "slug": "r"}},
        ]
    )

    with transaction.atomic():
        for record in serializers.deserialize("json", data):
            record.save()

    assert Role.objects.get().quote == "was praised."


def test_white_space_is_every_character_python_calls_white_space():
    import sys

    from events.quotes import WHITE_SPACE

    every = {chr(code) for code in range(sys.maxunicode + 1) if chr(code).isspace()}
    assert set(WHITE_SPACE) == every


def folded_one_character_at_a_time(text):
    """The folding rule in its plainest form, to hold the fast one to."""
    from events.quotes import EQUIVALENT, INVISIBLE

    characters, offsets, in_space = [], [], False
    for offset, character in enumerate(text):
        if character in INVISIBLE:
            continue
        if character.isspace():
            if not in_space:
                characters.append(" ")
                offsets.append(offset)
            in_space = True
            continue
        in_space = False
        characters.append(EQUIVALENT.get(character, character))
        offsets.append(offset)
    return "".join(characters), tuple(offsets)


@pytest.mark.parametrize("seed", range(5))
def test_folding_a_stretch_at_a_time_equals_folding_each_character(seed):
    import random

    from events.quotes import folded

    pieces = list("ab c\n\t\r张") + list("\"“”'’`-—–") + ["\u00a0", "\u3000", "\u2028"]
    pieces += ["\u00ad", "\u200b", "\ufeff", "  ", " \u200b ", "word"]
    randomly = random.Random(seed)
    for _ in range(2000):
        text = "".join(randomly.choice(pieces) for _ in range(randomly.randint(0, 15)))
        assert folded(text) == folded_one_character_at_a_time(text), repr(text)
