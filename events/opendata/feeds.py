from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from events.models import Event

from . import common


class LatestEventsFeed(Feed):
    """Records as they are published, newest first (by publication, not by event date)."""

    feed_type = Atom1Feed
    title = _("Event Records: newly published events")
    subtitle = _("Public records of events, each fact with its source.")

    def link(self):
        return reverse("events:list")

    def items(self):
        return Event.objects.published().order_by("-published_at", "-pk")[: settings.FEED_ITEMS]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return common.description_with_count(item, separator=" ")

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at
