from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("events/", views.EventListView.as_view(), name="list"),
    path("events/<slug:slug>/", views.EventDetailView.as_view(), name="detail"),
    path(
        "events/<slug:event_slug>/<slug:slug>/",
        views.PresentationDetailView.as_view(),
        name="presentation",
    ),
]

# People and organizations are defined by the people app, but their public pages show what
# they did at events, so the views live here; the URL names keep the `people:` namespace.
people_patterns = (
    [
        path("people/", views.PersonListView.as_view(), name="person_list"),
        path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person"),
        path("organizations/", views.OrganizationListView.as_view(), name="organization_list"),
        path(
            "organizations/<slug:slug>/",
            views.OrganizationDetailView.as_view(),
            name="organization",
        ),
    ],
    "people",
)
