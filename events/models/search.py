from django.db import models
from django.utils.translation import gettext_lazy as _

from .event import Event


class EventSearchDocument(models.Model):
    """
    Every text an event's page shows, in one row per event, kept by events/search/documents.py
    on every write path: what the site's search reads (one indexed lookup instead of a union
    of ids over nine tables per word). PostgreSQL keeps a full-text vector of it in a
    generated column with a GIN index (migration 0020). Derived data, not a record: no history,
    no backup, no signals of its own.
    """

    event = models.OneToOneField(
        Event,
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_document",
    )
    text = models.TextField(_("searched text"))

    # The cache's invalidation rules skip it (events/cache/receivers.py).
    is_cache_state = True

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self):
        return f"{self.event_id}"
