from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import formats
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from events.models import Event, PublishedVersion

from . import common


class LatestEventsFeed(Feed):
    """Records as they are published, newest first (by publication, not by event date)."""

    feed_type = Atom1Feed
    title = _("Event Records: newly published events")
    subtitle = _("Public records of events, each fact with its source.")

    def link(self):
        return reverse("events:list")

    def items(self):
        events = list(
            Event.objects.published().order_by("-published_at", "-pk")[: settings.FEED_ITEMS]
        )
        # Corrections are announced in their record's entry (one query for the whole feed);
        # the entry's updated date moves with them, so feed readers show it again.
        corrections = {}
        for event_id, date, note in (
            PublishedVersion.objects.filter(
                event__in=[event.pk for event in events], is_correction=True, number__gt=1
            )
            .order_by("number")
            .values_list("event_id", "published_at", "public_note")
        ):
            corrections[event_id] = (date, note)
        for event in events:
            event.correction = corrections.get(event.pk)
        return events

    def item_title(self, item):
        if item.correction:
            return _("Corrected: %(title)s") % {"title": item.title}
        return item.title

    def item_description(self, item):
        text = common.description_with_count(item, separator=" ")
        if item.correction:
            date, note = item.correction
            announcement = _("Correction of %(day)s.") % {
                "day": formats.date_format(date, "DATE_FORMAT")
            }
            return " ".join(part for part in [announcement, note, text] if part)
        return text

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        if item.correction:
            return max(item.updated_at, item.correction[0])
        return item.updated_at
