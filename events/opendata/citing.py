"""
What a reader or a citation manager takes away from a record page: the CSL-JSON, BibTeX and
RIS downloads of an event or presentation, the FAIR Signposting `Link` headers of the pages,
and the `citation_*` meta tags (templates/includes/citation_meta.html).

The downloads are read in the page's language (they sit under /en/ and /zh-hans/ beside the
page they cite), since a citation quotes the page's title and words.
"""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import View

from events.models import Event, Presentation, shapes
from events.opendata.common import absolute_url

from . import bibtex, citation, ris

FORMATS = {
    "csl": ("application/vnd.citationstyles.csl+json", "json"),
    "bibtex": ("application/x-bibtex", "bib"),
    "ris": ("application/x-research-info-systems", "ris"),
}


def download_urls(event, presentation=None):
    """{format: path} of a record's citation downloads, in the current language."""
    if presentation is None:
        return {name: reverse(f"events:event_cite_{name}", args=[event.slug]) for name in FORMATS}
    return {
        name: reverse(f"events:presentation_cite_{name}", args=[event.slug, presentation.slug])
        for name in FORMATS
    }


def signposting_links(event, presentation=None):
    """FAIR Signposting (signposting.org/FAIR): the canonical address to cite, the documents
    describing the record, and its schema.org type."""
    if presentation is None:
        canonical = absolute_url(event.get_absolute_url())
        described_by = [
            (absolute_url(reverse("data:event_jsonld", args=[event.slug])), "application/ld+json")
        ]
        schema_type = "https://schema.org/Event"
    else:
        canonical = absolute_url(event.get_absolute_url() + presentation.slug + "/")
        described_by = []
        # As the JSON-LD describes it: a sub-event of the event.
        schema_type = "https://schema.org/Event"
    urls = download_urls(event, presentation)
    described_by.append((absolute_url(urls["csl"]), FORMATS["csl"][0]))
    links = [f'<{canonical}>; rel="cite-as"']
    links += [f'<{url}>; rel="describedby"; type="{kind}"' for url, kind in described_by]
    links.append(f'<{schema_type}>; rel="type"')
    links.append('<https://schema.org/AboutPage>; rel="type"')
    return ", ".join(links)


class SignpostingMixin:
    """Adds the Signposting `Link` header to a published record's page (never a draft's)."""

    def signposted(self):
        """(event, presentation or None) of the page."""
        raise NotImplementedError

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        event, presentation = self.signposted()
        if event.is_published:
            response["Link"] = signposting_links(event, presentation)
        return response


def published_event(slug):
    return get_object_or_404(Event.objects.published().prefetch_related(*shapes.cited()), slug=slug)


def item_for(event_slug, slug=None):
    if slug is None:
        return citation.event_item(published_event(event_slug))
    presentation = get_object_or_404(
        Presentation.objects.filter(event__in=Event.objects.published()).prefetch_related(
            "speakers"
        ),
        event__slug=event_slug,
        slug=slug,
    )
    return citation.presentation_item(presentation, published_event(event_slug))


class CitationDownloadView(View):
    """One record's citation as CSL-JSON (a one-item array), BibTeX or RIS."""

    format = None

    def get(self, request, slug, event_slug=None):
        record = item_for(slug) if event_slug is None else item_for(event_slug, slug)
        item = citation.with_accessed(record)
        media_type, extension = FORMATS[self.format]
        filename = item["id"].replace("/", "--") + "." + extension
        if self.format == "csl":
            response = JsonResponse(
                [item],
                safe=False,
                content_type=f"{media_type}; charset=utf-8",
                json_dumps_params={"ensure_ascii": False, "indent": 2},
            )
        elif self.format == "bibtex":
            response = HttpResponse(bibtex.entry(item), content_type=f"{media_type}; charset=utf-8")
        else:
            response = HttpResponse(ris.record(item), content_type=f"{media_type}; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
