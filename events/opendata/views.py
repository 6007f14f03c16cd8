"""
Downloads of the published records: iCalendar, schema.org JSON-LD, Popolo JSON and CSV, and
the Data page that lists them. The formats are built in `events.exports`.
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView, View

from events.models import Event

from . import common, ical, jsonld, popolo, tables


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


class CalendarView(View):
    """Every published event as one .ics file, for calendar subscriptions."""

    def get(self, request):
        cal = ical.calendar(common.published_events(), name="Event Records")
        return HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")


class EventJsonLdView(View):
    def get(self, request, slug):
        event = get_object_or_404(common.published_events(), slug=slug)
        return json_response(jsonld.event_jsonld(event), "application/ld+json; charset=utf-8")


class PopoloView(View):
    def get(self, request):
        return json_response(popolo.popolo(), "application/json; charset=utf-8")


class CsvView(View):
    table = None

    def get(self, request):
        if self.table not in tables.CSV_TABLES:
            raise Http404
        response = HttpResponse(tables.csv_text(self.table), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.table}.csv"'
        return response


class DataView(TemplateView):
    template_name = "events/data.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["licence_name"] = settings.DATA_LICENCE_NAME
        context["licence_url"] = settings.DATA_LICENCE_URL
        context["csv_tables"] = tables.CSV_TABLES
        example = Event.objects.published().order_by("-published_at").first()
        context["example_event"] = example
        context["example_url"] = common.absolute_url(example.get_absolute_url()) if example else ""
        return context
