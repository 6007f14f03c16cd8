"""
Event cards: an event as a list shows it (its date, format, title and organizations), on the
home page, the event list and its searches, and a series. Each is rendered once per language
and kept in the event's rendering row (events/cache/renderings.py), read with the list's
events in the same query (EventQuerySet.with_card). Only the missing cards are rendered,
their organizations read in one query for all of them, and stored for the next readers.

A card does not depend on the day, so it has a generation of its own and outlives the
page stored beside it. The writes that empty an event's page (fragments.retire) empty its
card too, and a bulk write retires every card with every page (a new rendering generation).
"""

from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from events.models import shapes
from events.models.cache import new_token

from . import renderings

TEMPLATE = "includes/event_card.html"
# Every list of cards sits under the page's h2 headings.
HEADING_LEVEL = 3


def shown(events, language):
    """These events (read with EventQuerySet.with_card(language)), each with its `card`."""
    events = list(events)
    missing = []
    for event in events:
        if current(event):
            # Rendered by the template (autoescaped there) and stored as it rendered it.
            event.card = mark_safe(event.rendering_card)  # noqa: S308
        else:
            missing.append(event)
    if missing:
        prefetch_related_objects(missing, *shapes.listing())
        for event in missing:
            event.card = render_to_string(TEMPLATE, {"event": event, "level": HEADING_LEVEL})
        store(missing, language)
    return events


def current(event):
    now = getattr(event, "renderings_now", None)
    return bool(event.rendering_card) and now is not None and event.rendering_card_generation == now


def store(events, language):
    """Keep these cards, each unless a write changed its event since its row was read."""
    generation = renderings.generation_to_store_with(events[0])
    if generation is None:
        return
    renderings.stored_unless_changed(
        [(event.pk, event.rendering_version) for event in events],
        language,
        [{"card": event.card, "card_generation": generation} for event in events],
        {
            "day": None,
            "generation": "",
            "version": new_token(),
            **dict.fromkeys(renderings.PARTS, ""),
        },
    )
