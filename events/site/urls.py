"""Addresses of the public pages to read, mounted under each language prefix."""

from django.urls import path

from events.opendata import views as data_views
from events.opendata.citing import FORMATS, CitationDownloadView

from . import people, versions, views

app_name = "events"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("events/", views.EventListView.as_view(), name="list"),
    path("events/<slug:slug>/", views.EventDetailView.as_view(), name="detail"),
    # Before the presentation pattern, which "versions" would otherwise match as a slug.
    path(
        "events/<slug:slug>/versions/",
        versions.EventChangesView.as_view(),
        name="event_changes",
    ),
    path(
        "events/<slug:slug>/versions/<int:number>/",
        versions.EventVersionView.as_view(),
        name="event_version",
    ),
    path(
        "events/<slug:event_slug>/<slug:slug>/",
        views.PresentationDetailView.as_view(),
        name="presentation",
    ),
    # The Data page is a page to read, in the reader's language; the files it lists are not,
    # so they stay in the unprefixed `data:` namespace below.
    path("series/<slug:slug>/", views.SeriesDetailView.as_view(), name="series"),
    path("data/", data_views.DataView.as_view(), name="data"),
]

# Citations of a record, in the language of the page they cite (README, "Citing records").
for _format, (_media_type, _extension) in FORMATS.items():
    urlpatterns += [
        path(
            f"events/<slug:slug>/cite.{_extension}",
            CitationDownloadView.as_view(format=_format),
            name=f"event_cite_{_format}",
        ),
        path(
            f"events/<slug:event_slug>/<slug:slug>/cite.{_extension}",
            CitationDownloadView.as_view(format=_format),
            name=f"presentation_cite_{_format}",
        ),
    ]

# People and organizations are defined by the people app, but their public pages show what
# they did at events, so the views live here (site/people.py); the URL names keep the
# `people:` namespace.
people_patterns = (
    [
        path("people/", people.PersonListView.as_view(), name="person_list"),
        path("people/<slug:slug>/", people.PersonDetailView.as_view(), name="person"),
        path("organizations/", people.OrganizationListView.as_view(), name="organization_list"),
        path(
            "organizations/<slug:slug>/",
            people.OrganizationDetailView.as_view(),
            name="organization",
        ),
    ],
    "people",
)
