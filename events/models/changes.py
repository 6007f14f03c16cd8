"""What an editor tells readers about one change of an event: a public note and whether it
corrects an error. Kept on the event's history row of that change (not on the event, which
would carry the note on to the next change)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.signals import pre_create_historical_record


class PublicChangeNote(models.Model):
    public_note = models.CharField(
        _("public note on this change"),
        max_length=300,
        blank=True,
        help_text=_("Shown to readers on the changes page, e.g. “Corrected Zongyao Zhu's title”."),
    )
    is_correction = models.BooleanField(
        _("this change corrects an error"),
        default=False,
        help_text=_("Announced on the record page, its changes page and the Atom feed."),
    )

    class Meta:
        abstract = True


def copy_public_note(sender, instance, history_instance, **kwargs):
    """The note and flag the admin form put on the event for this save (never stored on it)."""
    if hasattr(history_instance, "public_note"):
        history_instance.public_note = getattr(instance, "_public_note", "")
        history_instance.is_correction = getattr(instance, "_is_correction", False)


def connect_signals():
    pre_create_historical_record.connect(copy_public_note, dispatch_uid="event-public-note")
