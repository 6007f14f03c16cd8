"""
Event records: what happened, who took part in which capacity, what was presented, and the
source behind each fact. One module per family of models; every model is importable from here.
"""

from events.time_zones import validate_time_zone  # named by the first migrations

from .event import Event, EventOrganization, EventQuerySet
from .evidence import Citation, Cited, Source, cited_constraint
from .programme import KeyPoint, Presentation, Role
from .topics import Topic

__all__ = [
    "Citation",
    "Cited",
    "Event",
    "EventOrganization",
    "EventQuerySet",
    "KeyPoint",
    "Presentation",
    "Role",
    "Source",
    "Topic",
    "cited_constraint",
    "validate_time_zone",
]
