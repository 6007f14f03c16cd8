"""
Link to one fact: every fact of a record that quotes its evidence has an anchor on the page,
a JSON document of its own in the API, and, where the source is on the web, a link that opens
the source at the quoted words.

Anchors are built from the fact's own row (its kind and primary key, or for the event's own
facts the fact's name), never from its position or its text, so an anchor stays the same
when other facts are edited, added or removed, and is the same on the English and Chinese
pages.

The quote is located in the source's stored text to give the W3C Web Annotation selectors
(https://www.w3.org/TR/annotation-model/#text-quote-selector): a TextQuoteSelector with the
words before and after, and, where the quote occurs exactly once, a TextPositionSelector.
The same context makes the text fragment (https://wicg.github.io/scroll-to-text-fragment/)
unambiguous when the quote alone occurs more than once in the source.
"""

import re
from urllib.parse import quote as percent_encode

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from events.models import Citation, Event, EventOrganization, KeyPoint, Presentation, Role
from events.opendata.common import absolute_url

# How much of the source's text either side of a quote the selectors carry.
CONTEXT_CHARACTERS = 32
# A text fragment's prefix and suffix: a few words, as browsers match whole words.
CONTEXT_WORDS = 3
# Longer quotes are linked by their first and last words (textStart,textEnd).
LONG_QUOTE_WORDS = 12
EDGE_WORDS = 5
ANCHOR = re.compile(r"^(?:fact-[a-z]+|(?:role|part|presentation|point)-\d+(?:-qa)?)$")


def fact_anchor(fact, about_questions=False):
    """The page anchor of a fact with evidence ("fact-date", "role-12", "presentation-4-qa")."""
    if isinstance(fact, Citation):
        return f"fact-{fact.fact}"
    prefix = {
        Role: "role",
        EventOrganization: "part",
        Presentation: "presentation",
        KeyPoint: "point",
    }[type(fact)]
    return f"{prefix}-{fact.pk}" + ("-qa" if about_questions else "")


def normalised(text):
    return " ".join(text.split())


def locate(quote, text):
    """(start, end, occurrences) of the quote in the source text, whitespace-insensitive:
    the offsets of the first occurrence in the normalised text."""
    quote, text = normalised(quote), normalised(text)
    if not quote or not text:
        return None, None, 0
    start = text.find(quote)
    if start < 0:
        return None, None, 0
    return start, start + len(quote), text.count(quote)


def text_quote_selector(quote, source_text):
    selector = {"type": "TextQuoteSelector", "exact": normalised(quote)}
    start, end, found = locate(quote, source_text)
    if found:
        text = normalised(source_text)
        selector["prefix"] = text[max(0, start - CONTEXT_CHARACTERS) : start]
        selector["suffix"] = text[end : end + CONTEXT_CHARACTERS]
    return selector


def text_position_selector(quote, source_text):
    """Offsets in the stored text, given only where the quote occurs there once, as written
    (an offset into a normalised copy would point elsewhere in the original)."""
    if quote and source_text.count(quote) == 1:
        start = source_text.index(quote)
        return {"type": "TextPositionSelector", "start": start, "end": start + len(quote)}
    return None


def fragment_encode(text):
    """Percent-encoded as a text directive needs: besides what a URL fragment forbids, the
    directive's own delimiters `&`, `,` and `-` (which `quote` leaves alone) are encoded."""
    return percent_encode(text, safe="").replace("-", "%2D")


def text_directive(quote, source_text=""):
    """The `text=` directive that finds the quote: the words themselves, or the first and
    last few of a long quote, with a few words of context either side where the quote alone
    occurs more than once in the source."""
    words = normalised(quote).split(" ")
    if len(words) > LONG_QUOTE_WORDS:
        target = (
            fragment_encode(" ".join(words[:EDGE_WORDS]))
            + ","
            + fragment_encode(" ".join(words[-EDGE_WORDS:]))
        )
    else:
        target = fragment_encode(" ".join(words))
    start, end, found = locate(quote, source_text)
    if found > 1:
        text = normalised(source_text)
        before = text[:start].split()[-CONTEXT_WORDS:]
        after = text[end:].split()[:CONTEXT_WORDS]
        if before:
            target = fragment_encode(" ".join(before)) + "-," + target
        if after:
            target = target + ",-" + fragment_encode(" ".join(after))
    return "text=" + target


def text_fragment_url(source, quote):
    """The source's address that opens at the quoted words, or "" without an address."""
    if not source or not source.url or not quote:
        return ""
    base = source.url.split("#", 1)[0]
    return f"{base}#:~:{text_directive(quote, source.text)}"


