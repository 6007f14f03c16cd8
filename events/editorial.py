"""The editorial workflow of the events admin: which records wait for review before a change
is public (people/editing/review.py does the reviewing), and the way from a presentation or a
role back to its event."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext

from people.editing.revisions import PendingRevision

from .models import Event

PUBLISH_PERMISSION = "events.publish_event"
RETURN_TO_EVENT = "_return_to_event"


def event_of(obj):
    return obj if hasattr(obj, "is_published") else getattr(obj, "event", None)


class ReviewedWithEventMixin:
    """A change by an editor who may not publish waits for review while its event (the
    record itself, or the event a presentation belongs to) is published."""

    publish_permission = PUBLISH_PERMISSION

    def is_public(self, obj):
        event = event_of(obj)
        return event is not None and event.is_published

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None or self.may_publish(request) or "event" not in form.base_fields:
            return form
        return type(form.__name__, (DraftEventsOnlyForm, form), {})


class DraftEventsOnlyForm:
    """A new presentation (or other row of an event) added on its own form by an editor who
    may not publish: readers would see it at once on a published event, without review."""

    def clean_event(self):
        event = self.cleaned_data.get("event")
        parent = getattr(super(), "clean_event", None)
        if parent is not None:
            event = parent()
        if event is not None and event.is_published:
            raise ValidationError(
                gettext(
                    "“%(event)s” is published, so what is added to it waits for review: add "
                    "this from the event's own form, or ask a publisher."
                )
                % {"event": event}
            )
        return event


class ReturnToEventMixin:
    """A record of an event (a presentation, a role): its form leads back to the event, by a
    breadcrumb and by “Save and return to the event”."""

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        event = event_of(obj) if obj is not None else None
        context["parent_event"] = event
        if event is not None:
            context["parent_event_url"] = reverse(
                "admin:events_event_change", args=[event.pk], current_app=self.admin_site.name
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def return_url(self, request, obj):
        if RETURN_TO_EVENT in request.POST and event_of(obj) is not None:
            return reverse(
                "admin:events_event_change",
                args=[event_of(obj).pk],
                current_app=self.admin_site.name,
            )
        return None

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        url = self.return_url(request, obj)
        if url and isinstance(response, HttpResponseRedirect):
            return HttpResponseRedirect(url)
        return response

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        url = self.return_url(request, obj)
        if url and isinstance(response, HttpResponseRedirect):
            return HttpResponseRedirect(url)
        return response

    def after_review_url(self, request, obj):
        return self.return_url(request, obj) or super().after_review_url(request, obj)


def published_message(events):
    """“1 event published.” linked to its public page; more, to the list of events."""
    count = len(events)
    text = ngettext("%(count)d event published.", "%(count)d events published.", count) % {
        "count": count
    }
    if count == 0:
        return text
    if count == 1:
        url, link = events[0].get_absolute_url(), gettext("Open its public page")
    else:
        url, link = reverse("events:list"), gettext("See them in the list of events")
    return format_html('{} <a href="{}">{}</a>', text, url, link)


def pending_review_count(events):
    """How many of these events have changes waiting for review."""
    content_type = ContentType.objects.get_for_model(Event)
    return (
        PendingRevision.objects.pending()
        .filter(content_type=content_type, object_id__in=events.values("pk"))
        .values("object_id")
        .distinct()
        .count()
    )


def pending_review_message(count):
    return ngettext(
        "%(count)d of them has changes pending review: the public page shows the published "
        "version until a publisher publishes them.",
        "%(count)d of them have changes pending review: their public pages show the published "
        "versions until a publisher publishes them.",
        count,
    ) % {"count": count}


class ReviewedWhereShownMixin:
    """A person, organization or source shown on a published event's page: a change by an
    editor who may not publish waits for review, as the event's own would."""

    publish_permission = PUBLISH_PERMISSION

    def is_public(self, obj):
        shown = self.shown_on(Event.objects.published())
        return self.model._base_manager.filter(shown, pk=obj.pk).exists()

    def shown_on(self, events):
        """A condition on this admin's model: the record is shown on these events' pages."""
        raise NotImplementedError


def sources_shown_on(events):
    """Sources of these events, or cited by one of their roles, presentations or parts."""
    from .models import EventOrganization, Presentation, Role

    cited = Exists(
        Event.sources.through.objects.filter(events.holds("event_id"), source=OuterRef("pk"))
    )
    for model in (Role, Presentation, EventOrganization):
        cited |= Exists(model.objects.filter(events.holds("event_id"), source=OuterRef("pk")))
    return cited
