"""Every piece of evidence the admin takes is checked against its source and shown to readers:
each quote field of each cited model, and each fact a citation can be for."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from events.models import Citation, EventOrganization, KeyPoint, Presentation, Role, cited_models
from tests.factories import (
    CitationFactory,
    EventFactory,
    EventOrganizationFactory,
    KeyPointFactory,
    PersonFactory,
    PresentationFactory,
    RoleFactory,
    SourceFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

QUOTED = "This one sentence states the fact under test."


def full_event(source):
    event = EventFactory(
        description="A description.",
        location="Shanghai",
        attendance_mode="mixed",
        participant_count=20,
        audience="Officials",
        speaker_count=3,
        start_date=datetime.date(2022, 3, 1),
    )
    event.topics.add(TopicFactory())
    event.sources.add(source)
    return event


def role(event, source, quote):
    return RoleFactory.build(
        event=event, person=PersonFactory(), organization=None, source=source, quote=quote
    )


def organization_part(event, source, quote):
    return EventOrganizationFactory.build(
        event=event,
        organization=EventOrganizationFactory().organization,
        source=source,
        quote=quote,
    )


def presentation(event, source, quote):
    return PresentationFactory.build(event=event, source=source, quote=quote)


def qa_passage(event, source, quote):
    return PresentationFactory.build(event=event, source=source, qa_followed=True, qa_quote=quote)


def key_point(event, source, quote):
    return KeyPointFactory.build(
        presentation=PresentationFactory(event=event), source=source, quote=quote
    )


# (model, quote field) → how to build such a fact of `event`, quoting `quote`.
EVIDENCE_FIELDS = {
    (EventOrganization, "quote"): organization_part,
    (Role, "quote"): role,
    (Presentation, "quote"): presentation,
    (Presentation, "qa_quote"): qa_passage,
    (KeyPoint, "quote"): key_point,
}
EVIDENCE_FIELDS.update(
    {
        (Citation, f"quote:{fact}"): (
            lambda event, source, quote, fact=fact: CitationFactory.build(
                event=event, fact=fact, source=source, quote=quote
            )
        )
        for fact in Citation.Fact.values
    }
)


def test_every_evidence_field_of_every_model_is_listed_here():
    found = set()
    for model in cited_models():
        for field, _start, _end in model.quote_fields:
            if model is Citation:
                found |= {(Citation, f"{field}:{fact}") for fact in Citation.Fact.values}
            else:
                found.add((model, field))

    assert found == set(EVIDENCE_FIELDS)


def field_of(key):
    return key[1].split(":")[0]


@pytest.mark.parametrize(
    "key", list(EVIDENCE_FIELDS), ids=lambda key: f"{key[0].__name__}.{key[1]}"
)
def test_evidence_field_is_checked_against_its_source(key):
    source = SourceFactory(text=QUOTED)
    fact = EVIDENCE_FIELDS[key](full_event(source), source, "A sentence no source holds.")

    with pytest.raises(ValidationError) as error:
        fact.full_clean()

    assert "does not appear in the text of the source" in str(error.value.message_dict)


@pytest.mark.parametrize(
    "key", list(EVIDENCE_FIELDS), ids=lambda key: f"{key[0].__name__}.{key[1]}"
)
def test_evidence_field_is_shown_on_the_public_page(client, key):
    source = SourceFactory(text=f"Other words. {QUOTED} More words.")
    event = full_event(source)
    fact = EVIDENCE_FIELDS[key](event, source, QUOTED)
    fact.full_clean()
    fact.save()

    page = client.get(event.get_absolute_url()).content.decode()
    if isinstance(fact, KeyPoint | Presentation):
        presentation = getattr(fact, "presentation", fact)
        page += client.get(presentation.get_absolute_url()).content.decode()

    # The quote shows inside a "Source" disclosure, not only in the source's full text.
    assert f"<blockquote><p>{QUOTED}</p></blockquote>" in page
