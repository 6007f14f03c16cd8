"""
The "Source" disclosure beside a fact: the quoted passage and the source it comes from.

A tag in Python rather than an included template because an event page shows it for every
fact (30 times and more); an {% include %} per fact cost more than the rest of the page's
facts together.

    {% evidence fact about=_("the date") %}
    {% evidence presentation quote=presentation.qa_quote about=_("the questions") %}

`fact` is anything with `quote`, `source` and `source_id` (the Cited models, a Citation);
nothing is shown when it has no quote. In the event page (`link_sources` in the context) the
source's title links to the source further down the page.

Each disclosure carries the fact's anchor (events/opendata/facts.py) as its id, a "Link to
this fact" (a plain link to the anchor; static/js/fact-links.js also copies it), the fact's
JSON in the API, and where the source is on the web, a link that opens it at the quote.
"""

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from events.models import Presentation
from events.opendata.facts import fact_anchor, text_fragment_url

register = template.Library()


@register.simple_tag(takes_context=True)
def evidence(context, fact, about="", quote=""):
    if fact is None or not (quote or getattr(fact, "quote", "")):
        return ""
    source = fact.source
    hidden = ""
    if about:
        # The translation is ours; only the value put into it needs escaping.
        hidden = format_html(
            '<span class="visually-hidden"> {}</span>',
            mark_safe(gettext("for %(about)s") % {"about": conditional_escape(about)}),
        )
    # The passage and the source's title are in the source's language, not the page's.
    lang = format_html(' lang="{}"', source.language) if source.language else ""
    if context.get("link_sources"):
        title = format_html('<a href="#source-{}"{}>{}</a>', fact.source_id, lang, source.title)
    elif lang:
        title = format_html("<span{}>{}</span>", lang, source.title)
    else:
        title = conditional_escape(source.title)
    cite = format_html(' cite="{}"', source.url) if source.url else ""
    anchor = fact_anchor(fact, about_questions=bool(quote) and isinstance(fact, Presentation))
    return format_html(
        '<details class="evidence" id="{}"><summary><span class="evidence__label">{}</span>{}'
        '</summary><div class="evidence__body"><blockquote{}{}><p>{}</p></blockquote>'
        '<p class="evidence__source">— {}</p>{}</div></details>',
        anchor,
        gettext("Source"),
        hidden,
        cite,
        lang,
        quote or fact.quote,
        title,
        fact_links(context, fact, anchor, quote or fact.quote),
    )


def fact_links(context, fact, anchor, quote):
    links = [
        format_html(
            '<a class="fact-link" href="#{}" data-copied="{}">{}</a>',
            anchor,
            gettext("Link copied"),
            gettext("Link to this fact"),
        )
    ]
    event = context.get("event")
    if event is not None and event.is_published:
        api = reverse("api:event-fact", args=[event.slug, anchor])
        links.append(format_html('<a href="{}" type="application/json">JSON</a>', api))
    fragment = text_fragment_url(fact.source, quote)
    if fragment:
        links.append(format_html('<a href="{}">{}</a>', fragment, gettext("Open the source here")))
    return format_html(
        '<p class="evidence__links">{}<span class="fact-link__status" role="status"></span></p>',
        mark_safe(" · ".join(links)),  # noqa: S308 - each link is built with format_html
    )
