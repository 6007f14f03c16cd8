"""
No dead ends: an address that once showed a public record answers for it after the record
went away, the way django.contrib.redirects answers for moved pages: only when the view has
already answered 404, so every other request costs nothing.

- An event that was published and then unpublished or deleted answers `410 Gone` at every
  address of it and of its presentations (page, JSON-LD, calendar, citations, API), with a
  short page or document saying so and since when. Nothing else of the record is shown: it
  is not public any more.
- A person or organization that was public (named in a published record, or in a version of
  one) and was then deleted answers `410 Gone` at its page, API, feed and calendar addresses.
- A person or organization merged into another answers `301` to the same address of the
  record that was kept.
"""

from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext

from events.models import RetiredRecord

# URL name -> (kind of record, the URL argument that names it). Presentations' addresses are
# named by their event's slug.
RECORD_ADDRESSES = {
    "events:detail": ("event", "slug"),
    "events:presentation": ("event", "event_slug"),
    "data:event_ics": ("event", "slug"),
    "data:event_jsonld": ("event", "slug"),
    "api:event-detail": ("event", "slug"),
    "api:event-facts": ("event", "slug"),
    "api:event-fact": ("event", "slug"),
    "api:presentation-detail": ("event", "event_slug"),
    "people:person": ("person", "slug"),
    "api:person-detail": ("person", "slug"),
    "people:organization": ("organization", "slug"),
    "api:organization-detail": ("organization", "slug"),
    "data:person_feed": ("person", "slug"),
    "data:person_calendar": ("person", "slug"),
    "data:organization_feed": ("organization", "slug"),
    "data:organization_calendar": ("organization", "slug"),
}
for _format in ("csl", "bibtex", "ris"):
    RECORD_ADDRESSES[f"events:event_cite_{_format}"] = ("event", "slug")
    RECORD_ADDRESSES[f"events:presentation_cite_{_format}"] = ("event", "event_slug")


def retired_address(path):
    """(URL match, retired record) for a record address whose record is retired, else None."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    address = RECORD_ADDRESSES.get(match.view_name)
    if address is None:
        return None
    kind, argument = address
    record = RetiredRecord.objects.filter(kind=kind, slug=match.kwargs.get(argument)).first()
    if record is None:
        return None
    return match, record


def gone_message(record):
    day = formats.date_format(timezone.localtime(record.retired_at), "DATE_FORMAT")
    if record.reason == RetiredRecord.Reason.DELETED:
        return gettext("This record was deleted on %(day)s.") % {"day": day}
    return gettext("This record was withdrawn from publication on %(day)s.") % {"day": day}


def gone_response(request, match, record):
    message = gone_message(record)
    since = record.retired_at.isoformat()
    if match.namespace == "api" or match.view_name == "data:event_jsonld":
        return JsonResponse({"detail": message, "gone_since": since}, status=410)
    if match.view_name.endswith(("_ics", "_feed", "_calendar")) or match.view_name.startswith(
        ("events:event_cite_", "events:presentation_cite_")
    ):
        return HttpResponse(message + "\n", status=410, content_type="text/plain; charset=utf-8")
    page = render_to_string(
        "gone.html", {"message": message, "retired_at": record.retired_at}, request
    )
    return HttpResponse(page, status=410)


def merged_response(request, match, record):
    kwargs = {**match.kwargs, "slug": record.merged_into}
    url = reverse(match.view_name, kwargs=kwargs)
    if request.META.get("QUERY_STRING"):
        url += "?" + request.META["QUERY_STRING"]
    return HttpResponsePermanentRedirect(url)


class RetiredRecordMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        found = retired_address(request.path_info)
        if found is None:
            return response
        match, record = found
        if record.is_merge:
            return merged_response(request, match, record)
        return gone_response(request, match, record)
