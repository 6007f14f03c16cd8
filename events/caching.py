"""
Anonymous page cache and conditional GET for the public pages.

Every cached page and every ETag is keyed on one "generation" value kept in the shared cache
(Redis through CACHE_URL in production, so all workers and app servers read the same one).
Any save, delete or many-to-many change of a record model (events and people apps, history
tables aside) replaces the generation, so no page cached before the change is ever served
again: a published change shows at once everywhere. Coarse (every page is rebuilt after any
edit) but simple to trust, and records change rarely next to how often they are read.

Only anonymous GET/HEAD requests read or fill the cache, so a logged-in editor's preview of
a draft can never enter it and editors never see a cached page. Keys carry the host, the
active language and the full path with its query string. Responses are stored before the
response middleware runs, so security headers (CSP, nosniff, frame options) are added
afresh to every cached answer.
"""

import hashlib
import uuid
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.decorators import method_decorator
from django.utils.translation import get_language
from django.views.decorators.http import condition

GENERATION_KEY = "public-pages:generation"
RECORD_APPS = {"events", "people"}


def cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def generation():
    """The current generation; a fresh one if the cache has lost it (restart, eviction)."""
    value = cache().get(GENERATION_KEY)
    if value is None:
        value = uuid.uuid4().hex
        if not cache().add(GENERATION_KEY, value, timeout=None):
            value = cache().get(GENERATION_KEY, value)
    return value


def new_generation():
    cache().set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def record_changed(sender, **kwargs):
    if not is_record_model(sender):
        return
    new_generation()
    # Again once the transaction commits: a page rendered from the old rows between the
    # save and the commit must not survive under the new generation.
    transaction.on_commit(new_generation)


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


def page_key(request, generation_value):
    path = hashlib.sha256(
        f"{request.get_host()}|{request.get_full_path()}".encode("utf-8", "surrogateescape")
    ).hexdigest()
    return f"public-pages:{generation_value}:{get_language()}:{path}"


def page_etag(request, *args, **kwargs):
    """Changes with every record change, the language, the address and who is asking."""
    viewer = f"user-{request.user.pk}" if request.user.is_authenticated else "public"
    raw = f"{generation()}|{get_language()}|{viewer}|{request.get_full_path()}"
    return hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def cache_anonymous_page(view):
    """Serve anonymous readers a stored copy of a successful page while no record changed."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = settings.PAGE_CACHE_SECONDS
        if not seconds or not is_anonymous_read(request):
            return view(request, *args, **kwargs)
        key = page_key(request, generation())
        stored = cache().get(key)
        if stored is not None:
            return stored
        response = view(request, *args, **kwargs)

        def store(rendered):
            cacheable = (
                rendered.status_code == 200
                and not rendered.streaming
                and not rendered.cookies
                and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            )
            if cacheable:
                cache().set(key, rendered, seconds)

        if hasattr(response, "add_post_render_callback"):
            response.add_post_render_callback(store)
        else:
            store(response)
        return response

    return wrapper


def public_page(view):
    """ETag + 304 for repeat requests, then the anonymous page cache."""
    return condition(etag_func=page_etag)(cache_anonymous_page(view))


class PublicPageMixin:
    """For public record views: conditional GET and the anonymous page cache."""

    @method_decorator(public_page)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)
