"""
Anonymous page cache and conditional GET for the public pages.

Every cached page is stored with the page keys of the records it shows (events.cache.keys)
and the retirement clock as its request began (generation.clock). A change retires the keys
of the records it touches (receivers.py): a page is served again only while none of its keys
was retired after it began, so a published change shows at once everywhere on the pages that
show it, and every other page stays cached. Pages that list or count records carry the lists'
key, which every change retires. Every page and ETag is also keyed on one "generation" value
kept in the shared cache (Redis through CACHE_URL in production, so all workers and app
servers read the same one), which a bulk write replaces to retire every page at once.

Views mark their anonymous answers as cacheable (`public_page`); PublicPageCacheMiddleware,
near the top of the middleware list, stores them with the headers every later middleware
added (CSP, nosniff, frame options, Content-Language) and the edge cache's (edge.py), and
answers a repeat request before sessions, authentication, locale, CSRF or URL resolution
run. With Redis, a thread per process keeps the generation current (publish/subscribe) and
hears every retirement, and recently read pages are kept in memory, so a repeat hit needs no
round trip; otherwise two (the generation and the page, then its keys' stamps). While the
cache is away (webinar.cache.RedisCache), pages are rendered without it. Only requests that
carry no session cookie read the cache, and only anonymous answers that set no cookie are
stored, so a logged-in editor's preview of a draft can never enter it and editors never see a
cached page. Keys carry the host, the language prefix of the address and the full path with
its query string.
"""

import hashlib
import threading
import time
from collections import OrderedDict
from functools import wraps
from typing import NamedTuple

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.decorators import method_decorator
from django.utils.translation import get_language, get_language_from_path
from django.views.decorators.http import condition

from . import coalesce, edge
from .generation import (
    GENERATION_KEY,
    LISTS,
    cache,
    clock,
    durable,
    generation,
    retired_since,
    stored_generation,
    watcher,
)

# More keys than this on one page: it counts as a list (an edge's header has a limit too).
MAX_PAGE_KEYS = 100


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
    # Before the view runs, nobody knows which records the page shows: any retirement counts.
    moment = getattr(request, "page_clock", None) or clock()
    raw = f"{generation()}.{moment}|{get_language()}|{viewer}|{request.get_full_path()}"
    return hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def mark_cacheable(view):
    """Let the page cache keep this view's answers to anonymous readers."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.public_page = is_anonymous_read(request)
        return response

    return wrapper


def page_keys_of(response):
    """The page keys of the records a page shows (events.cache.keys), read once it is
    rendered; a page that names none is a list, retired by every record change."""
    keys = getattr(response, "page_keys", None)
    if callable(keys):
        keys = keys()
    keys = set(keys or ()) or {LISTS}
    if len(keys) > MAX_PAGE_KEYS:
        # A page showing hundreds of records is rebuilt after any change instead.
        keys = {LISTS}
    return keys


def public_page(view):
    """ETag + 304 for repeat requests; anonymous answers may enter the page cache."""
    return condition(etag_func=page_etag)(mark_cacheable(view))


class PublicPageMixin:
    """For public record views: conditional GET and the anonymous page cache. `page_keys()`
    names the records the page shows (events.cache.keys), asked once it is rendered."""

    @method_decorator(public_page)
    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        response.page_keys = self.page_keys
        return response

    def page_keys(self):
        return {LISTS}


class LocalPages:
    """
    A bounded per-process copy (least recently used out) of pages read from the shared cache,
    used only while the generation watcher is current, so a hit costs no round trip. The
    watcher hears every retirement of page keys, in this process or another, and drops the
    copies that show them. Entries keep the shared cache's lifetime too: pages that depend on
    the date (upcoming events) are rebuilt within PAGE_CACHE_SECONDS even when no record
    changes.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.entries = OrderedDict()
        # Page key: (the clock it was last retired at, when this process heard of it).
        self.retired = {}

    def get(self, key, current):
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                return None
            stored, expires = entry
            if stored.generation != current or expires < time.monotonic():
                del self.entries[key]
                return None
            self.entries.move_to_end(key)
            return stored

    def put(self, key, stored):
        with self.lock:
            # Retired after it was rendered, and the shared cache's stamp not read since.
            if any(self.retired.get(k, (0,))[0] > stored.rendered_at for k in stored.keys):
                return
            self.entries[key] = (stored, time.monotonic() + settings.PAGE_CACHE_SECONDS)
            self.entries.move_to_end(key)
            while len(self.entries) > settings.PAGE_CACHE_LOCAL_PAGES:
                self.entries.popitem(last=False)

    def retire(self, keys, at):
        """Drop the copies rendered before clock `at` that show any of these page keys
        (keys None: every copy)."""
        with self.lock:
            if keys is None:
                self.entries.clear()
                return
            now = time.monotonic()
            keys = set(keys)
            for key in keys:
                self.retired[key] = (max(at, self.retired.get(key, (0,))[0]), now)
            for key, (stored, _) in list(self.entries.items()):
                if stored.rendered_at < at and keys & stored.keys:
                    del self.entries[key]
            # Copies older than PAGE_CACHE_SECONDS are gone anyway: forget older retirements.
            if len(self.retired) > 4 * settings.PAGE_CACHE_LOCAL_PAGES:
                oldest = now - settings.PAGE_CACHE_SECONDS
                self.retired = {k: v for k, v in self.retired.items() if v[1] >= oldest}

    def clear(self):
        with self.lock:
            self.entries.clear()
            self.retired.clear()


local_pages = LocalPages()
watcher.on_retired = local_pages.retire


class StoredPage(NamedTuple):
    """A page in the cache: its answer, the generation and retirement clock it was rendered
    at, and the page keys of the records it shows."""

    generation: str
    status: int
    headers: tuple
    content: bytes
    rendered_at: int
    keys: frozenset


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
            if stored is not None:
                return self.stored_response(request, stored)
            stored = cache().get(key)
        else:
            found = cache().get_many([GENERATION_KEY, key])
            current = f"{found.get(GENERATION_KEY) or stored_generation()}.{durable.pages()}"
            stored = found.get(key)
        if self.is_current(stored, current):
            if value is not None:
                local_pages.put(key, stored)
            return self.stored_response(request, stored)

        # After a cache loss, one worker renders each page and the others take its copy (a
        # lock left by an error expires by itself).
        stored, claimed = coalesce.claim_or_wait(key, current, request.method, self.is_current)
        if stored is not None:
            return self.stored_response(request, stored)

        # Before anything is read: a retirement from here on retires this page.
        request.page_clock = rendered_at = clock()
        response = self.get_response(request)
        if request.method == "GET" and self.storable(request, response):
            keys = frozenset(page_keys_of(response))
            edge.mark(response, keys)
            if not retired_since(keys, rendered_at):
                stored = StoredPage(
                    current,
                    response.status_code,
                    tuple(response.items()),
                    response.content,
                    rendered_at,
                    keys,
                )
                cache().set(key, stored, settings.PAGE_CACHE_SECONDS)
                if watcher.current() is not None and generation() == current:
                    local_pages.put(key, stored)
        if claimed:
            coalesce.release(key, current)
        return response

    @staticmethod
    def is_current(stored, current):
        return (
            isinstance(stored, StoredPage)
            and stored.generation == current
            and not retired_since(stored.keys, stored.rendered_at)
        )

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
        response = HttpResponse(stored.content, status=stored.status)
        for name, value in stored.headers:
            response[name] = value
        return get_conditional_response(request, etag=response.get("ETag"), response=response)
