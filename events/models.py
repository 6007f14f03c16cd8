"""
Event records: what happened, who took part in which capacity, what was presented, and the
source behind each fact.
"""

import re
import zoneinfo
from functools import partial

from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import Count, Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from people.models import Organization, Person, SlugQuerySet
from webinar.choices import ChoiceLabels

from . import quotes


def validate_time_zone(value):
    if value and value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(value)s” is not an IANA time zone name, such as Asia/Shanghai."),
            params={"value": value},
        )


class Topic(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = SlugQuerySet.as_manager()

    class Meta:
        # The English column by name: modeltranslation would rewrite "name" to the reader's
        # language, and a Chinese reader would get rows in no order while names are English.
        ordering = ["name_en"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("events:list") + f"?topic={self.slug}"

    def natural_key(self):
        return (self.slug,)


class Source(models.Model):
    """A document that facts of a record come from."""

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    publisher = models.CharField(_("publisher"), max_length=255, blank=True)
    url = models.URLField(_("address (URL)"), max_length=500, blank=True)
    published_on = models.DateField(_("date published"), null=True, blank=True)
    accessed_on = models.DateField(_("date accessed"), null=True, blank=True)
    text = models.TextField(
        _("text"),
        blank=True,
        help_text=_("The source's text, or the passages this site relies on, copied exactly."),
    )
    notes = models.TextField(
        _("notes"), blank=True, help_text=_("What is known, or not known, about this source.")
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = SlugQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The passages quoted from this source may have moved with an edit of its text.
        for fact, field in self.quoting_facts():
            _field, start_field, end_field = next(f for f in fact.quote_fields if f[0] == field)
            before = (getattr(fact, start_field), getattr(fact, end_field))
            fact.source = self
            fact.anchor_quote(field)
            after = (getattr(fact, start_field), getattr(fact, end_field))
            if after != before:
                type(fact)._base_manager.filter(pk=fact.pk).update(
                    **{start_field: after[0], end_field: after[1]}
                )

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        super().clean()
        broken = [fact for fact, _field in self.quoting_facts() if fact.quote_broken_by(self.text)]
        if broken:
            raise ValidationError(
                {
                    "text": _(
                        "This text no longer holds the passages quoted for: %(facts)s. "
                        "Keep those passages in the text, or change the quotes first."
                    )
                    % {"facts": "; ".join(fact.cited_label() for fact in broken)}
                }
            )

    def quoting_facts(self):
        """(fact, quote field) for every stored passage quoted from this source."""
        if self.pk is None:
            return []
        found = []
        for model in cited_models():
            for field, _start, _end in model.quote_fields:
                rows = model._base_manager.filter(source=self).exclude(**{field: ""})
                found.extend((row, field) for row in rows)
        return found


def cited_models():
    """Every concrete model that quotes a source."""
    from django.apps import apps

    return [
        model for model in apps.get_app_config("events").get_models() if issubclass(model, Cited)
    ]


def anchor_quotes_before_save(sender, instance, raw=False, **kwargs):
    """Every write path, raw fixture loads included, stores quotes in the source's wording."""
    instance.anchor_quotes()


class Cited(ChoiceLabels, models.Model):
    """A fact that can name the source that states it and quote the passage."""

    source = models.ForeignKey(
        Source,
        verbose_name=_("source"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    quote = models.TextField(
        _("quoted passage"),
        blank=True,
        help_text=_("The words of the source that state this fact, copied exactly."),
    )
    quote_start = models.PositiveIntegerField(
        _("passage starts at"), null=True, blank=True, editable=False
    )
    quote_end = models.PositiveIntegerField(
        _("passage ends at"), null=True, blank=True, editable=False
    )

    # Each quoted passage of the model, with the fields keeping its offsets in the source.
    quote_fields = [("quote", "quote_start", "quote_end")]

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        errors = {}
        for field, _start, _end in self.quote_fields:
            if getattr(self, field).strip() and not self.source_id:
                errors.setdefault("source", _("Name the source that the passage is quoted from."))
            elif not self.anchor_quote(field):
                errors[field] = quotes.mismatch_message(getattr(self, field), self.source.text)
        if errors:
            raise ValidationError(errors)

    def anchor_quote(self, field):
        """Store the quote in the source's own wording, with its offsets in the source's
        text; False if the source's text does not hold it. A quote of a source whose text is
        not recorded is kept as given, without offsets."""
        _field, start_field, end_field = next(f for f in self.quote_fields if f[0] == field)
        quote = getattr(self, field)
        if not quote.strip() or not self.source_id or not self.source.text:
            setattr(self, field, quote.strip())
            setattr(self, start_field, None)
            setattr(self, end_field, None)
            return True
        passage = quotes.locate(quote, self.source.text, near=getattr(self, start_field))
        if passage is None:
            setattr(self, start_field, None)
            setattr(self, end_field, None)
            return False
        setattr(self, field, passage.text)
        setattr(self, start_field, passage.start)
        setattr(self, end_field, passage.end)
        return True

    def quote_broken_by(self, text):
        """True if a source text of `text` would no longer hold one of these quotes."""
        return any(
            getattr(self, field) and quotes.locate(getattr(self, field), text) is None
            for field, _start, _end in self.quote_fields
        )

    def cited_label(self):
        return f"{self._meta.verbose_name} “{self}”"

    def anchor_quotes(self):
        """Anchor every quote that the source holds (saves, raw fixture loads included)."""
        for field, _start, _end in self.quote_fields:
            self.anchor_quote(field)


# Han, kana and hangul: scripts written without spaces between words.
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


class StoredSearchVector(models.Expression):
    """The `search_vector` column that migration 0004 adds on PostgreSQL (not a model field,
    so that other databases never select it), under whatever alias the query gives the
    model's table."""

    def __init__(self):
        from django.contrib.postgres.search import SearchVectorField

        super().__init__(output_field=SearchVectorField())

    def resolve_expression(
        self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False
    ):
        resolved = self.copy()
        resolved.pk_column = F("pk").resolve_expression(query, allow_joins, reuse, summarize)
        return resolved

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.pk_column)
        table = sql.rsplit(".", 1)[0]
        return f"{table}.search_vector", params


def cited_constraint(model_name):
    return models.CheckConstraint(
        condition=Q(quote="") | Q(source__isnull=False),
        name=f"{model_name}_quote_has_source",
        violation_error_message=_("A quoted passage needs its source."),
    )


def events_reached(events, presentations, people, organizations):
    """The pks of these events, of these presentations' events, and of the events these
    people or organizations take part in: one uncorrelated UNION of ids, each part found by
    index (a correlated condition per event re-scans every event's roles and speakers, and
    an OR of two IN lists stops PostgreSQL from using a semi-join)."""
    people = people.order_by().values("pk")
    organizations = organizations.order_by().values("pk")
    return (
        events.order_by()
        .values("pk")
        .union(
            presentations.order_by().values("event_id"),
            Role.objects.filter(person__in=people).order_by().values("event_id"),
            Role.objects.filter(organization__in=organizations).order_by().values("event_id"),
            Presentation.speakers.through.objects.filter(person__in=people)
            .order_by()
            .values("presentation__event_id"),
            EventOrganization.objects.filter(organization__in=organizations)
            .order_by()
            .values("event_id"),
        )
    )


def contains_in_any(word, *fields):
    """A condition: word in any of these fields, ignoring case."""
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__icontains": word})
    return condition


class EventQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def published(self):
        """The only definition of what the public may see; every public view starts here."""
        return self.filter(status=Event.Status.PUBLISHED)

    def search(self, query):
        """Events matching every word of the query in their title or description, a
        presentation title, a person's name or an organization's name, in either language.

        On PostgreSQL: full-text search (words match as prefixes) over the stored,
        GIN-indexed vectors of migration 0004, best matches first. Elsewhere, and for
        Chinese, Japanese or Korean text, which the 'simple' parser cannot split into words:
        case-insensitive substring matching, in date order."""
        words = query.split()[:10]
        if not words:
            return self
        if connections[self.db].vendor == "postgresql" and not CJK.search(query):
            return self.full_text_search(words)
        return self.substring_search(words)

    def full_text_search(self, words):
        from django.contrib.postgres.search import SearchQuery, SearchRank

        # Letters and digits only: punctuation never reaches the query parser.
        words = re.findall(r"\w+", " ".join(words))
        if not words:
            return self.none()

        wanted = SearchQuery(
            " & ".join(f"'{word}':*" for word in words), search_type="raw", config="simple"
        )

        def matching(model):
            return model.objects.alias(vector=StoredSearchVector()).filter(vector=wanted).order_by()

        event_ids = events_reached(
            matching(Event), matching(Presentation), matching(Person), matching(Organization)
        )
        return (
            self.filter(pk__in=event_ids)
            .annotate(search_rank=SearchRank(StoredSearchVector(), wanted))
            .order_by("-search_rank", "-start_date", "title")
        )

    def substring_search(self, words):
        """Every word, as a case-insensitive substring, in the same places as the full-text
        search, the events reached as in `full_text_search` (350 ms a search at 10,000
        events on SQLite with a condition per event, 69 ms this way)."""
        queryset = self
        for word in words:
            contains = partial(contains_in_any, word)
            event_ids = events_reached(
                Event.objects.filter(
                    contains("title_en", "title_zh_hans", "description_en", "description_zh_hans")
                ),
                Presentation.objects.filter(contains("title_en", "title_zh_hans")),
                Person.objects.filter(contains("given_name", "family_name", "native_name")),
                Organization.objects.filter(
                    contains("name_en", "name_zh_hans", "short_name_en", "short_name_zh_hans")
                ),
            )
            queryset = queryset.filter(pk__in=event_ids)
        return queryset

    def visible_to(self, user):
        """Staff may preview drafts at their public address; everyone else sees published."""
        if user.is_authenticated and user.is_staff:
            return self.all()
        return self.published()

    def years(self):
        """The years these events started in, latest first."""
        return [day.year for day in self.dates("start_date", "year", order="DESC")]

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

    def topics_used(self):
        """Topics of any of these events."""
        return Topic.objects.filter(
            Exists(Event.topics.through.objects.filter(event__in=self, topic=OuterRef("pk")))
        )

    def people(self):
        """People who took part in any of these events."""
        # One uncorrelated `pk IN (… UNION …)`: a correlated EXISTS led SQLite to probe
        # every event for every person, and an OR of two IN lists stops PostgreSQL from
        # using a semi-join (minutes at 10,000–100,000 events).
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
        named = Organization.objects.filter(
            pk__in=EventOrganization.objects.filter(event__in=self)
            .order_by()
            .values("organization_id")
            .union(Role.objects.filter(event__in=self).order_by().values("organization_id"))
        )
        lookups = ["pk"] + [
            "__".join(["parent"] * depth) + "_id" for depth in range(1, Organization.MAX_DEPTH)
        ]
        visible = Q()
        for lookup in lookups:
            visible |= Q(pk__in=named.values(lookup))
        return Organization.objects.filter(visible)

    def shows_person(self):
        """A condition on people, true of exactly those `people()` returns, for checking
        one person without building the whole list (a correlated EXISTS: cheap per row)."""
        return Exists(Role.objects.filter(event__in=self, person=OuterRef("pk"))) | Exists(
            Presentation.speakers.through.objects.filter(
                presentation__event__in=self, person=OuterRef("pk")
            )
        )

    def shows_organization(self):
        """A condition on organizations, true of exactly those `organizations()` returns, for
        checking one organization or its sub-units without building the whole visible set:
        an organization is shown if it, or any unit below it, is named in these events."""
        shown = Q()
        for depth in range(Organization.MAX_DEPTH):
            below = "__".join(["organization"] + ["parent"] * depth)
            shown |= Exists(
                EventOrganization.objects.filter(event__in=self, **{below: OuterRef("pk")})
            )
            shown |= Exists(Role.objects.filter(event__in=self, **{below: OuterRef("pk")}))
        return shown


class Event(ChoiceLabels, models.Model):
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

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
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
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("IANA name, such as Asia/Shanghai; required with a start time."),
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
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(_("first published"), null=True, blank=True)
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
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="event_published_has_time",
                violation_error_message=_("A published event needs its publication time."),
            ),
        ]
        indexes = [models.Index(fields=["status", "-start_date"], name="event_public_order")]

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

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    @property
    def is_single_day(self):
        return self.start_date == self.end_date

    @property
    def has_time(self):
        return self.start_time is not None

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


class EventOrganizationManager(models.Manager):
    def get_by_natural_key(self, event_slug, organization_slug, part):
        return self.get(event__slug=event_slug, organization__slug=organization_slug, part=part)


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

    objects = EventOrganizationManager()

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


class RoleQuerySet(models.QuerySet):
    def get_by_natural_key(self, event_slug, person_slug, kind):
        return self.get(event__slug=event_slug, person__slug=person_slug, kind=kind)

    def published(self):
        return self.filter(event__in=Event.objects.published())


class Role(Cited):
    """A person's part in an event, with the title and organization they held at the time."""

    class Kind(models.TextChoices):
        CHAIR = "chair", _("Chair")
        MODERATOR = "moderator", _("Moderator")
        HOST = "host", _("Host")
        OPENING_REMARKS = "opening-remarks", _("Opening remarks")
        KEYNOTE_SPEAKER = "keynote-speaker", _("Keynote speaker")
        SPEAKER = "speaker", _("Speaker")
        PANELIST = "panelist", _("Panelist")
        DISCUSSANT = "discussant", _("Discussant")
        CLOSING_REMARKS = "closing-remarks", _("Closing remarks")
        RAPPORTEUR = "rapporteur", _("Rapporteur")
        ORGANIZER = "organizer", _("Organizer")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="roles"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="roles"
    )
    kind = models.CharField(_("role"), max_length=20, choices=Kind.choices)
    position_title = models.CharField(
        _("title at the time"),
        max_length=300,
        blank=True,
        help_text=_("The title the person held at the time of the event, as the source gives it."),
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization at the time"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="roles",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = RoleQuerySet.as_manager()

    class Meta:
        ordering = ["event", "order", "pk"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person", "kind"],
                name="role_unique_per_person_and_event",
                violation_error_message=_("This person already has this role in the event."),
            ),
            cited_constraint("role"),
        ]

    def __str__(self):
        return f"{self.person} — {self.get_kind_display()} — {self.event}"

    def natural_key(self):
        return self.event.natural_key() + self.person.natural_key() + (self.kind,)

    natural_key.dependencies = ["events.event", "people.person", "people.organization"]

    @property
    def title_at_the_time(self):
        """“Vice President, Shanghai Academy of Social Sciences”."""
        parts = [self.position_title]
        if self.organization_id:
            parts.append(self.organization.affiliation_label())
        return ", ".join(part for part in parts if part)


class PresentationQuerySet(models.QuerySet):
    def get_by_natural_key(self, event_slug, slug):
        return self.get(event__slug=event_slug, slug=slug)

    def published(self):
        return self.filter(event__in=Event.objects.published())


class Presentation(Cited):
    class Kind(models.TextChoices):
        OPENING_REMARKS = "opening-remarks", _("Opening remarks")
        KEYNOTE = "keynote", _("Keynote")
        PRESENTATION = "presentation", _("Presentation")
        CASE_STUDY = "case-study", _("Case study")
        PANEL = "panel", _("Panel")
        QA = "qa", _("Questions and answers")
        CLOSING_REMARKS = "closing-remarks", _("Closing remarks")
        OTHER = "other", _("Other")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="presentations"
    )
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=160)
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.PRESENTATION
    )
    speakers = models.ManyToManyField(
        Person, verbose_name=_("speakers"), related_name="presentations", blank=True
    )
    order = models.PositiveSmallIntegerField(_("order in the programme"))
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    qa_followed = models.BooleanField(
        _("questions and answers followed"),
        default=False,
        help_text=_("Tick only if a source says the speaker took questions."),
    )
    qa_quote = models.TextField(
        _("passage on the questions"),
        blank=True,
        help_text=_("The words of the source that say questions were answered."),
    )
    qa_quote_start = models.PositiveIntegerField(
        _("passage on the questions starts at"), null=True, blank=True, editable=False
    )
    qa_quote_end = models.PositiveIntegerField(
        _("passage on the questions ends at"), null=True, blank=True, editable=False
    )
    material_file = models.FileField(_("material (file)"), upload_to="materials/", blank=True)
    material_url = models.URLField(_("material (video or page)"), max_length=500, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = PresentationQuerySet.as_manager()

    quote_fields = [
        *Cited.quote_fields,
        ("qa_quote", "qa_quote_start", "qa_quote_end"),
    ]

    class Meta:
        ordering = ["event", "order"]
        verbose_name = _("presentation")
        verbose_name_plural = _("presentations")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "order"],
                name="presentation_order_unique_in_event",
                violation_error_message=_("Another item of the programme has this position."),
            ),
            models.UniqueConstraint(
                fields=["event", "slug"],
                name="presentation_slug_unique_in_event",
                violation_error_message=_("Another presentation of this event has this slug."),
            ),
            models.CheckConstraint(
                condition=Q(end_time__isnull=True)
                | Q(start_time__isnull=True)
                | Q(end_time__gte=F("start_time")),
                name="presentation_ends_after_start",
                violation_error_message=_("The end time cannot be before the start time."),
            ),
            cited_constraint("presentation"),
            models.CheckConstraint(
                condition=Q(qa_quote="") | Q(source__isnull=False),
                name="presentation_qa_quote_has_source",
                violation_error_message=_("A quoted passage needs its source."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "events:presentation", kwargs={"event_slug": self.event.slug, "slug": self.slug}
        )

    def natural_key(self):
        return self.event.natural_key() + (self.slug,)

    natural_key.dependencies = ["events.event", "people.person"]


class KeyPointManager(models.Manager):
    def get_by_natural_key(self, event_slug, presentation_slug, order):
        return self.get(
            presentation__event__slug=event_slug, presentation__slug=presentation_slug, order=order
        )


class KeyPoint(Cited):
    presentation = models.ForeignKey(
        Presentation,
        verbose_name=_("presentation"),
        on_delete=models.CASCADE,
        related_name="key_points",
    )
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("key point"))

    objects = KeyPointManager()

    class Meta:
        ordering = ["presentation", "order"]
        verbose_name = _("key point")
        verbose_name_plural = _("key points")
        constraints = [
            models.UniqueConstraint(
                fields=["presentation", "order"],
                name="key_point_order_unique",
                violation_error_message=_("Another key point has this position."),
            ),
            cited_constraint("key_point"),
        ]

    def __str__(self):
        return self.text[:80]

    def natural_key(self):
        return self.presentation.natural_key() + (self.order,)

    natural_key.dependencies = ["events.presentation"]


