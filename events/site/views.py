"""The public pages of the records: home, the event list, an event, a presentation."""

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import get_language
from django.views.generic import DetailView, ListView, RedirectView, TemplateView

from events.cache import cards, fragments, keys, renderings
from events.cache.counts import filter_choices_name
from events.cache.counts import shown as shown_counts
from events.cache.generation import (
    cache,
    clock,
    generation,
    remember,
    retired_since,
    unchanged_since,
)
from events.cache.pages import PublicPageMixin
from events.models import Event, EventSeries, Presentation, shapes
from events.models.versions import latest_record, rebuilt
from events.opendata import citation, citing, jsonld
from events.opendata.jsonld import event_script
from events.site import versions
from people.slugs import former_slug_target

from .forms import EventFilterForm
from .paginators import KnownCountPaginator, RankedPaginator
from .redirects import FollowsFormerSlugs


def public_counts():
    """How many events, people and organizations the public sees: on the home page, and
    each atop its own list. Counting them is a scan of every published record, so they are
    kept in the database and counted again by a task after a change (events/cache/counts.py),
    and remembered until the next record change."""
    counts = remember("public-counts", lambda: shown_counts(["events", "people", "organizations"]))
    return {
        "event_count": counts["events"],
        "person_count": counts["people"],
        "organization_count": counts["organizations"],
    }


def public_count(name):
    """One of the kept public figures (a list's total, or the event list's filter options):
    a list needs only its own."""
    return remember(f"{name}-count", lambda: shown_counts([name]))[name]


def event_count():
    return public_count("events")


def person_count():
    return public_count("people")


def organization_count():
    return public_count("organizations")


class HomeView(PublicPageMixin, TemplateView):
    template_name = "events/home.html"
    latest_count = 5

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        published = Event.objects.published()
        context.update(public_counts())
        language = get_language()
        context["latest_events"] = cards.shown(
            published.with_card(language)[: self.latest_count], language
        )
        return context


class EventListView(PublicPageMixin, ListView):
    template_name = "events/event_list.html"
    context_object_name = "events"
    paginate_by = settings.EVENTS_PER_PAGE

    def get_queryset(self):
        published = Event.objects.published()
        self.filter_choices = dict(public_count(filter_choices_name(get_language())))
        self.kept_counts = self.filter_choices.pop("counts", {})
        self.form = EventFilterForm(
            self.request.GET or None,
            **self.filter_choices,
            find_organization=lambda slug: getattr(
                published.participating_organization(slug), "label_with_parent", None
            ),
        )
        if self.form.is_bound and not self.form.is_valid():
            return published.none()
        if self.form.is_bound:
            published = self.form.filter(published)
        return published

    def get_paginator(self, queryset, per_page, **kwargs):
        language = get_language()
        if self.form.is_bound and self.form.is_valid() and self.form.cleaned_data.get("q"):
            return RankedPaginator(
                queryset,
                per_page,
                rows=lambda pks: Event.objects.published().filter(pk__in=pks).with_card(language),
                **kwargs,
            )
        queryset = queryset.with_card(language)
        if not self.form.is_bound or (
            self.form.is_valid() and not any(self.form.cleaned_data.values())
        ):
            # Every published event (any page of it): the home page's total, remembered.
            return KnownCountPaginator(queryset, per_page, count=event_count(), **kwargs)
        count = self.kept_count()
        if count is not None:
            return KnownCountPaginator(queryset, per_page, count=count, **kwargs)
        return super().get_paginator(queryset, per_page, **kwargs)

    def kept_count(self):
        """The kept number of events of a list narrowed by one filter (year, kind, mode,
        topic or series), if it is one: counting them is a scan at 100,000 events."""
        if not self.form.is_bound or not self.form.is_valid():
            return None
        applied = [(name, value) for name, value in self.form.cleaned_data.items() if value]
        if len(applied) != 1 or applied[0][0] not in self.kept_counts:
            return None
        name, value = applied[0]
        return self.kept_counts[name].get(str(value), 0)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["events"] = cards.shown(context["events"], get_language())
        context["form"] = self.form
        context["applied_filters"] = self.form.applied()
        return context

    def render_to_response(self, context, **response_kwargs):
        if self.form.errors:
            response_kwargs["status"] = 400
        return super().render_to_response(context, **response_kwargs)


