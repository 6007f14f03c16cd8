"""The editorial workflow of the events admin: which records wait for review before a change
is public (people/editing/review.py does the reviewing), and the way from a presentation or a
role back to its event."""

from django.http import HttpResponseRedirect
from django.urls import reverse

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
