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
one get_many). Only requests that carry no session cookie read
the cache, and only anonymous answers that set no cookie are stored, so a logged-in editor's
preview of a draft can never enter it and editors never see a cached page. Keys carry the
host, the language prefix of the address and the full path with its query string.
"""

import hashlib
import logging
import os
import threading
import time
import uuid
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.decorators import method_decorator
from django.utils.translation import get_language, get_language_from_path
from django.views.decorators.http import condition

GENERATION_KEY = "public-pages:generation"
logger = logging.getLogger(__name__)
RECORD_APPS = {"events", "people"}


def cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def generation():
    """The current generation: this process's copy when the cache keeps it current (Redis
    publish/subscribe), else read from the cache."""
    return watcher.current() or stored_generation()


def stored_generation():
    """The generation in the shared cache; a fresh one if the cache has lost it (restart,
    eviction)."""
    value, created = shared_token(GENERATION_KEY)
    if created:
        announce(value)
    return value


def shared_token(key):
    """(value, created): the random value kept under key in the shared cache, made now if
    there is none. When two processes make one at once, both get the one stored first."""
    value = cache().get(key)
    if value is not None:
        return value, False
    value = uuid.uuid4().hex
    if cache().add(key, value, timeout=None):
        return value, True
    return cache().get(key, value), False


def new_generation():
    value = uuid.uuid4().hex
    cache().set(GENERATION_KEY, value, timeout=None)
    announce(value)
    # This process need not wait for its own message: its next page is already fresh.
    watcher.adopt(value)


def announce(value):
    if hasattr(cache(), "publish"):
        cache().publish(GENERATION_KEY, value)


class GenerationWatcher:
    """
    This process's copy of the generation, kept current through the cache's publish/subscribe
    (webinar.cache.RedisCache): every new generation is published as it is stored, so a
    cached page can be checked without a round trip. A thread per process listens; `current()`
    is None until it has subscribed and read the stored value, and again as soon as its
    connection fails, and callers then read the cache itself: never a stale generation.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.token = None
        self.value = None

    def current(self):
        token = self.token
        if token is None or token[0] != os.getpid():
            self.restart()
        return self.value

    def restart(self):
        """Start listening in this process (after a fork or a change of cache settings)."""
        with self.lock:
            self.value = None
            self.token = token = (os.getpid(), object())
            if hasattr(cache(), "subscribe"):
                threading.Thread(
                    target=self.listen, args=(token,), name="page-cache-generation", daemon=True
                ).start()

    def listen(self, token):
        while self.token is token:
            try:
                subscription = cache().subscribe(GENERATION_KEY)
                # Read after subscribing: a change made in between arrives as a message.
                self.set(token, stored_generation())
                while self.token is token:
                    message = subscription.get_message(ignore_subscribe_messages=True, timeout=1)
                    if message and message["type"] == "message":
                        self.set(token, message["data"].decode())
                subscription.close()
            except Exception:
                logger.warning("Page cache: generation subscription lost", exc_info=True)
                self.set(token, None)
                time.sleep(1)

    def adopt(self, value):
        with self.lock:
            if self.value is not None:
                self.value = value

    def set(self, token, value):
        with self.lock:
            if self.token is token:
                self.value = value


watcher = GenerationWatcher()


def reset_watcher(setting, **kwargs):
    if setting in ("CACHES", "PAGE_CACHE_ALIAS", "PAGE_CACHE_SECONDS", "PUBLIC_DATA_CACHE_SECONDS"):
        watcher.token = None
        local_pages.clear()


setting_changed.connect(reset_watcher)


def remember(name, compute):
    """
    compute()'s value for the active language, kept in the shared cache until the next
    record change (or PUBLIC_DATA_CACHE_SECONDS): for data that many pages share and that
    costs a scan of every published record, such as the list's filter options and the home
    page's counts. Independent of the page cache, so pages rebuilt with that off stay cheap.

    After a record change every worker asking at once would each rebuild the value (the
    home page's counts take seconds at 100,000 events): the first takes a lock in the
    cache and rebuilds, the others wait for its value up to PUBLIC_DATA_WAIT_SECONDS, then
    rebuild it themselves rather than fail.
    """
    seconds = settings.PUBLIC_DATA_CACHE_SECONDS
    if not seconds:
        return compute()
    key = f"public-data:{generation()}:{get_language()}:{name}"
    value = cache().get(key)
    if value is not None:
        return value
    lock = f"{key}:rebuilding"
    if not cache().add(lock, True, timeout=settings.PUBLIC_DATA_WAIT_SECONDS):
        deadline = time.monotonic() + settings.PUBLIC_DATA_WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(0.05)
            value = cache().get(key)
            if value is not None:
                return value
    try:
        value = compute()
        cache().set(key, value, seconds)
    finally:
        cache().delete(lock)
    return value


def record_changed(sender, **kwargs):
    if not is_record_model(sender):
        return
    new_generation()
    # Again once the transaction commits: a page rendered from the old rows between the
    # save and the commit must not survive under the new generation.
    transaction.on_commit(new_generation)
    from events.opendata.files import schedule_rebuild

    schedule_rebuild(using=kwargs.get("using"))


def is_record_model(model):
    meta = model._meta
    if meta.app_label not in RECORD_APPS:
        return False
    # simple_history's tables record changes; the record's own save already counted.
    return not meta.object_name.startswith("Historical")


def connect_signals():
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(record_changed, dispatch_uid=f"public-pages-{signal!r}")


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
        current = watcher.current()
        if current is not None:
            stored = local_pages.get(key, current)
            if stored is None:
                stored = cache().get(key)
                if stored is not None and stored[0] == current:
                    local_pages.put(key, stored)
        else:
            found = cache().get_many([GENERATION_KEY, key])
            current = found.get(GENERATION_KEY) or stored_generation()
            stored = found.get(key)
        if stored is not None and stored[0] == current:
            return self.stored_response(request, stored)

        response = self.get_response(request)
        if request.method == "GET" and self.storable(request, response):
            stored = (current, response.status_code, tuple(response.items()), response.content)
            cache().set(key, stored, settings.PAGE_CACHE_SECONDS)
            if watcher.current() == current:
                local_pages.put(key, stored)
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
