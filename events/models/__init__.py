"""
Event records: what happened, who took part in which capacity, what was presented, and the
source behind each fact. One module per family of models; every model is importable from here.
"""

from events.time_zones import validate_time_zone  # named by the first migrations

from .cache import CacheGeneration, EventRendering, PublicCount
from .event import Event, EventOrganization, EventQuerySet
from .evidence import (
    Citation,
    Cited,
    Source,
    anchor_quotes_before_save,
    cited_constraint,
    cited_models,
    source_text_before_save,
)
from .programme import KeyPoint, Presentation, Role
from .retired import RetiredRecord
from .search import EventSearchDocument
from .series import EventSeries
from .topics import Topic
from .versions import PublishedVersion

__all__ = [
    "CacheGeneration",
    "Citation",
    "Cited",
    "Event",
    "EventOrganization",
    "EventQuerySet",
    "EventRendering",
    "PublicCount",
    "EventSearchDocument",
    "EventSeries",
    "KeyPoint",
    "Presentation",
    "PublishedVersion",
    "RetiredRecord",
    "Role",
    "Source",
    "Topic",
    "anchor_quotes_before_save",
    "source_text_before_save",
    "cited_constraint",
    "cited_models",
    "validate_time_zone",
]
