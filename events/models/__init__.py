"""
Event records: what happened, who took part in which capacity, what was presented, and the
source behind each fact. One module per family of models; every model is importable from here.
"""

from .cache import CacheGeneration
from .event import Event, EventOrganization, EventQuerySet, validate_time_zone
from .evidence import Citation, Cited, Source, cited_constraint
from .programme import KeyPoint, Presentation, Role
from .retired import RetiredRecord
from .topics import Topic

__all__ = [
    "CacheGeneration",
    "Citation",
    "Cited",
    "Event",
    "EventOrganization",
    "EventQuerySet",
    "KeyPoint",
    "Presentation",
    "RetiredRecord",
    "Role",
    "Source",
    "Topic",
    "cited_constraint",
    "validate_time_zone",
]
