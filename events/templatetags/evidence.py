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
"""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag(takes_context=True)
def evidence(context, fact, about="", quote=""):
    if fact is None or not getattr(fact, "quote", ""):
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
    else:
        title = format_html("<span{}>{}</span>", lang, source.title) if lang else source.title
    cite = format_html(' cite="{}"', source.url) if source.url else ""
    return format_html(
        '<details class="evidence"><summary><span class="evidence__label">{}</span>{}'
        '</summary><div class="evidence__body"><blockquote{}{}><p>{}</p></blockquote>'
        '<p class="evidence__source">— {}</p></div></details>',
        gettext("Source"),
        hidden,
        cite,
        lang,
        quote or fact.quote,
        conditional_escape(title),
    )
