"""Evidence: the sources a record's facts come from, and the quoted passage behind each fact."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from people.choices import ChoiceLabels
from people.models import SlugQuerySet
from people.natural_keys import NaturalKeyQuerySet
from people.slugs import SluggedRecord

from .. import quotes


def validate_language_tag(value):
    """A well-formed BCP 47 tag of the common shape: language, then script, region and
    variants (ko, zh-Hans, pt-BR, sr-Latn-RS, de-CH-1996)."""
    if value and not LANGUAGE_TAG.fullmatch(value):
        raise ValidationError(
            _("“%(value)s” is not a BCP 47 language tag, such as en, ko or zh-Hans."),
            params={"value": value},
        )


LANGUAGE_TAG = re.compile(
    r"[a-zA-Z]{2,3}(-[a-zA-Z]{4})?(-(?:[a-zA-Z]{2}|[0-9]{3}))?(-(?:[a-zA-Z0-9]{5,8}|[0-9][a-zA-Z0-9]{3}))*"
)


class Source(SluggedRecord, models.Model):
    """A document that facts of a record come from."""

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        blank=True,
        help_text=_("Leave empty to make one from the title, in any script."),
    )
    publisher = models.CharField(_("publisher"), max_length=255, blank=True)
    url = models.URLField(_("address (URL)"), max_length=500, blank=True)
    published_on = models.DateField(_("date published"), null=True, blank=True)
    accessed_on = models.DateField(_("date accessed"), null=True, blank=True)
    language = models.CharField(
        _("language"),
        max_length=35,
        blank=True,
        validators=[validate_language_tag],
        help_text=_(
            "BCP 47 code of the language the source is written in, such as en, ko or zh-Hans: "
            "its quotes are marked with it, so screen readers read them in the right voice."
        ),
    )
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

    def slug_text(self):
        return self.title

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


def source_text_before_save(sender, instance, raw=False, **kwargs):
    """Every write path stores a source's text with plain line breaks (quotes.py)."""
    instance.text = quotes.plain_line_breaks(instance.text)


def anchor_quotes_before_save(sender, instance, raw=False, **kwargs):
    """Every write path, raw fixture loads included, stores quotes in the source's wording."""
    try:
        instance.anchor_quotes()
    except Source.DoesNotExist:
        # A raw load may bring a fact before its source; the database checks the key.
        if not raw:
            raise


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


def cited_constraint(model_name):
    return models.CheckConstraint(
        condition=Q(quote="") | Q(source__isnull=False),
        name=f"{model_name}_quote_has_source",
        violation_error_message=_("A quoted passage needs its source."),
    )


class CitationQuerySet(NaturalKeyQuerySet):
    natural_key_fields = ("event__slug", "fact", "source__slug")


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
        "events.Event",
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="citations",
    )
    fact = models.CharField(_("fact"), max_length=16, choices=Fact.choices)

    objects = CitationQuerySet.as_manager()

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
