"""
An HTTP cache in front of the app servers (deploy/varnish.vcl) that keeps anonymous pages
and drops exactly those that show a changed record.

Every page the page cache may keep also tells a shared cache how long it may keep it
(`Cache-Control: s-maxage`) and which records it shows (`xkey`, the page keys of
events.cache.keys, plus ALL_PAGES). With EDGE_PURGE_URLS set, the keys a change retires are
sent to each of those caches when its transaction commits (PURGE with an `xkey-purge`
header); a change that retires every page purges ALL_PAGES. Without it, s-maxage is 0: no
shared cache may keep a page it cannot be told to drop.

An edge that does not answer costs the editor's save EDGE_PURGE_TIMEOUT_SECONDS at most and
is logged; its copies then live until their s-maxage runs out.
"""

import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.utils.cache import patch_cache_control

ALL_PAGES = "all-pages"
KEY_HEADER = "xkey"
PURGE_HEADER = "xkey-purge"
# Keys per purge request: well inside the 8 KB Varnish allows a request header.
KEYS_PER_PURGE = 200
logger = logging.getLogger(__name__)


def is_on():
    return bool(settings.EDGE_PURGE_URLS)


def mark(response, keys):
    """Tell a shared cache how long it may keep this anonymous page, and what it shows."""
    seconds = settings.EDGE_CACHE_SECONDS if is_on() else 0
    patch_cache_control(response, max_age=0, s_maxage=seconds)
    response[KEY_HEADER] = " ".join(sorted({*keys, ALL_PAGES}))


def purge(keys):
    """Ask every edge cache to drop the pages that show any of these keys."""
    keys = sorted(set(keys))
    for url in settings.EDGE_PURGE_URLS:
        for start in range(0, len(keys), KEYS_PER_PURGE):
            chunk = " ".join(keys[start : start + KEYS_PER_PURGE])
            request = urllib.request.Request(url, method="PURGE", headers={PURGE_HEADER: chunk})
            try:
                with urllib.request.urlopen(request, timeout=settings.EDGE_PURGE_TIMEOUT_SECONDS):
                    pass
            except (OSError, urllib.error.URLError) as error:
                logger.warning("Edge cache %s did not take a purge (%s)", url, error)
                break


def purge_all():
    purge([ALL_PAGES])
