"""Addresses to follow a page's events: the Atom feed and the iCalendar subscription of a
person, organization, topic or series, or of the event list's search (events/opendata/follow.py)."""

from django import template

from events.opendata import follow

register = template.Library()


@register.simple_tag
def follow_addresses(kind, slug):
    """{feed, calendar, webcal, count} of a person, organization, topic or series."""
    return follow.addresses(kind, slug)


@register.simple_tag(takes_context=True)
def search_follow_addresses(context):
    """The same for the list's current search and filters."""
    return follow.search_addresses(context["request"].GET)
