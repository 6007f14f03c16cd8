"""sitemap.xml: a sitemap index whose parts list every public page, built from the published
querysets so no draft is listed.

The sitemap protocol allows 50,000 URLs and 50 MB per file; each part holds at most
`SiteSitemap.limit` URLs (every language's address counts as one), read from the database a
page at a time, and every URL has its `lastmod` and language alternates.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem, x_robots_tag
from django.db.models import Max
from django.template.response import TemplateResponse
from django.urls import reverse

from events.models import Event, Presentation
from events.site.views import public_count


class LanguagePairs:
    """(item, language) for each item of a queryset and each language, as the sitemaps
    framework pages them, without reading more of the queryset than the page asked for."""

    def __init__(self, queryset, languages, known_count=None):
        self.queryset, self.languages = queryset, languages
        self.known_count = known_count

    def count(self):
        if self.known_count is not None:
            return self.known_count * len(self.languages)
        return self.queryset.count() * len(self.languages)

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        width = len(self.languages)
        start, stop = index.start or 0, index.stop
        items = self.queryset[start // width : -(-stop // width)]
        pairs = [(item, language) for item in items for language in self.languages]
        offset = start - (start // width) * width
        return pairs[offset : offset + (stop - start)]


class SiteSitemap(Sitemap):
    """Writes addresses on the public site address (DJANGO_SITE_URL), not on whatever host
    the request came in on. Every page is listed once per language, each entry with its
    alternates and the unprefixed x-default address that redirects by language."""

    i18n = True
    alternates = True
    x_default = True
    # Well inside the protocol's 50,000 URLs and 50 MB (about 300 bytes a URL with its
    # alternates), and small enough for one part to render in a few seconds.
    limit = 10_000
    # The name of the kept public count (events/cache/counts.py) that equals the number of
    # items, so that the index and its parts do not count the section again: at 100,000
    # events the people's COUNT is a UNION over 750,000 roles.
    public_count = None

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def _items(self):
        items = self.items()
        if hasattr(items, "count") and hasattr(items, "query"):
            known_count = public_count(self.public_count) if self.public_count else None
            return LanguagePairs(items, list(self._languages()), known_count)
        return super()._items()

    def get_latest_lastmod(self):
        """The newest `lastmod` of the section in one query (the framework would read every
        item to find it)."""
        return self.items().aggregate(latest=Max(self.lastmod_field))["latest"]

    def lastmod(self, item):
        value = item
        for part in self.lastmod_field.split("__"):
            value = getattr(value, part)
        return value


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

    def get_latest_lastmod(self):
        # The lists and the home page change whenever a published record does.
        return Event.objects.published().aggregate(latest=Max("updated_at"))["latest"]

    def lastmod(self, item):
        return self.latest

    @property
    def latest(self):
        if not hasattr(self, "_latest"):
            self._latest = self.get_latest_lastmod()
        return self._latest


class EventSitemap(SiteSitemap):
    lastmod_field = "updated_at"
    public_count = "events"

    def items(self):
        return Event.objects.published().only("slug", "updated_at").order_by("-start_date", "pk")


class PresentationSitemap(SiteSitemap):
    # A presentation's page is part of its event's record and changes with it.
    lastmod_field = "event__updated_at"

    def items(self):
        return (
            Presentation.objects.published()
            .select_related("event")
            .only("slug", "event__slug", "event__updated_at")
            .order_by("event", "order", "pk")
        )


class PersonSitemap(SiteSitemap):
    lastmod_field = "updated_at"
    public_count = "people"

    def items(self):
        return Event.objects.published().people().only("slug", "updated_at").order_by("slug")


class OrganizationSitemap(SiteSitemap):
    lastmod_field = "updated_at"
    public_count = "organizations"

    def items(self):
        return Event.objects.published().organizations().only("slug", "updated_at").order_by("slug")


sitemaps = {
    "pages": PageSitemap,
    "events": EventSitemap,
    "presentations": PresentationSitemap,
    "people": PersonSitemap,
    "organizations": OrganizationSitemap,
}


@x_robots_tag
def index(request):
    """The sitemap index: every part of every section, on the public site address, each with
    its section's newest `lastmod`."""
    parts = []
    for section, sitemap_class in sitemaps.items():
        sitemap = sitemap_class()
        location = settings.SITE_URL + reverse("sitemap_section", kwargs={"section": section})
        lastmod = sitemap.get_latest_lastmod()
        for page in range(1, sitemap.paginator.num_pages + 1):
            parts.append(
                SitemapIndexItem(location if page == 1 else f"{location}?p={page}", lastmod)
            )
    return TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": parts}, content_type="application/xml"
    )
