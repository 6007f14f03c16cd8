"""
The read-only JSON API: published events, people, organizations and presentations, with the
public site's list filters, described by an OpenAPI 3 document (drf-spectacular).

Every queryset starts from `Event.objects.published()`, so a draft never reaches the API.
"""

from django.db import models
from django.db.models import Q
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError

from events import filters
from events.models import Citation, Event, EventOrganization, KeyPoint, Presentation, Role
from people.models import Organization, Person

from .common import absolute_url

SLUG_PATTERN = "[-a-zA-Z0-9_]+"


@extend_schema_field(OpenApiTypes.URI)
class PageUrl(serializers.Field):
    """The record's page on the public site, as a full address."""

    def __init__(self, **kwargs):
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return absolute_url(value.get_absolute_url())


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^[0-2][0-9]:[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?$",
        "example": "14:00:00",
    }
)
class LocalTimeField(serializers.TimeField):
    """A wall-clock time in the event's `time_zone`. Written without an offset, so it is not an
    RFC 3339 `time` (which requires one): the zone's rules give the offset on that date."""


class OrganizationSummarySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    url = PageUrl()

    class Meta:
        model = Organization
        # The English text is `name`; the Simplified Chinese one, null until an editor gives it.
        fields = ["slug", "name", "name_zh_hans", "short_name", "kind", "parent", "url"]


class OrganizationSerializer(OrganizationSummarySerializer):
    class Meta:
        model = Organization
        # Identifiers in their stored form ("013q1eq08", "Q42"), empty when not known.
        fields = [
            *OrganizationSummarySerializer.Meta.fields,
            "country",
            "website",
            "ror",
            "wikidata",
            "isni",
        ]


class PersonSummarySerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text="The name in the source's order.")
    url = PageUrl()

    class Meta:
        model = Person
        fields = ["slug", "name", "honorific", "url"]


class PersonSerializer(PersonSummarySerializer):
    class Meta:
        model = Person
        fields = [
            *PersonSummarySerializer.Meta.fields,
            "given_name",
            "family_name",
            "name_order",
            "native_name",
            "biography",
            "website",
            # Identifiers in their stored form ("0000-0002-1825-0097", "Q42"), empty if unknown.
            "orcid",
            "wikidata",
            "isni",
        ]


class TopicSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class SourceSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    publisher = serializers.CharField()
    url = serializers.URLField(allow_blank=True)
    published_on = serializers.DateField(allow_null=True)
    # The language of the source's text, and so of every quote citing it.
    language = serializers.CharField()


class ParticipationSerializer(serializers.ModelSerializer):
    organization = OrganizationSummarySerializer()
    source = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = EventOrganization
        fields = ["part", "organization", "source", "quote"]


class RoleSerializer(serializers.ModelSerializer):
    person = PersonSummarySerializer()
    organization = OrganizationSummarySerializer(allow_null=True)
    title_at_the_time = serializers.CharField(read_only=True)
    source = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Role
        fields = [
            "person",
            "kind",
            "attestation",
            "position_title",
            "position_title_zh_hans",
            "organization",
            "title_at_the_time",
            "source",
            "quote",
        ]


class KeyPointSerializer(serializers.ModelSerializer):
    source = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = KeyPoint
        fields = ["order", "text", "text_zh_hans", "source", "quote"]


class PresentationSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.TimeField: LocalTimeField,
    }
    event = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    speakers = PersonSummarySerializer(many=True)
    key_points = KeyPointSerializer(many=True)
    source = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    url = PageUrl()

    class Meta:
        model = Presentation
        fields = [
            "event",
            "slug",
            "title",
            "title_zh_hans",
            "original_title",
            "original_title_language",
            "kind",
            "order",
            "start_time",
            "end_time",
            "speakers",
            "summary",
            "summary_zh_hans",
            "key_points",
            "qa_followed",
            "qa_quote",
            "material_url",
            "source",
            "quote",
            "url",
        ]


class CitationSerializer(serializers.ModelSerializer):
    source = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Citation
        fields = ["fact", "source", "quote"]


class EventSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.TimeField: LocalTimeField,
    }
    participant_count_display = serializers.CharField(
        read_only=True, help_text="The count in words with its qualifier: “more than 200”."
    )
    organizations = ParticipationSerializer(source="participations", many=True)
    topics = TopicSerializer(many=True)
    series = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True, help_text="The series' slug."
    )
    url = PageUrl()

    class Meta:
        model = Event
        fields = [
            "slug",
            "title",
            "title_zh_hans",
            "original_title",
            "original_title_language",
            "kind",
            "attendance_mode",
            "start_date",
            "end_date",
            "start_time",
            "end_time",
            "time_zone",
            "time_as_stated",
            "event_status",
            "previous_start_date",
            "series",
            "location",
            "language",
            "participant_count",
            "participant_count_qualifier",
            "participant_count_display",
            "speaker_count",
            "organizations",
            "topics",
            "published_at",
            "updated_at",
            "url",
        ]


