"""The event record and the organizations that took part in it."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q, Subquery, Value
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from events.time_zones import TimeZoneField, zone_label
from people.choices import ChoiceLabels
from people.models import Organization, Person
from people.natural_keys import NaturalKeyQuerySet
from people.slugs import SluggedRecord

from .cache import CacheGeneration
from .evidence import Cited, Source, cited_constraint, validate_language_tag
from .topics import Topic


class EventQuerySet(NaturalKeyQuerySet):
    natural_key_fields = ("slug",)

    def published(self):
        """The only definition of what the public may see; every public view starts here."""
        return self.filter(status=Event.Status.PUBLISHED)

    def search(self, query):
        """Events matching every word of the query wherever the event page shows it (the one
        search of the site: `events.search`)."""
        from events.search import search_events

        return search_events(self, query)

    def for_listing(self):
        """With what an event's card or list row shows (events/models/shapes.py)."""
        from . import shapes

        return self.prefetch_related(*shapes.listing())

    def with_everything_shown(self):
        """With everything the event's page shows (events/models/shapes.py)."""
        from . import shapes

        return self.select_related("series").prefetch_related(*shapes.everything_shown())

    def for_export(self):
        """With what the open-data formats read (events/models/shapes.py)."""
        from . import shapes

        return self.select_related("series").prefetch_related(*shapes.exported())

    def with_change_summary(self):
        """With how many public versions each event has, when the latest was made and its
        latest correction, in the same query (events.site.versions.change_summary)."""
        from .versions import change_summary_annotations

        return self.annotate(**change_summary_annotations())

    def with_rendering(self, language):
        """With the event page's rendering kept for this language (its `rendering_` fields,
        None without one) and the current rendering generation, in the same query
        (events/cache/renderings.py)."""
        return self.with_kept_rendering(
            language,
            "kept_rendering",
            ["body", "structured_data", "citation_meta", "day", "generation", "version"],
        )

    def with_card(self, language):
        """With the event's card kept for this language (`rendering_card`, None without
        one, its generation and version) and the current rendering generation, in the same
        query (events/cache/cards.py)."""
        return self.with_kept_rendering(
            language, "kept_card", ["card", "card_generation", "version"]
        )

    def with_kept_rendering(self, language, alias, columns):
        """These columns of the event's rendering row for this language, as `rendering_…`,
        and the current rendering generation as `renderings_now`."""
        kept = FilteredRelation("renderings", condition=Q(renderings__language=language))
        return self.annotate(**{alias: kept}).annotate(
            **{f"rendering_{column}": F(f"{alias}__{column}") for column in columns},
            renderings_now=Subquery(CacheGeneration.objects.filter(pk=1).values("renderings")),
        )

    def with_latest_version(self):
        """With the record its latest public version keeps, as `latest_record` (or None)."""
        from .versions import latest_record

        return self.annotate(latest_record=latest_record())

    def visible_to(self, user):
        """Staff may preview drafts at their public address; everyone else sees published."""
        if user.is_authenticated and user.is_staff:
            return self.all()
        return self.published()

    def years(self):
        """The years these events started in, latest first."""
        return [day.year for day in self.dates("start_date", "year", order="DESC")]

    def filter_choices(self, organization_limit):
        """The event list's filter options over these events, as JSON keeps them: years,
        and [slug, label] pairs of the `organization_limit` busiest organizations, the
        topics and the series used (labels in the active language); and under "counts", how
        many of these events each value of one filter gives, so that a list narrowed by one
        filter need not count them (the same conditions as events.filters)."""
        return {
            "years": self.years(),
            "organizations": [
                [organization.slug, organization.label_with_parent]
                for organization in self.busiest_organizations(organization_limit)
            ],
            "topics": [[topic.slug, topic.name] for topic in self.topics_used()],
            "series": [[series.slug, series.name] for series in self.series_used()],
            "counts": {
                "year": self.counts_by(ExtractYear("start_date")),
                "kind": self.counts_by(F("kind")),
                "mode": self.counts_by(F("attendance_mode")),
                "topic": self.counts_by(F("topics__slug")),
                "series": self.counts_by(F("series__slug")),
            },
        }

    def counts_by(self, value):
        """{str(value): how many of these events have it} (JSON keys are strings)."""
        rows = self.order_by().values_list(value).annotate(n=Count("pk", distinct=True))
        return {str(key): n for key, n in rows if key is not None}

    def busiest_organizations(self, limit):
        """The `limit` organizations hosting or supporting most of these events, busiest
        first (ties by name)."""
        return (
            Organization.objects.filter(event_participations__event__in=self)
            .select_related("parent")
            .annotate(event_count=Count("event_participations"))
            .order_by("-event_count", "name_en")[:limit]
        )

    def participating_organization(self, slug):
        """The organization with this slug if it hosts or supports any of these events."""
        taking_part = EventOrganization.objects.filter(event__in=self).values("organization")
        return (
            Organization.objects.filter(slug=slug, pk__in=taking_part)
            .select_related("parent")
            .first()
        )

    def series_used(self):
        """Series of any of these events."""
        from .series import EventSeries

        return EventSeries.objects.filter(Exists(self.filter(series=OuterRef("pk"))))

    def topics_used(self):
        """Topics of any of these events."""
        return Topic.objects.filter(
            Exists(Event.topics.through.objects.filter(event__in=self, topic=OuterRef("pk")))
        )

    def people(self):
        """People who took part in any of these events."""
        from .programme import Presentation, Role  # defined after Event, which needs this queryset

        # One uncorrelated `pk IN (… UNION …)`: a correlated EXISTS led SQLite to probe
        # every event for every person, and an OR of two IN lists stops PostgreSQL from
        # using a semi-join (bench/README.md has the timings at 10,000 and 100,000 events).
        return Person.objects.filter(
            pk__in=Role.objects.filter(event__in=self)
            .order_by()
            .values("person_id")
            .union(
                Presentation.speakers.through.objects.filter(presentation__event__in=self)
                .order_by()
                .values("person_id")
            )
        )

    def organizations(self):
        """Organizations named in any of these events, with the organizations they are part
        of (a breadcrumb must never lead to a missing page)."""
        return Organization.objects.filter(self.shows_organization())

    def shows_person(self):
        """A condition on people, true of exactly those `people()` returns, for checking
        one person, or a page of a list, without building the whole set."""
        from .programme import Presentation, Role  # defined after Event, which needs this queryset

        return shown_by_any(
            Role.objects.filter(self.holds("event_id"), person=OuterRef("pk")),
            Presentation.speakers.through.objects.filter(
                self.holds("presentation__event_id"), person=OuterRef("pk")
            ),
        )

    def shows_organization(self):
        """A condition on organizations, true of exactly those `organizations()` returns: an
        organization is shown if it, or any unit below it, is named in these events."""
        from .programme import Role  # defined after Event, which needs this queryset

        named = []
        for depth in range(Organization.MAX_DEPTH):
            below = "__".join(["organization"] + ["parent"] * depth)
            for model in (EventOrganization, Role):
                named.append(
                    model.objects.filter(self.holds("event_id"), **{below: OuterRef("pk")})
                )
        return shown_by_any(*named)

    def holds(self, event_field):
        """A condition on rows that name an event in `event_field`: the event is one of
        these. Tested per row by primary key, where `event__in=self` led SQLite to gather
        every published event's rows for each person tested (a list page of fifty took
        100 ms at 10,000 events; counting everyone, 75 s)."""
        return Exists(self.filter(pk=OuterRef(event_field)))


