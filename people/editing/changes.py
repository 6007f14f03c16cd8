"""
What each save changed: one entry per save of a record in the admin, listing every field that
changed on the record and on each of its inline rows (added, changed or deleted), old value
beside new, with who and when.

simple-history keeps a version of every row of every table, which restores a row but does not
say what one save did: an event's save writes versions of the event and of each role,
presentation and citation separately, and the event's own history then shows only the event's
fields. Here the admin takes a snapshot of the record and its inline rows before and after
the save and keeps the difference, so the record's history reads as its editors worked.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

# How much of a long value the list of saves shows; the detail page shows all of it.
SHORT_VALUE = 160


class RecordChangeQuerySet(models.QuerySet):
    def of(self, record):
        return self.filter(
            content_type=ContentType.objects.get_for_model(record), object_id=record.pk
        ).select_related("user")


class RecordChange(models.Model):
    """One save of a record (with its inline rows) and the fields it changed."""

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("kind of record"), on_delete=models.CASCADE
    )
    object_id = models.PositiveBigIntegerField(_("record"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed"), default=timezone.now, db_index=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    # [{"row": "Role: Ada Lovelace — Chair", "field": "title at the time", "action":
    #   "changed", "old": "…", "new": "…"}, …]
    changes = models.JSONField(_("changes"), default=list)

    objects = RecordChangeQuerySet.as_manager()

    class Meta:
        app_label = "people"
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("record change")
        verbose_name_plural = _("record changes")
        indexes = [models.Index(fields=["content_type", "object_id", "-changed_at"])]

    def __str__(self):
        return f"{self.summary or self.pk} ({self.changed_at:%Y-%m-%d %H:%M})"

    @property
    def short_changes(self):
        """The changes with long values cut, for the list of saves."""
        return [
            {**change, "old": shorten(change["old"]), "new": shorten(change["new"])}
            for change in self.changes
        ]

    @property
    def truncated(self):
        return any(
            len(change["old"]) > SHORT_VALUE or len(change["new"]) > SHORT_VALUE
            for change in self.changes
        )


def shorten(text):
    if len(text) <= SHORT_VALUE:
        return text
    return text[:SHORT_VALUE].rsplit(" ", 1)[0] + " …"


def display_value(instance, field):
    """A field's value as an editor reads it: labels of choices, names of linked records."""
    if field.many_to_many:
        if instance.pk is None:
            return ""
        return ", ".join(sorted(str(related) for related in getattr(instance, field.name).all()))
    if field.is_relation:
        related = getattr(instance, field.name)
        return "" if related is None else str(related)
    value = getattr(instance, field.attname)
    if field.choices and value not in (None, ""):
        return str(getattr(instance, f"get_{field.name}_display")())
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if value is None:
        return ""
    if hasattr(value, "name") and isinstance(field, models.FileField):
        return value.name or ""
    return str(value)


def row_snapshot(instance, field_names):
    """{field name: (label, shown value)} of the given fields of one row."""
    opts = instance._meta
    shot = {}
    for name in field_names:
        try:
            field = opts.get_field(name)
        except FieldDoesNotExist:  # a form-only field (the version seen), nothing stored
            continue
        if not getattr(field, "editable", False) and not field.many_to_many:
            continue
        shot[name] = (str(capfirst(field.verbose_name)), display_value(instance, field))
    return shot


def related_names(model, field_names, many):
    """Which of the fields are links to other records (foreign keys, or many-to-many)."""
    found = []
    for name in field_names:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if field.is_relation and field.many_to_many == many and not field.auto_created:
            found.append(name)
    return found


def snapshot(record, field_names, inlines):
    """The record and its inline rows: {(label of the kind, pk): (row label, {field: …})}.

    `inlines` is a list of (model, foreign key name, field names)."""
    rows = {("", record.pk): ("", row_snapshot(record, field_names))}
    for model, fk_name, names in inlines:
        kind = str(capfirst(model._meta.verbose_name))
        stored = (
            model._base_manager.filter(**{fk_name: record.pk})
            .select_related(fk_name, *related_names(model, names, many=False))
            .prefetch_related(*related_names(model, names, many=True))
            .order_by("pk")
        )
        for row in stored:
            rows[(kind, row.pk)] = (f"{kind}: {row}", row_snapshot(row, names))
    return rows


def differences(before, after):
    """Every field that differs between two snapshots, rows added and deleted included, in
    the order of the form: the record first, then each inline's rows."""
    changes = []
    for key in [*before, *(key for key in after if key not in before)]:
        old_label, old_fields = before.get(key, ("", {}))
        new_label, new_fields = after.get(key, ("", {}))
        action = "added" if key not in before else "deleted" if key not in after else "changed"
        for name in [*new_fields, *(name for name in old_fields if name not in new_fields)]:
            label, old = old_fields.get(name, (None, ""))
            label, new = new_fields.get(name, (label, ""))
            if old != new:
                changes.append(
                    {
                        "row": new_label or old_label,
                        "field": label,
                        "action": action,
                        "old": old,
                        "new": new,
                    }
                )
    return changes


def record_field_change(record, user, field_name, old, new, summary=""):
    """Keep a change of one field made outside a form (a bulk action)."""
    label = str(capfirst(record._meta.get_field(field_name).verbose_name))
    before = {("", record.pk): ("", {field_name: (label, old)})}
    after = {("", record.pk): ("", {field_name: (label, new)})}
    return record_change(record, user, before, after, summary)


def record_change(record, user, before, after, summary=""):
    """Keep what one save changed; nothing is kept for a save that changed nothing."""
    changes = differences(before, after)
    if not changes:
        return None
    return RecordChange.objects.create(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        user=user if user is not None and user.is_authenticated else None,
        summary=summary,
        changes=changes,
    )
