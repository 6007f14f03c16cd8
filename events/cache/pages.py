"""
Anonymous page cache and conditional GET for the public pages.

Every cached page and every ETag is keyed on one "generation" value kept in the shared cache
(Redis through CACHE_URL in production, so all workers and app servers read the same one).
Any save, delete or many-to-many change of a record model (events and people apps, history
tables aside) replaces the generation, so no page cached before the change is ever served
again: a published change shows at once everywhere. Coarse (every page is rebuilt after any
edit) but simple to trust, and records change rarely next to how often they are read.

Views mark their anonymous answers as cacheable (`public_page`); PublicPageCacheMiddleware,
near the top of the middleware list, stores them with the headers every later middleware
added (CSP, nosniff, frame options, Content-Language) and answers a repeat request before
sessions, authentication, locale, CSRF or URL resolution run. With Redis, a thread per
process keeps the generation current (publish/subscribe) and recently read pages are kept in
memory, so a repeat hit needs no round trip; otherwise one (the generation and the page in
one get_many). While the cache is away (webinar.cache.RedisCache), pages are rendered without
it. Only requests that carry no session cookie read
the cache, and only anonymous answers that set no cookie are stored, so a logged-in editor's
preview of a draft can never enter it and editors never see a cached page. Keys carry the
host, the language prefix of the address and the full path with its query string.
"""

import hashlib
import threading
import time
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.decorators import method_decorator
from django.utils.translation import get_language, get_language_from_path
from django.views.decorators.http import condition

from . import coalesce
from .generation import GENERATION_KEY, cache, durable, generation, stored_generation, watcher


def is_anonymous_read(request):
    return request.method in ("GET", "HEAD") and not request.user.is_authenticated


def page_key(request, language):
    path = hashlib.sha256(
        f"{request.get_host()}|{request.get_full_path()}".encode("utf-8", "surrogateescape")
    ).hexdigest()
    return f"public-pages:{language}:{path}"


def page_etag(request, *args, **kwargs):
    """Changes with every record change, the language, the address and who is asking."""
    viewer = f"user-{request.user.pk}" if request.user.is_authenticated else "public"
    raw = f"{generation()}|{get_language()}|{viewer}|{request.get_full_path()}"
    return hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def mark_cacheable(view):
    """Let the page cache keep this view's answers to anonymous readers."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.public_page = is_anonymous_read(request)
        return response

    return wrapper


def public_page(view):
    """ETag + 304 for repeat requests; anonymous answers may enter the page cache."""
    return condition(etag_func=page_etag)(mark_cacheable(view))


class PublicPageMixin:
    """For public record views: conditional GET and the anonymous page cache."""

    @method_decorator(public_page)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)


class LocalPages:
    """
    A bounded per-process copy (least recently used out) of pages read from the shared cache,
    used only while the generation watcher is current, so a hit costs no round trip. Entries
    keep the shared cache's lifetime too: pages that depend on the date (upcoming events)
    are rebuilt within PAGE_CACHE_SECONDS even when no record changes.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.entries = OrderedDict()

    def get(self, key, current):
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                return None
            stored, expires = entry
            if stored[0] != current or expires < time.monotonic():
                del self.entries[key]
                return None
            self.entries.move_to_end(key)
            return stored

    def put(self, key, stored):
        with self.lock:
            self.entries[key] = (stored, time.monotonic() + settings.PAGE_CACHE_SECONDS)
            self.entries.move_to_end(key)
            while len(self.entries) > settings.PAGE_CACHE_LOCAL_PAGES:
                self.entries.popitem(last=False)

    def clear(self):
        with self.lock:
            self.entries.clear()


local_pages = LocalPages()


class PublicPageCacheMiddleware:
    """
    Answer anonymous repeat requests for public pages from the shared cache, before the rest
    of the middleware runs; store the finished answers of views marked with `public_page`.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = self.cache_language(request)
        if language is None:
            return self.get_response(request)
        key = page_key(request, language)
        value = watcher.current()
        if value is not None:
            current = f"{value}.{durable.pages()}"
            stored = local_pages.get(key, current)
            if stored is None:
                stored = cache().get(key)
                if stored is not None and stored[0] == current:
                    local_pages.put(key, stored)
        else:
            found = cache().get_many([GENERATION_KEY, key])
            current = f"{found.get(GENERATION_KEY) or stored_generation()}.{durable.pages()}"
            stored = found.get(key)
        if stored is not None and stored[0] == current:
            return self.stored_response(request, stored)

        # After a cache loss, one worker renders each page and the others take its copy (a
        # lock left by an error expires by itself).
        stored, claimed = coalesce.claim_or_wait(key, current, request.method)
        if stored is not None:
            return self.stored_response(request, stored)

        response = self.get_response(request)
        if request.method == "GET" and self.storable(request, response):
            stored = (current, response.status_code, tuple(response.items()), response.content)
            cache().set(key, stored, settings.PAGE_CACHE_SECONDS)
            if watcher.current() is not None and generation() == current:
                local_pages.put(key, stored)
        if claimed:
            coalesce.release(key, current)
        return response

    @staticmethod
    def cache_language(request):
        """The language of a cacheable request's address, or None when it may not be read
        from or stored in the cache."""
        if not settings.PAGE_CACHE_SECONDS or request.method not in ("GET", "HEAD"):
            return None
        # A session cookie may mean a logged-in editor; the messages cookie a one-off notice.
        if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
            return None
        return get_language_from_path(request.path_info)

    @staticmethod
    def storable(request, response):
        return (
            getattr(response, "public_page", False)
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        )

    @staticmethod
    def stored_response(request, stored):
        _, status, headers, content = stored
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        return get_conditional_response(request, etag=response.get("ETag"), response=response)
