from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe
from django.views.generic import TemplateView
from django.views.i18n import set_language

from events.opendata.urls import api_patterns, data_patterns, reconciliation_patterns
from events.site.sitemaps import index as sitemap_index
from events.site.sitemaps import sitemaps
from events.site.urls import people_patterns
from events.site.views import FaviconView
from webinar import outages


def read_only(view):
    return csrf_exempt(require_safe(view))


# A database that does not answer gets a 503 with Retry-After, not the generic 500 page.
handler500 = "webinar.outages.server_error"

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    # For load balancers (README, "Faults"): never cached, never redirected to https.
    path("health/live/", outages.liveness, name="health_live"),
    path("health/ready/", outages.readiness, name="health_ready"),
    path("", include(data_patterns)),
    path("", include(api_patterns)),
    # The Reconciliation Service API (OpenRefine and other tools): JSON, unprefixed.
    path("", include(reconciliation_patterns)),
    # Public site: crawlers and browsers. Read-only, like every public page: other methods 405
    # (csrf_exempt so that the CSRF check does not answer 403 first; they never accept a form).
    # An index of parts of at most 10,000 URLs each (the protocol allows 50,000 and 50 MB).
    path("sitemap.xml", read_only(sitemap_index), name="sitemap"),
    path(
        "sitemap-<section>.xml",
        read_only(sitemap),
        {"sitemaps": sitemaps},
        name="sitemap_section",
    ),
    path(
        "robots.txt",
        read_only(TemplateView.as_view(template_name="robots.txt", content_type="text/plain")),
        name="robots",
    ),
    path("favicon.ico", read_only(FaviconView.as_view()), name="favicon"),
]

# --- Languages (README, "Languages") ---------------------------------------------------------
# Pages to read live under /en/ and /zh-hans/; "/" and any unprefixed page address redirect
# by the language cookie, then Accept-Language. Files, the API, the admin, sitemap.xml and
# robots.txt stay unprefixed: they are the same in every language.
urlpatterns += i18n_patterns(
    path("", include(people_patterns)),
    path("", include("events.site.urls")),
)
# The switcher's form posts here and is redirected to the same page in the chosen language,
# with the choice kept in the language cookie. No CSRF token: choosing a language is harmless
# to forge, and a token would give every public page a cookie and make it uncacheable.
urlpatterns += [
    path("i18n/setlang/", require_POST(csrf_exempt(set_language)), name="set_language"),
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