class EventDetailView(citing.SignpostingMixin, PublicPageMixin, FollowsFormerSlugs, DetailView):
    template_name = "events/event_detail.html"
    context_object_name = "event"

    def get_queryset(self):
        # What the page's head and its kept rendering need: the cold read of a page whose
        # rendering is kept is this one light query (a third of the CPU of the page with
        # the series and change summary joined in). A render reads the rest (shown).
        return Event.objects.visible_to(self.request.user).with_rendering(get_language())

    def get_object(self, queryset=None):
        # Before the event's row is read: see get_context_data.
        self.generation_before = generation()
        self.clock_before = clock()
        return super().get_object(queryset)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.object
        if not event.is_published:
            # A staff preview of a draft: never kept.
            context.update(self.render_fragments(event, timezone.localdate()))
            return context
        if not fragments.uses_fragments(event):
            context.update(self.stored_or_rendered(event))
            return context
        # By day too: the Cite section's "accessed" is the reader's today.
        key = f"{fragments.fragments_key(event, get_language())}:{timezone.localdate()}"
        parts = cache().get(key)
        if parts is None:
            parts = self.stored_or_rendered(event)
            # The row was read before the content version: parts rendered from a row that a
            # change committed meanwhile replaced would be kept under the new version. (A
            # change retires the event's page key before its content version.)
            if unchanged_since(self.generation_before) and not retired_since(
                self.page_keys(), self.clock_before
            ):
                cache().set(key, parts, settings.PUBLIC_DATA_CACHE_SECONDS)
        context.update(parts)
        return context

    def stored_or_rendered(self, event):
        """The parts kept in the database for today (events/cache/renderings.py), or
        rendered now and kept."""
        day = timezone.localdate()
        parts = renderings.stored(event, day)
        if parts is None:
            parts = self.render_fragments(event, day)
            renderings.store(event, get_language(), day, parts)
        return parts

    @staticmethod
    def shown(event):
        """The event with everything its body shows, read again for a render: the rendering
        is stored with the version read with the first row (renderings.store), so a write
        between the two reads keeps this render from being stored."""
        event = Event.objects.select_related("series").with_change_summary().get(pk=event.pk)
        prefetch_related_objects([event], *shapes.everything_shown())
        return event

    def render_fragments(self, event, day):
        event = self.shown(event)
        roles = event.roles.all()
        speakers = {
            speaker.pk
            for presentation in event.presentations.all()
            for speaker in presentation.speakers.all()
        }
        cite = self.cite(event, day)
        body_context = {
            "event": event,
            # Evidence for the event's own facts, looked up by fact in the template.
            "link_sources": True,
            "evidence": {citation.fact: citation for citation in event.citations.all()},
            "named_count": len({role.person_id for role in roles} | speakers),
            "hosts": event.organizing_participations(),
            "partners": event.other_participations(),
            "cite": cite,
            "changes": versions.change_summary(event) if event.is_published else None,
        }
        return {
            "body": render_to_string("events/event_body.html", body_context, self.request),
            "structured_data": event_script(event),
            "citation_meta": (
                render_to_string("includes/citation_meta.html", {"cite": cite}) if cite else ""
            ),
        }

    @staticmethod
    def cite(event, day):
        if not event.is_published:
            return None
        return citation.cite_context(
            citation.event_item(event), get_language(), citing.download_urls(event), day
        )

    def signposted(self):
        return self.object, None

    def page_keys(self):
        return {keys.event_key(self.object.pk)}


class PresentationDetailView(
    citing.SignpostingMixin, PublicPageMixin, FollowsFormerSlugs, DetailView
):
    template_name = "events/presentation_detail.html"
    context_object_name = "presentation"

    def get_object(self, queryset=None):
        events = Event.objects.visible_to(self.request.user)
        return get_object_or_404(
            Presentation.objects.filter(event__in=events)
            .select_related("event", "source")
            # The chair and organizers the citation names, from the record's latest version.
            .annotate(event_record=latest_record("event"))
            .prefetch_related("speakers", "key_points__source"),
            event__slug=self.kwargs["event_slug"],
            slug=self.kwargs["slug"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        presentation, event = self.object, self.object.event
        if event.is_published:
            if presentation.event_record is not None:
                cited_event = rebuilt(presentation.event_record)
            else:
                # Published before versions were kept, unchanged since.
                cited_event = event
                prefetch_related_objects([event], *shapes.cited())
            context["cite"] = citation.cite_context(
                citation.presentation_item(presentation, cited_event),
                get_language(),
                citing.download_urls(event, presentation),
            )
        return context

    def signposted(self):
        return self.object.event, self.object

    def page_keys(self):
        return {keys.event_key(self.object.event_id)}

    def record_by_former_slug(self):
        """The presentation by its event's slug or a former one, then by its own slug or a
        former one within that event."""
        event_slug, slug = self.kwargs["event_slug"], self.kwargs["slug"]
        event_id = Event.objects.filter(slug=event_slug).values_list("pk", flat=True).first()
        if event_id is None:
            event_id = former_slug_target(Event, event_slug)
        if event_id is None:
            return None
        events = Event.objects.visible_to(self.request.user)
        presentations = Presentation.objects.filter(event__in=events, event_id=event_id)
        pk = former_slug_target(Presentation, slug, scope=event_id)
        if pk is not None:
            return presentations.filter(pk=pk).first()
        return presentations.filter(slug=slug).first()


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico whatever the page says; send them to the static file."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static("favicon.ico")


class SeriesDetailView(PublicPageMixin, ListView):
    """A series and its published events, in the order they took place."""

    template_name = "events/series_detail.html"
    context_object_name = "events"
    paginate_by = settings.EVENTS_PER_PAGE

    def get_queryset(self):
        self.series = get_object_or_404(
            EventSeries.objects.published().select_related("organizer"), slug=self.kwargs["slug"]
        )
        return (
            Event.objects.published()
            .filter(series=self.series)
            .order_by("start_date", "pk")
            .with_card(get_language())
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["events"] = cards.shown(context["events"], get_language())
        context["series"] = self.series
        context["structured_data"] = jsonld.as_script(
            jsonld.series_jsonld(self.series, context["events"])
        )
        return context
