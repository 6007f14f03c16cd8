"""Topics an event is about: the subject filter of the event list."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from people.models import SlugQuerySet


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
