from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.generic import TemplateView

from events.sitemaps import sitemaps
from events.urls import api_patterns, data_patterns, people_patterns
from events.views import FaviconView

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include(people_patterns)),
    path("", include(data_patterns)),
    path("", include(api_patterns)),
    path("", include("events.urls")),
    # Public site: crawlers and browsers.
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
]
