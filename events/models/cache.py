import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


def new_token():
    return uuid.uuid4().hex


class CacheGeneration(models.Model):
    """
    The one row whose values every cached page and event fragment is keyed on
    (events/cache/generation.py). It changes in the same transaction as the records, so the
    database, not the cache, says which cached copies are current: neither a cache restarted
    from an old snapshot nor an edit made while the cache was away can bring a retired page
    back. Not a record: no history, no backup, no signals (it is written with update()).
    """

    pages = models.CharField(_("page generation"), max_length=32, default=new_token)
    fragments = models.CharField(_("fragment generation"), max_length=32, default=new_token)
    # Replaced by a bulk write: every stored event rendering of another value is stale.
    renderings = models.CharField(_("rendering generation"), max_length=32, default=new_token)

    # The cache's invalidation rules skip it (events/cache/receivers.py).
    is_cache_state = True

    class Meta:
        ordering = ["pk"]
        verbose_name = _("cache generation")
        verbose_name_plural = _("cache generations")

    def __str__(self):
        return f"{self.pages}.{self.fragments}"

    @classmethod
    def current(cls):
        """(pages, fragments) as committed, made on first use."""
        row = cls.objects.filter(pk=1).values_list("pages", "fragments").first()
        if row is None:
            cls.objects.bulk_create([cls(pk=1)], ignore_conflicts=True)
            row = cls.objects.filter(pk=1).values_list("pages", "fragments").get()
        return row

    @classmethod
    def replace(cls, *, pages=False, fragments=False, renderings=False):
        """New values for the pages (and with fragments=True, every event's fragments; with
        renderings=True, every stored rendering), in the current transaction; returns the
        (pages, fragments) now stored."""
        values = {}
        if pages:
            values["pages"] = new_token()
        if fragments:
            values["fragments"] = new_token()
        if renderings:
            values["renderings"] = new_token()
        if not cls.objects.filter(pk=1).update(**values):
            cls.objects.bulk_create([cls(pk=1, **values)], ignore_conflicts=True)
            cls.objects.filter(pk=1).update(**values)
        return cls.objects.filter(pk=1).values_list("pages", "fragments").get()


class EventRendering(models.Model):
    """
    An event page's body, structured data and citation tags as rendered for one language on
    one day (the Cite section gives today as the day of access), kept so that a page whose
    caches are cold is read as this one row with the event's (events/cache/renderings.py);
    and the event's card in lists, for any day.
    Every write that changes what the page shows empties the rows of its events and gives
    them a new `version`, in the write's own transaction; a bulk write replaces the
    `renderings` generation instead. Not a record: no history, no backup, no signals.
    """

    # No constraint in the database: a deleted event's rows are emptied by its pre_delete
    # signal, after the delete has gathered what it cascades to.
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        db_constraint=False,
        related_name="renderings",
    )
    language = models.CharField(_("language"), max_length=16)
    day = models.DateField(_("rendered for the day"), null=True)
    generation = models.CharField(_("rendering generation"), max_length=32, blank=True)
    version = models.CharField(_("version"), max_length=32, default=new_token)
    body = models.TextField(_("body"), blank=True)
    structured_data = models.TextField(_("structured data"), blank=True)
    citation_meta = models.TextField(_("citation tags"), blank=True)
    # The event's card in lists (home, events, a series), the same whatever the day: kept
    # with a generation of its own, so that a page stored on a later day keeps it.
    card = models.TextField(_("card"), blank=True)
    card_generation = models.CharField(_("card generation"), max_length=32, blank=True)

    # The cache's invalidation rules skip it (events/cache/receivers.py).
    is_cache_state = True

    class Meta:
        ordering = ["event", "language"]
        verbose_name = _("event rendering")
        verbose_name_plural = _("event renderings")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "language"], name="event_rendering_per_language"
            )
        ]

    def __str__(self):
        return f"{self.event_id} {self.language} {self.day}"


class PublicCount(models.Model):
    """
    How many events, people or organizations the public sees (the home page, and the total
    atop each list), and the event list's filter options in each language, kept so that no
    reader computes them after each edit: counting the people is a scan of every role and
    speaker of every published event, and the filter options a grouping of every published
    event's organizations (bench/README.md has the times at 100,000 events). A change marks
    every row changed when it commits, and a task computes them again
    (events/cache/counts.py). Not a record: no history, no backup, no signals.
    """

    name = models.CharField(_("count"), max_length=32, primary_key=True)
    # A number for a count; for the filter options, what EventQuerySet.filter_choices gives.
    value = models.JSONField(_("value"))
    # When the count that gave `value` started: a change that commits after it is not in it.
    counted_at = models.DateTimeField(_("counted at"))
    changed_at = models.DateTimeField(_("records changed at"), null=True)

    # The cache's invalidation rules skip it (events/cache/receivers.py).
    is_cache_state = True

    class Meta:
        ordering = ["name"]
        verbose_name = _("public count")
        verbose_name_plural = _("public counts")

    def __str__(self):
        return f"{self.name}: {self.value}"

    @property
    def is_current(self):
        return self.changed_at is None or self.counted_at >= self.changed_at
