"""
Record text in the reader's language, or in English marked as English.

Records are written in English first; an editor may add the Simplified Chinese version of a
field beside it (django-modeltranslation's `_zh_hans` columns). Where that version is
missing, modeltranslation falls back to the English text, and the page must then say so with
`lang="en"` so that screen readers switch voice, instead of reading English with Chinese
pronunciation.

    {{ event|in_language:"title" }}             a translated field
    {{ organization|in_language:"display_name" }}  or a property built from such fields

In <title>, meta tags and attributes, where no language can be marked, print the attribute
itself ({{ event.title }}): modeltranslation already gives the English text there.
"""

from django import template
from django.conf import settings
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from modeltranslation.utils import fallbacks

register = template.Library()


def text_and_language(instance, attribute):
    """The text a reader sees and the language it is actually in. A property that mixes
    translated and untranslated fields counts as translated only if every part is."""
    current = translation.get_language()
    text = getattr(instance, attribute)
    if not text:
        return "", current
    if current == settings.MODELTRANSLATION_DEFAULT_LANGUAGE:
        # Fallbacks lead only to the default language, so the text is already in it.
        return text, current
    with fallbacks(False):
        own = getattr(instance, attribute)
    if own == text:
        return text, current
    return text, settings.MODELTRANSLATION_DEFAULT_LANGUAGE


@register.filter
def in_language(instance, attribute):
    if instance is None:
        return ""
    text, language = text_and_language(instance, attribute)
    if language == translation.get_language():
        return conditional_escape(text)
    return format_html('<span lang="{}">{}</span>', language, text)