def facts_of(event):
    """(anchor, fact object, quote, label, value) of every fact of the event with evidence, in
    page order. Reads only prefetched relations: the event page's lookups."""
    found = []
    for citation in event.citations.all():
        if citation.quote:
            found.append(
                (
                    fact_anchor(citation),
                    citation,
                    citation.quote,
                    citation.get_fact_display(),
                    event_fact_value(event, citation.fact),
                )
            )
    for part in event.participations.all():
        if part.quote:
            found.append(
                (
                    fact_anchor(part),
                    part,
                    part.quote,
                    part.get_part_display(),
                    part.organization.display_name,
                )
            )
    for presentation in event.presentations.all():
        speakers = ", ".join(speaker.name for speaker in presentation.speakers.all())
        if presentation.quote:
            found.append(
                (
                    fact_anchor(presentation),
                    presentation,
                    presentation.quote,
                    presentation.get_kind_display(),
                    f"{presentation.title} — {speakers}" if speakers else presentation.title,
                )
            )
        if presentation.qa_followed and presentation.qa_quote:
            found.append(
                (
                    fact_anchor(presentation, about_questions=True),
                    presentation,
                    presentation.qa_quote,
                    gettext("Questions and answers"),
                    gettext("The speaker answered questions from the audience."),
                )
            )
        for point in presentation.key_points.all():
            if point.quote:
                found.append(
                    (fact_anchor(point), point, point.quote, gettext("Key point"), point.text)
                )
    for role in event.roles.all():
        if role.quote:
            value = ", ".join(part for part in [role.person.name, role.title_at_the_time] if part)
            found.append((fact_anchor(role), role, role.quote, role.get_kind_display(), value))
    return found


def event_fact_value(event, fact):
    values = {
        Citation.Fact.TITLE: lambda: event.title,
        Citation.Fact.DATE: lambda: (
            event.start_date.isoformat()
            if event.is_single_day
            else f"{event.start_date.isoformat()}/{event.end_date.isoformat()}"
        ),
        Citation.Fact.FORMAT: lambda: str(event.format_label),
        Citation.Fact.DESCRIPTION: lambda: event.description,
        Citation.Fact.PARTICIPANTS: lambda: event.participant_count_display,
        Citation.Fact.AUDIENCE: lambda: event.audience,
        Citation.Fact.SPEAKERS: lambda: "" if event.speaker_count is None else event.speaker_count,
        Citation.Fact.TOPICS: lambda: ", ".join(topic.name for topic in event.topics.all()),
        Citation.Fact.LOCATION: lambda: event.location,
    }
    return values[fact]()


def fact_document(event, anchor, fact, quote, label, value):
    source = fact.source
    page = absolute_url(event.get_absolute_url()) + "#" + anchor
    selectors = [text_quote_selector(quote, source.text)]
    position = text_position_selector(quote, source.text)
    if position:
        selectors.append(position)
    return {
        "id": anchor,
        "url": page,
        "api_url": absolute_url(reverse("api:event-fact", args=[event.slug, anchor])),
        "event": event.slug,
        "fact": label,
        "value": value,
        "quote": quote,
        "source": {
            "slug": source.slug,
            "title": source.title,
            "publisher": source.publisher,
            "url": source.url,
            "published_on": source.published_on,
            "text_fragment_url": text_fragment_url(source, quote),
        },
        "selector": selectors,
    }


def event_with_facts(slug):
    return get_object_or_404(
        Event.objects.published().prefetch_related(
            "citations__source",
            "topics",
            "participations__organization",
            "participations__source",
            "presentations__source",
            "presentations__speakers",
            "presentations__key_points__source",
            "roles__person",
            "roles__organization__parent",
            "roles__source",
        ),
        slug=slug,
    )


class SelectorSerializer(serializers.Serializer):
    """A W3C Web Annotation selector of the quote in the source's text."""

    type = serializers.ChoiceField(["TextQuoteSelector", "TextPositionSelector"])
    exact = serializers.CharField(required=False)
    prefix = serializers.CharField(required=False)
    suffix = serializers.CharField(required=False)
    start = serializers.IntegerField(required=False)
    end = serializers.IntegerField(required=False)


class FactSourceSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    publisher = serializers.CharField()
    url = serializers.URLField(allow_blank=True)
    published_on = serializers.DateField(allow_null=True)
    text_fragment_url = serializers.URLField(
        allow_blank=True,
        help_text="The source's address with a text fragment (#:~:text=) that opens it at the "
        "quoted words; empty when the source has no address.",
    )


class FactSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The fact's anchor on the record page.")
    url = serializers.URLField(help_text="The record page, at the fact.")
    api_url = serializers.URLField()
    event = serializers.SlugField()
    fact = serializers.CharField(help_text="What the fact is about: “Chair”, “Date”…")
    value = serializers.CharField(help_text="The fact as the record states it.")
    quote = serializers.CharField(help_text="The source's words that state the fact.")
    source = FactSourceSerializer()
    selector = SelectorSerializer(many=True)


NOT_FOUND = OpenApiResponse(description="No such published record, or no such fact.")


class EventFactListView(APIView):
    @extend_schema(
        operation_id="events_facts_list",
        summary="The facts of a published event that quote their evidence",
        responses={200: FactSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, slug):
        event = event_with_facts(slug)
        return Response([fact_document(event, *fact) for fact in facts_of(event)])


class EventFactView(APIView):
    @extend_schema(
        operation_id="events_facts_retrieve",
        summary="One fact of a published event, with its quote, source and selectors",
        responses={200: FactSerializer, 404: NOT_FOUND},
    )
    def get(self, request, slug, anchor):
        event = event_with_facts(slug)
        for fact in facts_of(event):
            if fact[0] == anchor:
                return Response(fact_document(event, *fact))
        return Response({"detail": "No such fact."}, status=404)
