"""Pending revisions: an editor's change to a public record, kept as the change form's data
until a publisher publishes or rejects it (the admin half is review.py)."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PendingRevisionQuerySet(models.QuerySet):
    def of(self, record):
        return self.filter(
            content_type=ContentType.objects.get_for_model(record), object_id=record.pk
        ).select_related("submitted_by", "decided_by")

    def pending(self):
        return self.filter(state=PendingRevision.State.PENDING)


class PendingRevision(models.Model):
    """An editor's change to a public record, waiting for a publisher."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending review")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("kind of record"), on_delete=models.CASCADE
    )
    object_id = models.PositiveBigIntegerField(_("record"))
    record_label = models.CharField(_("record as named then"), max_length=300)
    base_version = models.PositiveIntegerField(_("version it was made against"), null=True)
    # The change form's POST data, {name: [values]}, inline formsets included.
    data = models.JSONField(_("submitted form"))
    # What it changed when it was submitted (a decided revision is shown with this).
    changes = models.JSONField(_("changes"), default=list)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    note = models.TextField(_("note of the review"), blank=True)

    objects = PendingRevisionQuerySet.as_manager()

    class Meta:
        app_label = "people"
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("change pending review")
        verbose_name_plural = _("changes pending review")
        indexes = [models.Index(fields=["content_type", "object_id", "state"])]

    def __str__(self):
        return f"{self.record_label} ({self.submitted_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self):
        opts = self.content_type.model_class()._meta
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_revision",
            args=[self.object_id, self.pk],
        )

    @property
    def is_pending(self):
        return self.state == self.State.PENDING

    def query_dict(self):
        data = QueryDict(mutable=True)
        for name, values in self.data.items():
            data.setlist(name, values)
        return data

    def decide(self, state, user, note):
        self.state, self.decided_by, self.decided_at, self.note = state, user, timezone.now(), note
        self.save(update_fields=["state", "decided_by", "decided_at", "note"])
