"""Tags for the public pages: addresses written on the public site address."""

from django import template
from django.conf import settings
from django.forms.utils import flatatt
from django.urls import translate_url
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def site_url():
    return settings.SITE_URL


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """The page's own address on the public site, without query string: filtered lists and
    later pages point search engines at the page itself."""
    request = context.get("request")
    path = request.path if request is not None else "/"
    return f"{settings.SITE_URL}{path}"


@register.simple_tag(takes_context=True)
def language_versions(context):
    """The current page in each language: code, native name, address and whether it is the
    page being read. Empty for pages that exist in one form only (error pages, files)."""
    request = context.get("request")
    if request is None or request.resolver_match is None:
        return []
    current = translation.get_language()
    if not request.path.startswith(f"/{current}/"):
        return []
    versions = []
    for code, _name in settings.LANGUAGES:
        path = translate_url(request.path, code)
        versions.append(
            {
                "code": code,
                # BCP 47 writes the script subtag in title case: zh-Hans.
                "hreflang": translation.to_locale(code).replace("_", "-"),
                "name": translation.get_language_info(code)["name_local"],
                "url": f"{settings.SITE_URL}{path}",
                "is_current": code == current,
            }
        )
    return versions


@register.simple_tag(takes_context=True)
def unprefixed_url(context):
    """The page's address without its language prefix: it redirects each reader to their
    language, which is what hreflang="x-default" means."""
    request = context.get("request")
    current = translation.get_language()
    path = request.path.removeprefix(f"/{current}") if request is not None else "/"
    return f"{settings.SITE_URL}{path}"


@register.simple_tag
def select(bound_field):
    """
    A choice field's <select>, as its widget would write it, without a template per option:
    the event list's filters have about a hundred options, and rendering each through
    Django's option template took a quarter of the page's time.
    """
    value = bound_field.value()
    chosen = "" if value is None else str(value)
    attrs = bound_field.build_widget_attrs({"id": bound_field.auto_id})
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (key, mark_safe(" selected") if str(key) == chosen else "", label)
            for key, label in bound_field.field.choices
        ),
    )
    return format_html(
        "<select{}>{}</select>", flatatt({"name": bound_field.html_name, **attrs}), options
    )
