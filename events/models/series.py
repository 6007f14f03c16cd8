"""Series of events: a run of webinars or meetings under one name, with its own page."""

from django.db import models
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from people.models import Organization
from people.natural_keys import NaturalKeyQuerySet


class EventSeriesQuerySet(NaturalKeyQuerySet):
    natural_key_fields = ("slug",)

    def published(self):
        """Series with at least one published event: the public meets a series only through
        its events, so a series whose events are all drafts stays unseen."""
        from .event import Event

        return self.filter(Exists(Event.objects.published().filter(series=OuterRef("pk"))))


class EventSeries(models.Model):
    name = models.CharField(
        _("name"),
        max_length=255,
        help_text=_("As its organizer names it, such as “Capacity Development Webinar Series”."),
    )
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    organizer = models.ForeignKey(
        Organization,
        verbose_name=_("organizer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="event_series",
    )
    website = models.URLField(_("website"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = EventSeriesQuerySet.as_manager()

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("event series")
        verbose_name_plural = _("event series")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("events:series", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)
