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
    def replace(cls, *, pages=False, fragments=False):
        """New values for the pages (and with fragments=True, every event's fragments), in
        the current transaction; returns the (pages, fragments) now stored."""
        values = {}
        if pages:
            values["pages"] = new_token()
        if fragments:
            values["fragments"] = new_token()
        if not cls.objects.filter(pk=1).update(**values):
            cls.objects.bulk_create([cls(pk=1, **values)], ignore_conflicts=True)
            cls.objects.filter(pk=1).update(**values)
        return cls.objects.filter(pk=1).values_list("pages", "fragments").get()
