"""sitemap.xml: every public page, built from the published querysets so no draft is listed."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from events.models import Event, Presentation


class SiteSitemap(Sitemap):
    """Writes addresses on the public site address (DJANGO_SITE_URL), not on whatever host
    the request came in on. Every page is listed once per language, each entry with its
    alternates and the unprefixed x-default address that redirects by language."""

    i18n = True
    alternates = True
    x_default = True

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme


class PageSitemap(SiteSitemap):
    def items(self):
        return [
            "events:home",
            "events:list",
            "people:person_list",
            "people:organization_list",
            "events:data",
        ]

    def location(self, item):
        return reverse(item)


class EventSitemap(SiteSitemap):
    def items(self):
        return Event.objects.published().order_by("-start_date", "pk")

    def lastmod(self, event):
        return event.updated_at


class PresentationSitemap(SiteSitemap):
    def items(self):
        return Presentation.objects.published().select_related("event").order_by("event", "order")


class PersonSitemap(SiteSitemap):
    def items(self):
        return Event.objects.published().people().order_by("slug")


class OrganizationSitemap(SiteSitemap):
    def items(self):
        return Event.objects.published().organizations().order_by("slug")


sitemaps = {
    "pages": PageSitemap,
    "events": EventSitemap,
    "presentations": PresentationSitemap,
    "people": PersonSitemap,
    "organizations": OrganizationSitemap,
}
