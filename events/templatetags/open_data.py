"""
Structured data for the public pages: the schema.org JSON-LD of an event, person or
organization, embedded in a `<script type="application/ld+json">` data block.

The tags read only published records, so a staff preview of a draft carries no structured data.
"""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from events.models import Role
from events.opendata import follow, jsonld

register = template.Library()

# The escapes of Django's json_script: inside a <script> element, "</script>" or "<!--" in a
# record's text must not end the element early.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def jsonld_script(data):
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=None)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(JSON_SCRIPT_ESCAPES)),  # noqa: S308 - escaped just above
    )


@register.simple_tag
def event_structured_data(event):
    if not event.is_published:
        return ""
    return jsonld_script(jsonld.event_jsonld(event))


@register.simple_tag
def person_structured_data(person):
    roles = (
        Role.objects.published()
        .filter(person=person)
        .select_related("event", "organization__parent")
        .order_by("-event__start_date", "order")
    )
    return jsonld_script(jsonld.person_jsonld(person, roles))


@register.simple_tag
def organization_structured_data(organization, children, participations):
    """From the lists the page shows: its published sub-units and latest events."""
    return jsonld_script(jsonld.organization_jsonld(organization, children, participations))


@register.simple_tag
def series_structured_data(series, events):
    """From the events the page lists (published, in their order)."""
    return jsonld_script(jsonld.series_jsonld(series, events))


@register.simple_tag
def follow_addresses(kind, slug):
    """{feed, calendar, webcal} of a person, organization, topic or series."""
    return follow.addresses(kind, slug)


@register.simple_tag(takes_context=True)
def search_follow_addresses(context):
    """{feed, calendar, webcal} of the list's current search and filters."""
    return follow.search_addresses(context["request"].GET)