def shown_by_any(*rows):
    """One EXISTS over a UNION ALL of these correlated querysets: true if any has a row. An OR
    of EXISTS conditions led PostgreSQL to build every alternative's whole set before
    testing the first row of a list page (bench/README.md has the times); the single EXISTS
    of a compound query is tested row by row, by index, on both databases."""
    first, *others = (queryset.order_by().values_list(Value(1)) for queryset in rows)
    return Exists(first.union(*others, all=True))


class Event(SluggedRecord, ChoiceLabels, models.Model):
    class Kind(models.TextChoices):
        WEBINAR = "webinar", _("Webinar")
        CONFERENCE = "conference", _("Conference")
        WORKSHOP = "workshop", _("Workshop")
        SEMINAR = "seminar", _("Seminar")
        LECTURE = "lecture", _("Lecture")
        MEETING = "meeting", _("Meeting")
        FORUM = "forum", _("Forum")
        OTHER = "other", _("Other")

    class AttendanceMode(models.TextChoices):
        ONLINE = "online", _("Online")
        IN_PERSON = "in-person", _("In person")
        MIXED = "mixed", _("Online and in person")

    class CountQualifier(models.TextChoices):
        EXACTLY = "exactly", _("exactly")
        ABOUT = "about", _("about")
        AT_LEAST = "at-least", _("at least")
        MORE_THAN = "more-than", _("more than")
        FEWER_THAN = "fewer-than", _("fewer than")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    class EventStatus(models.TextChoices):
        """What became of the event as announced (schema.org's EventStatusType); `status` is
        whether the record is public."""

        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")
        POSTPONED = "postponed", _("Postponed")
        RESCHEDULED = "rescheduled", _("Rescheduled")
        MOVED_ONLINE = "moved-online", _("Moved online")

    title = models.CharField(_("title"), max_length=300)
    original_title = models.CharField(
        _("original title"),
        max_length=300,
        blank=True,
        help_text=_(
            "The title as the source writes it, where that is in another language than the "
            "English and Chinese columns."
        ),
    )
    original_title_language = models.CharField(
        _("language of the original title"),
        max_length=35,
        blank=True,
        validators=[validate_language_tag],
        help_text=_("BCP 47 code, such as ko or ja."),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=160,
        unique=True,
        blank=True,
        help_text=_("Leave empty to make one from the title, in any script."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.WEBINAR)
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(
        _("end date"), blank=True, help_text=_("Leave empty for a one-day event.")
    )
    start_time = models.TimeField(
        _("start time"), null=True, blank=True, help_text=_("Leave empty unless a source says.")
    )
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    time_zone = TimeZoneField(
        _("time zone"),
        blank=True,
        help_text=_(
            "Type a city, a zone or an abbreviation such as EDT and pick the zone of the place; "
            "required with a start time."
        ),
    )
    time_as_stated = models.CharField(
        _("time as the source states it"),
        max_length=255,
        blank=True,
        help_text=_(
            "The source's own words, such as “21:00 Beijing / 9:00 New York / 15:00 Geneva”; "
            "shown beside the time above, which calendars read."
        ),
    )
    attendance_mode = models.CharField(
        _("attendance mode"),
        max_length=12,
        choices=AttendanceMode.choices,
        default=AttendanceMode.ONLINE,
    )
    location = models.CharField(
        _("location"), max_length=255, blank=True, help_text=_("Venue and city, if in person.")
    )
    language = models.CharField(
        _("language"),
        max_length=35,
        blank=True,
        validators=[validate_language_tag],
        help_text=_("BCP 47 code of the language the event was held in, such as en or zh."),
    )
    participant_count = models.PositiveIntegerField(
        _("participants"), null=True, blank=True, help_text=_("As the source reports it.")
    )
    participant_count_qualifier = models.CharField(
        _("participant count is"),
        max_length=12,
        choices=CountQualifier.choices,
        default=CountQualifier.EXACTLY,
        help_text=_("“more than 200” is not “200”: keep the source's qualifier."),
    )
    audience = models.TextField(
        _("audience"), blank=True, help_text=_("Who the participants were.")
    )
    speaker_count = models.PositiveIntegerField(
        _("speakers reported"),
        null=True,
        blank=True,
        help_text=_("How many speakers the source reports, named or not."),
    )
    organizations = models.ManyToManyField(
        Organization,
        through="EventOrganization",
        verbose_name=_("organizations"),
        related_name="events",
        blank=True,
    )
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics"), related_name="events", blank=True
    )
    sources = models.ManyToManyField(
        Source, verbose_name=_("sources"), related_name="events", blank=True
    )
    series = models.ForeignKey(
        "events.EventSeries",
        verbose_name=_("series"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        help_text=_("Only where a source names the series the event belongs to."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(_("first published"), null=True, blank=True)
    event_status = models.CharField(
        _("event status"),
        max_length=16,
        choices=EventStatus.choices,
        default=EventStatus.SCHEDULED,
        help_text=_("Whether it took place as announced. Only change it where a source says."),
    )
    previous_start_date = models.DateField(
        _("previous start date"),
        null=True,
        blank=True,
        help_text=_("For a rescheduled or postponed event: the date first announced."),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "title_en"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        permissions = [("publish_event", _("Can publish and unpublish events"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(original_title="") | ~Q(original_title_language=""),
                name="event_original_title_has_language",
                violation_error_message=_("Give the language of the original title."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="event_ends_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(end_time__isnull=True) | Q(start_time__isnull=False),
                name="event_end_time_needs_start_time",
                violation_error_message=_("An end time needs a start time."),
            ),
            models.CheckConstraint(
                condition=Q(start_time__isnull=True) | ~Q(time_zone=""),
                name="event_time_needs_time_zone",
                violation_error_message=_("A start time needs a time zone."),
            ),
            models.CheckConstraint(
                condition=Q(end_time__isnull=True)
                | Q(end_date__gt=F("start_date"))
                | Q(end_time__gte=F("start_time")),
                name="event_end_time_after_start_time",
                violation_error_message=_("The end time cannot be before the start time."),
            ),
            models.CheckConstraint(
                condition=Q(participant_count__isnull=False)
                | Q(participant_count_qualifier="exactly"),
                name="event_qualifier_needs_count",
                violation_error_message=_("A count qualifier needs a participant count."),
            ),
            models.CheckConstraint(
                condition=Q(participant_count__gte=0) | Q(participant_count__isnull=True),
                name="event_participant_count_not_negative",
                violation_error_message=_("The participant count cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(speaker_count__gte=0) | Q(speaker_count__isnull=True),
                name="event_speaker_count_not_negative",
                violation_error_message=_("The speaker count cannot be negative."),
            ),
            models.CheckConstraint(
                condition=~Q(event_status="rescheduled") | Q(previous_start_date__isnull=False),
                name="event_rescheduled_has_previous_date",
                violation_error_message=_("A rescheduled event needs its previous start date."),
            ),
            models.CheckConstraint(
                condition=Q(previous_start_date__isnull=True)
                | Q(event_status__in=["rescheduled", "postponed"]),
                name="event_previous_date_only_if_moved",
                violation_error_message=_(
                    "Only a rescheduled or postponed event has a previous start date."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(event_status="moved-online")
                | Q(attendance_mode__in=["online", "mixed"]),
                name="event_moved_online_is_online",
                violation_error_message=_(
                    "An event moved online needs the attendance mode “Online” or “Online and "
                    "in person”."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="event_published_has_time",
                violation_error_message=_("A published event needs its publication time."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-start_date"], name="event_public_order"),
            # Meta.ordering, as the admin's change list asks for it (every status): its page
            # is read from the index instead of sorting every event.
            models.Index(fields=["-start_date", "title_en"], name="event_meta_order"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("events:detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    def slug_text(self):
        return self.title_en or self.title_zh_hans or self.title

    def had_public_address(self, stored):
        return stored.is_published

    def clean(self):
        super().clean()
        if self.start_date and not self.end_date:
            self.end_date = self.start_date
        if self.start_time and not self.time_zone:
            raise ValidationError({"time_zone": _("A start time needs a time zone.")})
        if (
            self.participant_count is None
            and self.participant_count_qualifier != self.CountQualifier.EXACTLY
        ):
            raise ValidationError(
                {"participant_count": _("Give the count that the qualifier applies to.")}
            )

    def organizing_participations(self):
        """The organizations holding the event, with their parts (from prefetched rows)."""
        return [
            p for p in self.participations.all() if p.part in EventOrganization.ORGANIZING_PARTS
        ]

    def other_participations(self):
        """Collaborators, partners, sponsors and supporters (from prefetched rows)."""
        organizing = EventOrganization.ORGANIZING_PARTS
        return [p for p in self.participations.all() if p.part not in organizing]

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    @property
    def is_scheduled(self):
        return self.event_status == self.EventStatus.SCHEDULED

    @property
    def is_single_day(self):
        return self.start_date == self.end_date

    @property
    def has_time(self):
        return self.start_time is not None

    @property
    def time_zone_label(self):
        """“EDT, UTC−4”: the zone as it was on the event's day, for readers."""
        if not self.has_time or not self.time_zone:
            return ""
        return zone_label(
            self.time_zone, datetime.datetime.combine(self.start_date, self.start_time)
        )

    @property
    def format_label(self):
        """“Online webinar”, “In person conference”: mode and kind as a reader says them."""
        return pgettext("format of an event: attendance mode, kind", "%(mode)s %(kind)s") % {
            "mode": self.get_attendance_mode_display(),
            "kind": self.get_kind_display().lower(),
        }

    @property
    def participant_count_display(self):
        if self.participant_count is None:
            return ""
        if self.participant_count_qualifier == self.CountQualifier.EXACTLY:
            return number_format(self.participant_count)
        return pgettext(
            "a count with its qualifier: “more than 200”", "%(qualifier)s %(count)s"
        ) % {
            "qualifier": self.get_participant_count_qualifier_display(),
            "count": number_format(self.participant_count),
        }


class EventPartQuerySet(NaturalKeyQuerySet):
    """Rows that belong to one event (its roles, presentations, organizations' parts): the
    public sees those of published events only."""

    def published(self):
        return self.filter(event__in=Event.objects.published())


class EventOrganizationQuerySet(EventPartQuerySet):
    natural_key_fields = ("event__slug", "organization__slug", "part")


class EventOrganization(Cited):
    """An organization's part in an event: host, co-host, collaborator, sponsor…"""

    class Part(models.TextChoices):
        HOST = "host", _("Host")
        CO_HOST = "co-host", _("Co-host")
        ORGANIZER = "organizer", _("Organizer")
        COLLABORATOR = "collaborator", _("In collaboration with")
        PARTNER = "partner", _("Partner")
        SPONSOR = "sponsor", _("Sponsor")
        SUPPORTER = "supporter", _("Supported by")

    # The parts that make an organization one of those holding the event: "Hosted by" on its
    # page, the ORGANIZER of its calendar entry, the organization of its Popolo record.
    ORGANIZING_PARTS = frozenset({Part.HOST, Part.CO_HOST, Part.ORGANIZER})

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="participations"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="event_participations",
    )
    part = models.CharField(_("part"), max_length=16, choices=Part.choices, default=Part.HOST)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = EventOrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["event", "order", "pk"]
        verbose_name = _("participating organization")
        verbose_name_plural = _("participating organizations")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "organization", "part"],
                name="event_organization_part_unique",
                violation_error_message=_("This organization already has this part in the event."),
            ),
            cited_constraint("event_organization"),
        ]

    def __str__(self):
        return f"{self.organization} — {self.get_part_display()} — {self.event}"

    def natural_key(self):
        return self.event.natural_key() + self.organization.natural_key() + (self.part,)

    natural_key.dependencies = ["events.event", "people.organization"]