class CitationManager(models.Manager):
    def get_by_natural_key(self, event_slug, fact, source_slug):
        return self.get(event__slug=event_slug, fact=fact, source__slug=source_slug)


class Citation(Cited):
    """Evidence for one fact of the event itself: its date, its counts, its audience…"""

    class Fact(models.TextChoices):
        TITLE = "title", _("Title")
        DATE = "date", _("Date")
        FORMAT = "format", _("Format")
        DESCRIPTION = "description", _("Description")
        PARTICIPANTS = "participants", _("Participants")
        AUDIENCE = "audience", _("Audience")
        SPEAKERS = "speakers", _("Speakers reported")
        TOPICS = "topics", _("Topics")
        LOCATION = "location", _("Location")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="citations"
    )
    fact = models.CharField(_("fact"), max_length=16, choices=Fact.choices)

    objects = CitationManager()

    class Meta:
        ordering = ["event", "fact"]
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "fact", "source"],
                name="citation_unique_per_fact_and_source",
                violation_error_message=_("This source is already cited for this fact."),
            ),
            models.CheckConstraint(
                condition=Q(source__isnull=False),
                name="citation_has_source",
                violation_error_message=_("A citation needs its source."),
            ),
        ]

    def __str__(self):
        return f"{self.event} — {self.get_fact_display()}"

    def natural_key(self):
        return self.event.natural_key() + (self.fact,) + self.source.natural_key()

    natural_key.dependencies = ["events.event", "events.source"]
