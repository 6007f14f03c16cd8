"""What happened at an event: who took part in which role, what was presented, its key points."""

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from people.models import Organization, Person
from people.natural_keys import NaturalKeyQuerySet
from people.slugs import SluggedRecord

from .event import Event, EventPartQuerySet
from .evidence import Cited, cited_constraint, validate_language_tag


class RoleQuerySet(EventPartQuerySet):
    natural_key_fields = ("event__slug", "person__slug", "kind")


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
        # For a source that says no more than that someone takes part ("will attend").
        PARTICIPANT = "participant", _("Participant")

    class Attestation(models.TextChoices):
        ANNOUNCED = "announced", _("Announced: the source says they will take part")
        CONFIRMED = "confirmed", _("Confirmed: the source says they took part")

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="roles"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="roles"
    )
    kind = models.CharField(_("role"), max_length=20, choices=Kind.choices)
    attestation = models.CharField(
        _("as the source says"),
        max_length=10,
        choices=Attestation.choices,
        default=Attestation.CONFIRMED,
        help_text=_(
            "An announcement or programme says who will take part; a report, recording or "
            "minutes say who did. Record no more than the source says."
        ),
    )
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
    def is_announced(self):
        return self.attestation == self.Attestation.ANNOUNCED

    def attests_performance(self, today=None):
        """Whether the record may say this person performs in the event: a confirmed role,
        or an announced one of an event not yet over (an announcement of a past event says
        only that they were expected)."""
        if not self.is_announced:
            return True
        today = today or timezone.localdate()
        return self.event.end_date >= today

    @property
    def kind_label(self):
        """“Speaker”, or “Speaker (announced)” when the source only says they will take part."""
        if self.is_announced:
            return pgettext("a role that a source announced", "%(role)s (announced)") % {
                "role": self.get_kind_display()
            }
        return self.get_kind_display()

    @property
    def title_at_the_time(self):
        """“Vice President, Shanghai Academy of Social Sciences”."""
        parts = [self.position_title]
        if self.organization_id:
            parts.append(self.organization.affiliation_label())
        return ", ".join(part for part in parts if part)


class PresentationQuerySet(EventPartQuerySet):
    natural_key_fields = ("event__slug", "slug")


# Words that addresses under an event use for themselves (events/site/urls.py: its changes
# and versions), which a presentation of that slug would hide.
RESERVED_PRESENTATION_SLUGS = ("versions",)


class Presentation(SluggedRecord, Cited):
    reserved_slugs = RESERVED_PRESENTATION_SLUGS
    slug_scope = "event"

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
        blank=True,
        help_text=_("Leave empty to make one from the title, in any script."),
    )
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
                condition=~Q(slug__in=RESERVED_PRESENTATION_SLUGS),
                name="presentation_slug_not_reserved",
                violation_error_message=_(
                    "“versions” is the address of the record's changes: choose another slug."
                ),
            ),
            models.CheckConstraint(
                condition=Q(end_time__isnull=True)
                | Q(start_time__isnull=True)
                | Q(end_time__gte=F("start_time")),
                name="presentation_ends_after_start",
                violation_error_message=_("The end time cannot be before the start time."),
            ),
            models.CheckConstraint(
                condition=Q(original_title="") | ~Q(original_title_language=""),
                name="presentation_original_title_has_language",
                violation_error_message=_("Give the language of the original title."),
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

    def slug_text(self):
        return self.title_en or self.title_zh_hans or self.title

    def had_public_address(self, stored):
        return Event.objects.published().filter(pk=stored.event_id).exists()

    natural_key.dependencies = ["events.event", "people.person"]


class KeyPointQuerySet(NaturalKeyQuerySet):
    natural_key_fields = ("presentation__event__slug", "presentation__slug", "order")


class KeyPoint(Cited):
    presentation = models.ForeignKey(
        Presentation,
        verbose_name=_("presentation"),
        on_delete=models.CASCADE,
        related_name="key_points",
    )
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("key point"))

    objects = KeyPointQuerySet.as_manager()

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
