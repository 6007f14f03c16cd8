"""
Event records: what happened, who took part in which capacity, what was presented, and the
source behind each fact. One module per family of models; every model is importable from here.
"""

from .event import Event, EventOrganization, EventQuerySet, validate_time_zone
from .evidence import Citation, Cited, Source, cited_constraint
from .programme import KeyPoint, Presentation, Role
from .retired import RetiredRecord
from .series import EventSeries
from .topics import Topic

__all__ = [
    "Citation",
    "Cited",
    "Event",
    "EventOrganization",
    "EventQuerySet",
    "EventSeries",
    "KeyPoint",
    "Presentation",
    "RetiredRecord",
    "Role",
    "Source",
    "Topic",
    "cited_constraint",
    "validate_time_zone",
]
