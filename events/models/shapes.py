"""
The related records each kind of reader needs with an event, fetched in a fixed number of
queries: one definition per shape, used by every caller of that shape (the event page and the
API's event detail; the lists; the exports).
"""

from django.db.models import Prefetch

from .event import EventOrganization
from .evidence import Citation
from .programme import KeyPoint, Presentation, Role


def participations():
    return Prefetch(
        "participations",
        queryset=EventOrganization.objects.select_related("organization__parent", "source"),
    )


def listing():
    """An event as a card or list row shows it: with its organizations and their parts."""
    return [participations()]


def everything_shown():
    """Everything the event's page shows: its people in their roles, the programme with
    speakers and key points, its organizations, the evidence of each fact, its topics."""
    return [
        Prefetch(
            "roles",
            queryset=Role.objects.select_related("person", "organization__parent", "source"),
        ),
        Prefetch(
            "presentations",
            queryset=Presentation.objects.select_related("source").prefetch_related(
                "speakers",
                Prefetch("key_points", queryset=KeyPoint.objects.select_related("source")),
            ),
        ),
        participations(),
        Prefetch("citations", queryset=Citation.objects.select_related("source")),
        "sources",
        "topics",
    ]


def exported():
    """What the open-data formats read of each event (no key points or citations: no format
    carries them for a whole list), ordered without a join to the events."""
    return [
        Prefetch(
            "roles",
            queryset=Role.objects.select_related(
                "person", "organization__parent", "source"
            ).order_by("order", "pk"),
        ),
        Prefetch(
            "presentations",
            queryset=Presentation.objects.select_related("source").prefetch_related("speakers"),
        ),
        participations(),
        "topics",
        "sources",
    ]


def cited(through=""):
    """What a citation of an event reads beyond its row: the chair and the organizers
    (events/opendata/citation.py). `through="event__"` reaches them from a presentation."""
    return [
        Prefetch(f"{through}roles", queryset=Role.objects.select_related("person")),
        Prefetch(
            f"{through}participations",
            queryset=EventOrganization.objects.select_related("organization"),
        ),
    ]
