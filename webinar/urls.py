from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from events.urls import people_patterns

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include(people_patterns)),
    path("", include("events.urls")),
]
