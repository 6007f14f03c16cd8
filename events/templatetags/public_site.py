"""Tags for the public pages: addresses written on the public site address."""

from django import template
from django.conf import settings

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
