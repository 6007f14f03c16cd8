"""Addresses that once showed a public record: what a reader who follows an old link gets."""

from django.db import models
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from people.models import Organization, Person
from people.signals import merged


class RetiredRecord(models.Model):
    """A published event that was unpublished or deleted (its addresses answer 410 Gone), or
    a person or organization merged into another (its addresses answer 301 to the kept
    record). Written by the signal handlers below, whichever path made the change."""

    class Kind(models.TextChoices):
        EVENT = "event", _("Event")
        PERSON = "person", _("Person")
        ORGANIZATION = "organization", _("Organization")

    class Reason(models.TextChoices):
        UNPUBLISHED = "unpublished", _("Unpublished")
        DELETED = "deleted", _("Deleted")
        MERGED = "merged", _("Merged")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    slug = models.SlugField(_("slug"), max_length=160)
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    retired_at = models.DateTimeField(_("since"), default=timezone.now)
    merged_into = models.SlugField(
        _("merged into"),
        max_length=160,
        blank=True,
        help_text=_("The slug of the record that was kept."),
    )

    class Meta:
        ordering = ["-retired_at"]
        verbose_name = _("retired record")
        verbose_name_plural = _("retired records")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "slug"],
                name="retired_record_unique_address",
                violation_error_message=_("This address is already retired."),
            ),
            models.CheckConstraint(
                condition=~models.Q(reason="merged") | ~models.Q(merged_into=""),
                name="retired_record_merge_names_kept_record",
                violation_error_message=_("A merged record names the record that was kept."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.slug} — {self.get_reason_display()}"

    @property
    def is_merge(self):
        return self.reason == self.Reason.MERGED


def retire(kind, slug, reason, merged_into=""):
    RetiredRecord.objects.update_or_create(
        kind=kind,
        slug=slug,
        defaults={"reason": reason, "retired_at": timezone.now(), "merged_into": merged_into},
    )


def event_status_before(sender, instance, raw=False, **kwargs):
    """Remember whether the event was public before this save (a fixture load is not an
    edit, and says nothing about what readers saw)."""
    if raw or instance.pk is None:
        instance._was_published = False
        return
    before = sender._default_manager.filter(pk=instance.pk).values_list("status", flat=True)
    instance._was_published = before.first() == sender.Status.PUBLISHED


def event_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    if instance.is_published:
        # Published (again): its addresses answer with the record.
        RetiredRecord.objects.filter(kind=RetiredRecord.Kind.EVENT, slug=instance.slug).delete()
    elif getattr(instance, "_was_published", False):
        retire(RetiredRecord.Kind.EVENT, instance.slug, RetiredRecord.Reason.UNPUBLISHED)


def event_deleted(sender, instance, **kwargs):
    # Once published (the first publication time stays when it is unpublished): readers may
    # hold links to it.
    if instance.published_at is not None:
        retire(RetiredRecord.Kind.EVENT, instance.slug, RetiredRecord.Reason.DELETED)


def person_or_organization_deleting(sender, instance, **kwargs):
    """Readers may hold links to a person or organization that was public: named in a
    published record now, or in any published version of one. A merge retires its
    duplicate as merged before deleting it, and keeps that."""
    from .event import Event
    from .versions import PublishedVersion

    kind = RetiredRecord.Kind.PERSON if sender is Person else RetiredRecord.Kind.ORGANIZATION
    if RetiredRecord.objects.filter(kind=kind, slug=instance.slug).exists():
        return
    published = Event.objects.published()
    shown = published.shows_person() if sender is Person else published.shows_organization()
    was_public = (
        sender.objects.filter(shown, pk=instance.pk).exists()
        # The versions name them as "person/<slug>" (events.models.versions.public_shape).
        or PublishedVersion.objects.filter(record__icontains=f'"{kind}/{instance.slug}"').exists()
    )
    if was_public:
        retire(kind, instance.slug, RetiredRecord.Reason.DELETED)


def record_merged(sender, kept, duplicate, **kwargs):
    kind = RetiredRecord.Kind.PERSON if sender is Person else RetiredRecord.Kind.ORGANIZATION
    # Earlier merges into the duplicate now lead to the kept record, in one step.
    RetiredRecord.objects.filter(kind=kind, merged_into=duplicate.slug).update(
        merged_into=kept.slug
    )
    RetiredRecord.objects.filter(kind=kind, slug=kept.slug).delete()
    retire(kind, duplicate.slug, RetiredRecord.Reason.MERGED, merged_into=kept.slug)


def connect_signals():
    from .event import Event

    pre_save.connect(event_status_before, sender=Event, dispatch_uid="retired-event-before")
    post_save.connect(event_saved, sender=Event, dispatch_uid="retired-event-saved")
    post_delete.connect(event_deleted, sender=Event, dispatch_uid="retired-event-deleted")
    for model in (Person, Organization):
        pre_delete.connect(
            person_or_organization_deleting,
            sender=model,
            dispatch_uid=f"retired-deleting-{model.__name__}",
        )
        merged.connect(record_merged, sender=model, dispatch_uid=f"retired-merge-{model.__name__}")
