"""
Which language a request is answered in.

Pages to read are under /en/ and /zh-hans/ (i18n_patterns) and Django's LocaleMiddleware
handles them, redirecting "/" and other unprefixed page addresses by the language cookie,
then Accept-Language. Files and the API (the `data:` and `api:` namespaces, sitemap.xml,
robots.txt) carry both languages in themselves: they are answered in the default language
whatever the reader's browser says, so that one address always gives the same bytes (and a
cache needs no Vary: Accept-Language for them). The admin keeps the reader's language.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import get_language_from_path

LANGUAGE_NEUTRAL_NAMESPACES = {"data", "api"}
LANGUAGE_NEUTRAL_NAMES = {"sitemap", "robots", "favicon"}


def is_language_neutral(request):
    if get_language_from_path(request.path_info):
        return False
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return False
    return bool(
        set(match.namespaces) & LANGUAGE_NEUTRAL_NAMESPACES
        or match.url_name in LANGUAGE_NEUTRAL_NAMES
    )


class LocaleMiddleware(DjangoLocaleMiddleware):
    def process_request(self, request):
        if is_language_neutral(request):
            request.language_neutral = True
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
            return
        super().process_request(request)

    def process_response(self, request, response):
        if getattr(request, "language_neutral", False):
            response.headers.setdefault("Content-Language", settings.LANGUAGE_CODE)
            return response
        return super().process_response(request, response)
