"""Addresses of the open data: downloads (`data:`) and the read-only JSON API (`api:`), the same
in every language, so unprefixed."""

from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from . import api, facts
from . import views as data_views
from .feeds import LatestEventsFeed

# Open data: downloads in standard formats, the Atom feed and the read-only JSON API. The
# downloads keep the `data:` namespace; the API's routes keep `api:` (see README, Open data).
data_patterns = (
    [
        path("data/events.ics", data_views.CalendarView.as_view(), name="calendar"),
        path("data/popolo.json", data_views.PopoloView.as_view(), name="popolo"),
        path("data/events.csv", data_views.CsvView.as_view(table="events"), name="events_csv"),
        path("data/people.csv", data_views.CsvView.as_view(table="people"), name="people_csv"),
        path(
            "data/organizations.csv",
            data_views.CsvView.as_view(table="organizations"),
            name="organizations_csv",
        ),
        path("data/roles.csv", data_views.CsvView.as_view(table="roles"), name="roles_csv"),
        # A feed is read-only: other methods get 405 like every other public page (no CSRF
        # check, which would answer 403 first).
        path("data/events.atom", csrf_exempt(require_safe(LatestEventsFeed())), name="feed"),
        path("events/<slug:slug>.ics", data_views.EventCalendarView.as_view(), name="event_ics"),
        path(
            "events/<slug:slug>.jsonld",
            data_views.EventJsonLdView.as_view(),
            name="event_jsonld",
        ),
    ],
    "data",
)

api_router = DefaultRouter(trailing_slash=True)
api_router.include_root_view = False
api_router.register("events", api.EventViewSet, basename="event")
api_router.register("people", api.PersonViewSet, basename="person")
api_router.register("organizations", api.OrganizationViewSet, basename="organization")

api_patterns = (
    [
        path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
        path(
            "api/presentations/",
            api.PresentationViewSet.as_view({"get": "list"}),
            name="presentation-list",
        ),
        path(
            "api/presentations/<slug:event_slug>/<slug:slug>/",
            api.PresentationViewSet.as_view({"get": "retrieve"}),
            name="presentation-detail",
        ),
        path(
            "api/events/<slug:slug>/facts/",
            facts.EventFactListView.as_view(),
            name="event-facts",
        ),
        path(
            "api/events/<slug:slug>/facts/<slug:anchor>/",
            facts.EventFactView.as_view(),
            name="event-fact",
        ),
        path("api/", include(api_router.urls)),
    ],
    "api",
)
