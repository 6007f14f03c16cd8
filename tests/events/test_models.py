"""Rules that must always hold are enforced by the database, with readable messages."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from events.models import Event, Role
from tests.factories import (
    CitationFactory,
    EventFactory,
    KeyPointFactory,
    PersonFactory,
    PresentationFactory,
    RoleFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def assert_rejected_by_database(save):
    with pytest.raises(IntegrityError), transaction.atomic():
        save()


def test_event_end_before_start_is_rejected():
    event = EventFactory.build(
        start_date=datetime.date(2021, 9, 9), end_date=datetime.date(2021, 9, 8)
    )
    assert_rejected_by_database(event.save)
    with pytest.raises(ValidationError, match="end date cannot be before the start date"):
        event.full_clean()


def test_event_negative_participant_count_is_rejected():
    event = EventFactory.build(participant_count=-1)
    assert_rejected_by_database(event.save)
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "participant_count" in error.value.message_dict


def test_event_qualifier_without_count_is_rejected():
    event = EventFactory.build(participant_count_qualifier=Event.CountQualifier.MORE_THAN)
    assert_rejected_by_database(event.save)
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "participant_count" in error.value.message_dict


def test_event_time_without_time_zone_is_rejected():
    event = EventFactory.build(start_time=datetime.time(14, 0))
    assert_rejected_by_database(event.save)
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "time_zone" in error.value.message_dict


def test_event_end_time_before_start_time_on_one_day_is_rejected():
    event = EventFactory.build(
        start_time=datetime.time(14, 0), end_time=datetime.time(13, 0), time_zone="UTC"
    )
    assert_rejected_by_database(event.save)


def test_event_unknown_time_zone_is_a_validation_error():
    event = EventFactory.build(start_time=datetime.time(14, 0), time_zone="Mars/Olympus")
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "IANA" in error.value.message_dict["time_zone"][0]


def test_event_duplicate_slug_is_rejected():
    EventFactory(slug="same")
    assert_rejected_by_database(lambda: EventFactory(slug="same"))


def test_event_published_without_time_gets_one_on_save():
    event = EventFactory(status=Event.Status.PUBLISHED, published_at=None)
    assert event.published_at is not None


def test_event_published_time_is_required_by_the_database():
    event = EventFactory(draft=True)
    assert_rejected_by_database(
        lambda: Event.objects.filter(pk=event.pk).update(status=Event.Status.PUBLISHED)
    )


def test_event_one_day_end_date_defaults_to_start_date_in_forms():
    event = EventFactory.build(end_date=None)
    event.full_clean()
    assert event.end_date == event.start_date


def test_presentation_order_is_unique_within_an_event():
    first = PresentationFactory(order=1)
    PresentationFactory(order=1)  # another event may reuse the position
    assert_rejected_by_database(lambda: PresentationFactory(event=first.event, order=1))


def test_presentation_end_before_start_is_rejected():
    presentation = PresentationFactory.build(
        event=EventFactory(), start_time=datetime.time(10), end_time=datetime.time(9)
    )
    assert_rejected_by_database(presentation.save)


def test_role_of_one_kind_is_unique_per_person_and_event():
    role = RoleFactory(kind=Role.Kind.CHAIR)
    duplicate = RoleFactory.build(
        event=role.event, person=role.person, kind=Role.Kind.CHAIR, organization=None
    )
    with pytest.raises(ValidationError, match="already has this role"):
        duplicate.validate_constraints()
    assert_rejected_by_database(duplicate.save)
    RoleFactory(event=role.event, person=role.person, kind=Role.Kind.SPEAKER)


def test_key_point_order_is_unique_within_a_presentation():
    point = KeyPointFactory(order=1)
    assert_rejected_by_database(lambda: KeyPointFactory(presentation=point.presentation, order=1))


def test_quote_without_source_is_rejected():
    role = RoleFactory.build(
        event=EventFactory(), person=PersonFactory(), organization=None, quote="Somebody said so."
    )
    assert_rejected_by_database(role.save)
    with pytest.raises(ValidationError) as error:
        role.full_clean()
    assert "source" in error.value.message_dict


def test_quote_not_in_the_source_text_is_a_validation_error():
    role = RoleFactory.build(
        event=EventFactory(),
        person=PersonFactory(),
        organization=None,
        source=SourceFactory(),
        quote="Words nobody wrote.",
    )
    with pytest.raises(ValidationError) as error:
        role.full_clean()
    assert error.value.message_dict["quote"] == [
        "This passage does not appear in the text of the source."
    ]


def test_quote_found_in_the_source_text_is_valid_despite_line_breaks():
    source = SourceFactory(text="The webinar was chaired\nby Ada Lovelace.")
    role = RoleFactory(source=source, quote="chaired by Ada Lovelace.")
    role.full_clean()


def test_citation_is_unique_per_fact_and_source():
    citation = CitationFactory()
    assert_rejected_by_database(
        lambda: CitationFactory(event=citation.event, source=citation.source)
    )


def test_participant_count_keeps_its_qualifier():
    event = EventFactory(
        participant_count=200, participant_count_qualifier=Event.CountQualifier.MORE_THAN
    )
    assert event.participant_count_display == "more than 200"
    assert EventFactory(participant_count=12).participant_count_display == "12"
