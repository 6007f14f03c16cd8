"""
Follow anything: an Atom feed and an iCalendar subscription of the events of one person,
organization, topic or series, or of any search and filter of the event list.

Each is the latest `settings.FEED_ITEMS` events by date (newest first), found with the one
filter definition (events/filters.py) over `Event.objects.published()`, so a draft cannot
reach a feed, and a subject known only from drafts answers 404. The number of queries is the
same at 10 or 100,000 events: one to find the subject, one for the bounded events, and the
calendar's fixed set of prefetches.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views import View

from events import filters
from events.models import Event, EventSeries

from . import common, ical


def visible_subjects(kind):
    """The records of this kind that the public may follow, and how each is named."""
    published = Event.objects.published()
    return {
        "person": published.people(),
        "organization": published.organizations(),
        "topic": published.topics_used(),
        "series": EventSeries.objects.published(),
    }[kind]


def subject_of(kind, slug):
    found = visible_subjects(kind).filter(slug=slug).first()
    if found is None:
        raise Http404("Nothing published to follow here.")
    return found


def subject_name(kind, subject):
    return subject.name


def subject_page(kind, subject):
    if kind == "topic":
        return reverse("events:list") + f"?topic={subject.slug}"
    return subject.get_absolute_url()


def latest(events):
    """The bounded list every feed and subscription serves: newest events first."""
    return events.order_by("-start_date", "-pk")[: settings.FEED_ITEMS]


def events_of(kind, slug, events=None):
    events = Event.objects.published() if events is None else events
    return latest(filters.filter_events(events, **{kind: slug}))


def search_filters(request):
    """The list's filters from the query string, checked as the API checks them; raises
    ValueError with the reason for a value no filter can take."""
    from .api import EventFilterSerializer

    serializer = EventFilterSerializer(data=request.GET)
    if not serializer.is_valid():
        raise ValueError(
            "; ".join(f"{name}: {' '.join(errors)}" for name, errors in serializer.errors.items())
        )
    found = dict(serializer.validated_data)
    for alias, name in filters.ALIASES.items():
        if alias in found:
            found.setdefault(name, found.pop(alias))
    return found


def search_title(found):
    if not found:
        return _("Event Records: latest events")
    shown = ", ".join(f"{name} “{value}”" for name, value in found.items())
    return _("Event Records: events matching %(filters)s") % {"filters": shown}


class EventsFeed(Feed):
    """The latest events of a subject, as Atom: newest by event date first."""

    feed_type = Atom1Feed

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return " ".join(
            part for part in [item.description, common.participant_sentence(item)] if part
        )

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at


class SubjectFeed(EventsFeed):
    def __init__(self, kind):
        super().__init__()
        self.kind = kind

    def get_object(self, request, slug):
        return subject_of(self.kind, slug)

    def title(self, subject):
        return _("Event Records: events of %(name)s") % {"name": subject_name(self.kind, subject)}

    def link(self, subject):
        return subject_page(self.kind, subject)

    def items(self, subject):
        return events_of(self.kind, subject.slug)


class SearchFeed(EventsFeed):
    """The latest events of a search and filter of the list. The filters travel as the
    feed's object, not on the instance, which every request shares."""

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except ValueError as error:
            return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")

    def get_object(self, request):
        return search_filters(request)

    def title(self, found):
        return search_title(found)

    def link(self):
        return reverse("events:list")

    def items(self, found):
        return latest(filters.filter_events(Event.objects.published(), **found))


def calendar_response(events, name):
    return HttpResponse(
        ical.calendar(events, name=name).to_ical(), content_type="text/calendar; charset=utf-8"
    )


class SubjectCalendarView(View):
    """The latest events of a subject as an iCalendar subscription."""

    kind = None

    def get(self, request, slug):
        subject = subject_of(self.kind, slug)
        events = events_of(self.kind, subject.slug, common.published_events())
        return calendar_response(events, f"Event Records: {subject_name(self.kind, subject)}")


class SearchCalendarView(View):
    def get(self, request):
        try:
            found = search_filters(request)
        except ValueError as error:
            return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
        events = latest(filters.filter_events(common.published_events(), **found))
        return calendar_response(events, search_title(found))


def webcal(url):
    """The same address for calendar applications that subscribe to webcal:// links."""
    return "webcal://" + url.split("://", 1)[-1]


def addresses(kind, slug):
    """Absolute addresses of a subject's feed and calendar, for the page's links."""
    feed = common.absolute_url(reverse(f"data:{kind}_feed", args=[slug]))
    calendar = common.absolute_url(reverse(f"data:{kind}_calendar", args=[slug]))
    return {
        "feed": feed,
        "calendar": calendar,
        "webcal": webcal(calendar),
        "count": settings.FEED_ITEMS,
    }


def search_addresses(query):
    """The same for a search and filter of the list (`query`: the GET parameters of a list
    whose filters were valid, so a topic in it is a published one); a list of one topic gets
    the topic's own feed."""
    if set(query) == {"topic"}:
        return addresses("topic", query["topic"])
    kept = query.copy()
    for name in list(kept):
        if name not in filters.NAMES and name not in filters.ALIASES:
            del kept[name]
    suffix = f"?{kept.urlencode()}" if kept else ""
    feed = common.absolute_url(reverse("data:search_feed")) + suffix
    calendar = common.absolute_url(reverse("data:search_calendar")) + suffix
    return {
        "feed": feed,
        "calendar": calendar,
        "webcal": webcal(calendar),
        "count": settings.FEED_ITEMS,
    }