class EventDetailSerializer(EventSerializer):
    roles = RoleSerializer(many=True)
    presentations = PresentationSerializer(many=True)
    sources = SourceSerializer(many=True)
    citations = CitationSerializer(many=True)

    class Meta:
        model = Event
        fields = [
            *EventSerializer.Meta.fields,
            "description",
            "description_zh_hans",
            "audience",
            "roles",
            "presentations",
            "citations",
            "sources",
        ]


class EventFilterSerializer(serializers.Serializer):
    """The public site's list filters; a bad value is a 400 that names the filter."""

    year = serializers.IntegerField(required=False, min_value=1, max_value=9999)
    kind = serializers.ChoiceField(choices=Event.Kind.choices, required=False)
    mode = serializers.ChoiceField(choices=Event.AttendanceMode.choices, required=False)
    attendance_mode = serializers.ChoiceField(
        choices=Event.AttendanceMode.choices,
        required=False,
        help_text="The older name of `mode`, still accepted.",
    )
    organization = serializers.SlugField(
        required=False, help_text="An organization's slug: events it hosted or took part in."
    )
    topic = serializers.SlugField(required=False, help_text="A topic's slug.")
    series = serializers.SlugField(required=False, help_text="An event series' slug.")
    person = serializers.SlugField(
        required=False, help_text="A person's slug: events they had a role in or spoke at."
    )
    q = serializers.CharField(
        required=False,
        max_length=200,
        help_text="Words, each in any text the event's page shows, as the site's search.",
    )

    def validate(self, data):
        for alias, name in filters.ALIASES.items():
            if alias in data:
                data.setdefault(name, data.pop(alias))
        return data


class SearchSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, max_length=200, help_text="Words in the name.")


class PresentationFilterSerializer(SearchSerializer):
    event = serializers.SlugField(required=False, help_text="The event's slug.")
    q = serializers.CharField(required=False, max_length=200, help_text="Words in the title.")


def query_filters(request, serializer_class):
    serializer = serializer_class(data=request.query_params)
    if not serializer.is_valid():
        raise ValidationError(serializer.errors)
    return serializer.validated_data


ERRORS = {
    400: OpenApiResponse(description="A filter has a value it cannot take."),
    404: OpenApiResponse(description="No such published record, or no such page."),
}


@extend_schema_view(
    list=extend_schema(
        parameters=[EventFilterSerializer], responses={200: EventSerializer, **ERRORS}
    ),
    retrieve=extend_schema(responses={200: EventDetailSerializer, 404: ERRORS[404]}),
)
class EventViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN

    def get_serializer_class(self):
        return EventDetailSerializer if self.action == "retrieve" else EventSerializer

    def get_queryset(self):
        if self.action == "retrieve":
            return Event.objects.published().with_everything_shown()
        events = (
            Event.objects.published()
            .for_listing()
            .select_related("series")
            .prefetch_related("topics")
        )
        return filters.filter_events(events, **query_filters(self.request, EventFilterSerializer))


@extend_schema_view(
    list=extend_schema(parameters=[SearchSerializer], responses={200: PersonSerializer, **ERRORS}),
    retrieve=extend_schema(responses={200: PersonSerializer, 404: ERRORS[404]}),
)
class PersonViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PersonSerializer
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN

    def get_queryset(self):
        people = Event.objects.published().people()
        if self.action == "list":
            for word in query_filters(self.request, SearchSerializer).get("q", "").split():
                people = people.filter(
                    Q(family_name__icontains=word)
                    | Q(given_name__icontains=word)
                    | Q(native_name__icontains=word)
                )
        return people


@extend_schema_view(
    list=extend_schema(
        parameters=[SearchSerializer], responses={200: OrganizationSerializer, **ERRORS}
    ),
    retrieve=extend_schema(responses={200: OrganizationSerializer, 404: ERRORS[404]}),
)
class OrganizationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OrganizationSerializer
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN

    def get_queryset(self):
        organizations = Event.objects.published().organizations().select_related("parent")
        if self.action == "list":
            for word in query_filters(self.request, SearchSerializer).get("q", "").split():
                organizations = organizations.filter(
                    Q(name__icontains=word) | Q(short_name__icontains=word)
                )
        return organizations


@extend_schema_view(
    list=extend_schema(
        parameters=[PresentationFilterSerializer],
        responses={200: PresentationSerializer, **ERRORS},
    ),
    retrieve=extend_schema(responses={200: PresentationSerializer, 404: ERRORS[404]}),
)
class PresentationViewSet(viewsets.ReadOnlyModelViewSet):
    """Presentations are named by their event's slug and their own, as on the public site."""

    serializer_class = PresentationSerializer

    def get_queryset(self):
        presentations = (
            Presentation.objects.published()
            .select_related("event", "source")
            .prefetch_related("speakers", "key_points__source")
            .order_by("-event__start_date", "event__slug", "order")
        )
        if self.action == "list":
            wanted = query_filters(self.request, PresentationFilterSerializer)
            if "event" in wanted:
                presentations = presentations.filter(event__slug=wanted["event"])
            for word in wanted.get("q", "").split():
                presentations = presentations.filter(title__icontains=word)
        return presentations

    def get_object(self):
        return get_object_or_404(
            self.get_queryset(), event__slug=self.kwargs["event_slug"], slug=self.kwargs["slug"]
        )
