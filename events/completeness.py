"""
Which facts of a record are cited: for the editors' admin only (public pages never show it).

A fact the record holds is cited when a passage of a source states it: a citation for each
fact of the event itself that it records (its title, date, format, description, counts,
audience, topics, location), the quote of each organization's part, role, presentation and
key point, and the passage on the questions of a presentation followed by them.
"""

from dataclasses import dataclass

from django.db.models import (
    Case,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Citation, Event, EventOrganization, KeyPoint, Presentation, Role

# The event's own facts: when the record holds each (a condition on events, and the same
# test on one event), so that the list column and the change form agree.
EVENT_FACTS = [
    (Citation.Fact.TITLE, Q(pk__isnull=False), lambda event: True),
    (Citation.Fact.DATE, Q(pk__isnull=False), lambda event: True),
    (Citation.Fact.FORMAT, Q(pk__isnull=False), lambda event: True),
    (Citation.Fact.DESCRIPTION, Q(description_en__gt=""), lambda event: bool(event.description_en)),
    (
        Citation.Fact.PARTICIPANTS,
        Q(participant_count__isnull=False),
        lambda event: event.participant_count is not None,
    ),
    (Citation.Fact.AUDIENCE, Q(audience_en__gt=""), lambda event: bool(event.audience_en)),
    (
        Citation.Fact.SPEAKERS,
        Q(speaker_count__isnull=False),
        lambda event: event.speaker_count is not None,
    ),
    (
        Citation.Fact.TOPICS,
        Exists(Event.topics.through.objects.filter(event=OuterRef("pk"))),
        lambda event: bool(event.topics.all()),
    ),
    (Citation.Fact.LOCATION, Q(location_en__gt=""), lambda event: bool(event.location_en)),
]


@dataclass
class Fact:
    label: str
    cited: bool
    anchor: str  # where the admin edits it: "#roles-2" or a page address


def record_facts(event):
    """Every fact the event's record holds, in the order the change form shows them."""
    cited_facts = set(event.citations.exclude(quote="").values_list("fact", flat=True))
    facts = [
        Fact(Citation.Fact(fact).label, fact in cited_facts, "#citations-group")
        for fact, _condition, holds in EVENT_FACTS
        if holds(event)
    ]
    parts = event.participations.select_related("organization").order_by("order", "pk")
    for index, part in enumerate(parts):
        label = _("%(organization)s as %(part)s") % {
            "organization": part.organization.label,
            "part": part.get_part_display().lower(),
        }
        facts.append(Fact(label, bool(part.quote), f"#participations-{index}"))
    for index, role in enumerate(event.roles.select_related("person").order_by("order", "pk")):
        label = _("%(person)s as %(role)s") % {
            "person": role.person.name,
            "role": role.get_kind_display().lower(),
        }
        facts.append(Fact(label, bool(role.quote), f"#roles-{index}"))
    presentations = event.presentations.prefetch_related("key_points").order_by("order")
    for index, presentation in enumerate(presentations):
        facts.append(Fact(presentation.title, bool(presentation.quote), f"#presentations-{index}"))
        if presentation.qa_followed:
            facts.append(
                Fact(
                    _("questions after “%(title)s”") % {"title": presentation.title},
                    bool(presentation.qa_quote),
                    f"#presentations-{index}",
                )
            )
        for point in presentation.key_points.all():
            facts.append(
                Fact(
                    _("key point %(order)s of “%(title)s”")
                    % {"order": point.order, "title": presentation.title},
                    bool(point.quote),
                    reverse("admin:events_presentation_change", args=[presentation.pk]),
                )
            )
    return facts


def count_of(queryset):
    """A correlated subquery counting the rows of `queryset` (a plain COUNT: no GROUP BY)."""
    return Subquery(
        queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"),
        output_field=IntegerField(),
    )


def with_uncited_count(events):
    """The events, each with `uncited_count`: how many facts of its record no passage states
    (a few correlated counts per event, for a page of the admin's list)."""
    total = Value(0)
    for fact, holds, _holds in EVENT_FACTS:
        cited = Exists(Citation.objects.filter(event=OuterRef("pk"), fact=fact).exclude(quote=""))
        total += Case(When(holds & ~cited, then=Value(1)), default=Value(0))
    event = OuterRef("pk")
    total += count_of(EventOrganization.objects.filter(event=event, quote=""))
    total += count_of(Role.objects.filter(event=event, quote=""))
    total += count_of(Presentation.objects.filter(event=event, quote=""))
    total += count_of(Presentation.objects.filter(event=event, qa_followed=True, qa_quote=""))
    total += count_of(KeyPoint.objects.filter(presentation__event=event, quote=""))
    return events.annotate(uncited_count=total)
