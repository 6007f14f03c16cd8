"""Factories that build valid records; each test states only what it cares about."""

import datetime
from contextlib import contextmanager

import factory
from django.db import connection
from django.test import TestCase
from django.utils import timezone

from events.models import (
    Citation,
    Event,
    EventOrganization,
    EventSeries,
    KeyPoint,
    Presentation,
    Role,
    Source,
    Topic,
)
from events.models.versions import BulkVersions, PendingVersions
from people.models import Organization, Person


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Institute of Public Affairs {n}")
    slug = factory.Sequence(lambda n: f"institute-{n}")
    kind = Organization.Kind.RESEARCH_INSTITUTE


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    given_name = factory.Sequence(lambda n: f"Given{n}")
    family_name = factory.Sequence(lambda n: f"Family{n}")
    slug = factory.Sequence(lambda n: f"person-{n}")


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"Report {n}")
    slug = factory.Sequence(lambda n: f"report-{n}")
    text = "The webinar was chaired by Ada Lovelace. More than 50 people attended."


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class EventSeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventSeries

    name = factory.Sequence(lambda n: f"Capacity Development Webinar Series {n}")
    slug = factory.Sequence(lambda n: f"series-{n}")


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Webinar on public governance {n}")
    slug = factory.Sequence(lambda n: f"webinar-{n}")
    start_date = datetime.date(2022, 3, 1)
    end_date = factory.SelfAttribute("start_date")
    status = Event.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    class Params:
        draft = factory.Trait(status=Event.Status.DRAFT, published_at=None)


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    event = factory.SubFactory(EventFactory)
    person = factory.SubFactory(PersonFactory)
    kind = Role.Kind.SPEAKER
    position_title = "Director"
    organization = factory.SubFactory(OrganizationFactory)
    order = factory.Sequence(lambda n: n)


class EventOrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventOrganization

    event = factory.SubFactory(EventFactory)
    organization = factory.SubFactory(OrganizationFactory)
    part = EventOrganization.Part.HOST


class PresentationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Presentation
        skip_postgeneration_save = True

    event = factory.SubFactory(EventFactory)
    title = factory.Sequence(lambda n: f"Digital government in practice {n}")
    slug = factory.Sequence(lambda n: f"presentation-{n}")
    order = factory.Sequence(lambda n: n + 1)
    kind = Presentation.Kind.PRESENTATION

    @factory.post_generation
    def speakers(self, create, extracted, **kwargs):
        if create and extracted:
            self.speakers.set(extracted)


class KeyPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyPoint

    presentation = factory.SubFactory(PresentationFactory)
    order = factory.Sequence(lambda n: n + 1)
    text = "Reform needs leadership."


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citation

    event = factory.SubFactory(EventFactory)
    fact = Citation.Fact.PARTICIPANTS
    source = factory.SubFactory(SourceFactory)
    quote = "More than 50 people attended."


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "auth.User"
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"editor{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")


@contextmanager
def committed():
    """As if the block's transaction committed: versions are kept at a commit, and a test
    runs inside one transaction that never does (with what it changed before the block)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        yield
    for _ids, callback, _robust in list(connection.run_on_commit):
        if isinstance(callback, (BulkVersions, PendingVersions)) and not callback.done:
            callback()
