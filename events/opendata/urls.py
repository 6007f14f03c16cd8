"""Addresses of the open data: downloads (`data:`) and the read-only JSON API (`api:`), the same
in every language, so unprefixed."""

from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from . import api, facts, follow
from . import views as data_views
from .feeds import LatestEventsFeed
from .files import DOWNLOADS, DownloadView
from .reconciliation import views as reconciliation

# What can be followed, and the first part of its feed's address.
FOLLOWED = {
    "person": "people",
    "organization": "organizations",
    "topic": "topics",
    "series": "series",
}


def follow_patterns():
    for kind, prefix in FOLLOWED.items():
        yield path(
            f"{prefix}/<slug:slug>.atom",
            csrf_exempt(require_safe(follow.SubjectFeed(kind))),
            name=f"{kind}_feed",
        )
        yield path(
            f"{prefix}/<slug:slug>.ics",
            follow.SubjectCalendarView.as_view(kind=kind),
            name=f"{kind}_calendar",
        )
    yield path(
        "data/search.atom", csrf_exempt(require_safe(follow.SearchFeed())), name="search_feed"
    )
    yield path("data/search.ics", follow.SearchCalendarView.as_view(), name="search_calendar")


# Open data: downloads in standard formats, the Atom feed and the read-only JSON API. The
# downloads keep the `data:` namespace; the API's routes keep `api:` (see README, Open data).
data_patterns = (
    [
        # Whole-dataset downloads: built files (events/opendata/files.py).
        *(
            path(f"data/{download.filename}", DownloadView.as_view(name=name), name=name)
            for name, download in DOWNLOADS.items()
        ),
        # Dated dumps (events/opendata/dumps.py): the list, and each dump's files.
        path("data/dumps/", data_views.DumpListView.as_view(), name="dumps"),
        path(
            "data/dumps/<str:name>/<str:filename>",
            data_views.DumpFileView.as_view(),
            name="dump_file",
        ),
        # A feed is read-only: other methods get 405 like every other public page (no CSRF
        # check, which would answer 403 first).
        path("data/events.atom", csrf_exempt(require_safe(LatestEventsFeed())), name="feed"),
        path("events/<slug:slug>.ics", data_views.EventCalendarView.as_view(), name="event_ics"),
        # Follow anything: the latest events of a person, organization, topic, series or
        # search, as Atom and as an iCalendar subscription (events/opendata/follow.py).
        *follow_patterns(),
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

# The Reconciliation Service API 0.2 (OpenRefine and other tools): `reconciliation:`.
reconciliation_patterns = (
    [
        path("reconcile/", reconciliation.ServiceView.as_view(), name="service"),
        path(
            "reconcile/suggest/entity/",
            reconciliation.SuggestEntityView.as_view(),
            name="suggest_entity",
        ),
        path(
            "reconcile/suggest/type/", reconciliation.SuggestTypeView.as_view(), name="suggest_type"
        ),
        path(
            "reconcile/suggest/property/",
            reconciliation.SuggestPropertyView.as_view(),
            name="suggest_property",
        ),
        path(
            "reconcile/propose_properties/",
            reconciliation.ProposePropertiesView.as_view(),
            name="propose_properties",
        ),
        path("reconcile/preview/", reconciliation.preview, name="preview"),
        path("reconcile/view/<str:entity_id>/", reconciliation.view, name="view"),
    ],
    "reconciliation",
)
