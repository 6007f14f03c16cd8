"""
One record's downloads (iCalendar, schema.org JSON-LD) and the Data page that lists every
format, and the dated dumps. The whole-dataset downloads are built files: `files.py`.
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView, View

from events.models import Event

from . import common, dumps, files, ical, jsonld, tables


def json_response(data, content_type):
    return JsonResponse(
        data,
        encoder=DjangoJSONEncoder,
        content_type=content_type,
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )


class EventCalendarView(View):
    """One event as an .ics file."""

    def get(self, request, slug):
        event = get_object_or_404(common.published_events(), slug=slug)
        response = HttpResponse(
            ical.calendar([event]).to_ical(), content_type="text/calendar; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
        return response


class EventJsonLdView(View):
    def get(self, request, slug):
        event = get_object_or_404(common.published_events(), slug=slug)
        return json_response(jsonld.event_jsonld(event), "application/ld+json; charset=utf-8")


class DataView(TemplateView):
    template_name = "events/data.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["licence_name"] = settings.DATA_LICENCE_NAME
        context["licence_url"] = settings.DATA_LICENCE_URL
        context["csv_tables"] = tables.CSV_TABLES
        names = dumps.dump_names()
        context["latest_dump"] = names[0] if names else None
        context["site_url"] = settings.SITE_URL
        example = Event.objects.published().order_by("-published_at").first()
        context["example_event"] = example
        context["example_url"] = common.absolute_url(example.get_absolute_url()) if example else ""
        return context


class DumpListView(View):
    """/data/dumps/: the dated dumps, newest first, as JSON."""

    def get(self, request):
        return json_response({"dumps": dumps.listing()}, "application/json; charset=utf-8")


class DumpFileView(View):
    """One file of one dump: datapackage.json, a CSV table or the Popolo JSON."""

    def get(self, request, name, filename):
        content_types = {
            download.filename: download.content_type for download in files.DOWNLOADS.values()
        }
        content_types[dumps.DESCRIPTOR] = "application/json; charset=utf-8"
        if not dumps.NAME.match(name) or filename not in content_types:
            raise Http404
        try:
            return files.file_response(
                request, dumps.directory() / name / filename, content_types[filename]
            )
        except FileNotFoundError as error:
            raise Http404 from error
