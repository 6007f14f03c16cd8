from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from events.urls import api_patterns, data_patterns, people_patterns

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include(people_patterns)),
    path("", include(data_patterns)),
    path("", include(api_patterns)),
    path("", include("events.urls")),
]
