from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.decorators.http import require_safe
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
    # Public site: crawlers and browsers. Read-only, like every public page: other methods 405.
    path("sitemap.xml", require_safe(sitemap), {"sitemaps": sitemaps}, name="sitemap"),
    path(
        "robots.txt",
        require_safe(TemplateView.as_view(template_name="robots.txt", content_type="text/plain")),
        name="robots",
    ),
    path("favicon.ico", require_safe(FaviconView.as_view()), name="favicon"),
]

# Development only: uploads served by Django, with nosniff and a sandboxing CSP. In
# production the web server serves MEDIA_ROOT and must send the same headers (README).
if settings.DEBUG and settings.MEDIA_URL.startswith("/"):
    import re

    from django.urls import re_path

    from webinar.security import serve_media

    urlpatterns += [
        re_path(
            r"^" + re.escape(settings.MEDIA_URL.lstrip("/")) + r"(?P<path>.*)$",
            serve_media,
            {"document_root": settings.MEDIA_ROOT},
        ),
    ]
