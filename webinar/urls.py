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
