"""
The generation: one value that every cached page, ETag and shared datum is keyed on, so that
replacing it retires every page at once, in every worker and app server; and the fragment
generation that every event fragment is keyed on. `remember()`: data many pages share
(filter options, home counts), kept per generation.

Each is made of three parts, so that nothing the cache remembers or forgets on its own can
bring a retired page back:

- a random value kept in the shared cache, replaced by every record change: the fast path
  (with Redis, a thread per process keeps a copy current through publish/subscribe, so a
  cached page can be checked without a round trip);
- the cache server's run id, new at every restart: pages and fragments brought back from
  an older snapshot are keyed on the old one and never read again;
- a value in the database (events.models.CacheGeneration), replaced when a change could not
  reach the cache (it was away): the change and the new value commit together, and every
  process reads the database's value at most PAGE_GENERATION_CHECK_SECONDS apart, so copies
  kept by a cache that missed the change are never read again once it answers.
"""

import logging
import os
import threading
import time
import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, transaction
from django.utils.translation import get_language

GENERATION_KEY = "public-pages:generation"
EPOCH_KEY = "event-content:epoch"
CLOCK_KEY = "public-pages:clock"
# Prefix of the messages on the generation's channel that name retired page keys.
RETIRED = "retired:"
# The key of every page that lists or counts records: retired by every record change.
LISTS = "lists"
# A clock starts from the time in nanoseconds (2001 and later are above this), plus 1,000 s.
START_OF_CLOCKS = 10**18
CLOCK_MARGIN_NS = 10**12
logger = logging.getLogger(__name__)


def cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def cache_is_away():
    """True while the cache is not answering (webinar.cache.RedisCache then does not ask it
    for a moment): its reads miss and its writes are dropped."""
    is_away = getattr(cache(), "is_away", None)
    return bool(is_away and is_away())


def generation():
    """The value pages, ETags and remembered data are keyed on."""
    value = watcher.current() or stored_generation()
    return f"{value}.{durable.pages()}"


def unchanged_since(value):
    """True if no record change has replaced the generation since value was read. Asks the
    cache itself: this process's copy may not have heard of a change committed just now."""
    return f"{stored_generation()}.{durable.pages()}" == value


def fragments_generation():
    """The value every event fragment is keyed on (with the event's own version)."""
    return f"{shared_token(EPOCH_KEY)[0]}.{durable.fragments()}"


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
    if cache_is_away():
        durable.replace(pages=True)
        return
    announce(value)
    # This process need not wait for its own message: its next page is already fresh.
    watcher.adopt(value)


def new_fragments_generation():
    cache().delete(EPOCH_KEY)
    if cache_is_away():
        durable.replace(fragments=True)


def announce(value):
    if hasattr(cache(), "publish"):
        cache().publish(GENERATION_KEY, value)


class DurableGeneration:
    """This process's copy of the database's values (events.models.CacheGeneration) and of
    the cache server's run id, read again at most every PAGE_GENERATION_CHECK_SECONDS."""

    def __init__(self):
        self.lock = threading.Lock()
        self.values = None  # (pages, fragments, server id)
        self.checked = float("-inf")
        self.database_away = False

    def pages(self):
        return self.current()[0]

    def fragments(self):
        return self.current()[1]

    def current(self):
        if (
            self.values is None
            or time.monotonic() - self.checked >= settings.PAGE_GENERATION_CHECK_SECONDS
        ):
            self.refresh()
        return self.values or ("-", "-", "-")

    def refresh(self):
        from events.models import CacheGeneration

        server_id = getattr(cache(), "server_id", None)
        server = (server_id() if server_id else "") or "away"
        try:
            pages, fragments = CacheGeneration.current()
        except DatabaseError:
            # Cached pages keep answering with the values last read.
            if not self.database_away:
                logger.error("Page cache: the database is not answering; using the last values")
            self.database_away = True
            pages, fragments = (self.values or ("-", "-"))[:2]
        else:
            if self.database_away:
                logger.warning("Page cache: the database answers again")
            self.database_away = False
        with self.lock:
            self.values = (f"{pages}.{server}", f"{fragments}.{server}", server)
            self.checked = time.monotonic()

    def replace(self, *, pages=False, fragments=False):
        """The cache missed a change: new values in the database, in the change's own
        transaction, which every process reads within PAGE_GENERATION_CHECK_SECONDS."""
        from events.models import CacheGeneration

        CacheGeneration.replace(pages=pages, fragments=fragments)
        self.checked = float("-inf")
        transaction.on_commit(self.expire)

    def expire(self):
        self.checked = float("-inf")


durable = DurableGeneration()


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
        # Told the page keys retired and the clock they were retired at (None: every key
        # at any time), by this process or another one.
        self.on_retired = None

    def retired(self, keys, at=None):
        heard_clock(at)
        if self.on_retired is not None:
            self.on_retired(keys, at)

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
        failing = False
        while self.token is token:
            try:
                subscription = cache().subscribe(GENERATION_KEY)
                # Read after subscribing: a change made in between arrives as a message.
                value = stored_generation()
                if cache_is_away():
                    # Just after an outage the subscription may answer before this process
                    # asks the cache again; the value is then its own, shared by no other
                    # worker (each would render and tag every page under its own).
                    subscription.close()
                    time.sleep(0.2)
                    continue
                # Retirements announced while nobody listened are unknown: forget them all.
                self.retired(None)
                self.set(token, value)
                if failing:
                    logger.warning("Page cache: generation subscription back")
                failing = False
                while self.token is token:
                    message = subscription.get_message(ignore_subscribe_messages=True, timeout=1)
                    if message and message["type"] == "message":
                        data = message["data"].decode()
                        if data.startswith(RETIRED):
                            at, *keys = data.removeprefix(RETIRED).split()
                            self.retired(keys, int(at))
                        else:
                            self.set(token, data)
                subscription.close()
            except Exception as error:
                self.set(token, None)
                # Logged once per outage; the cache backend logs the outage itself too.
                if not failing:
                    logger.warning("Page cache: generation subscription lost (%s)", error)
                failing = True
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


def clock():
    """
    The retirement clock: a number in the shared cache that every retirement of page keys
    moves forward. A page remembers the clock as its request began; it is retired once any
    of its keys was retired at a later clock (`retired_since`), so a page rendered from rows
    an edit was replacing never outlives the edit's retirement at commit.
    """
    value = cache().get(CLOCK_KEY)
    if value is None:
        value = start_clock()
    return heard_clock(value)


# The latest clock this process has read or heard of: while the cache is away, a page
# begins after every retirement it knows (the ones the cache missed replace the generation).
latest_clock = [0]


def heard_clock(value):
    if value and value > latest_clock[0]:
        latest_clock[0] = value
    return value or latest_clock[0]


def start_clock():
    """A clock the cache lost (a restart, an eviction) starts again from the time in
    nanoseconds plus CLOCK_MARGIN_NS: ahead of any value it had (it counts one a retirement),
    even from an app server whose clock is behind, so that every retirement from now on is
    later than every page kept before. Not a new generation: after a cache loss that would
    make every worker render each page twice."""
    if cache_is_away():
        return latest_clock[0]
    value = time.time_ns() + CLOCK_MARGIN_NS
    if cache().add(CLOCK_KEY, value, timeout=None):
        return value
    return cache().get(CLOCK_KEY, value)


def stamp_key(key):
    return f"public-pages:retired:{key}"


def stamp_seconds():
    # Longer than any page or remembered datum keyed on a stamp lives.
    return 2 * max(settings.PAGE_CACHE_SECONDS, settings.PUBLIC_DATA_CACHE_SECONDS, 1)


def retire_keys(keys):
    """Retire every page that shows any of these keys, in every process (now, not at
    commit: receivers.py calls this at both)."""
    keys = sorted(set(keys))
    if not keys:
        return
    try:
        value = cache().incr(CLOCK_KEY)
    except ValueError:
        value = start_clock()
    if value < START_OF_CLOCKS and not cache_is_away():
        # Lost between the backend's check and its increment, and counted up from zero.
        cache().delete(CLOCK_KEY)
        value = start_clock()
    cache().set_many({stamp_key(key): value for key in keys}, timeout=stamp_seconds())
    if cache_is_away():
        # The pages the cache still holds would come back with it: retire every one.
        durable.replace(pages=True)
        return
    if hasattr(cache(), "publish"):
        cache().publish(GENERATION_KEY, f"{RETIRED}{value} {' '.join(keys)}")
    watcher.retired(keys, value)


def stamps(keys):
    """{key: the clock at its latest retirement}. A stamp the cache lost counts as retired
    now: every page kept before that moment is rebuilt."""
    keys = sorted(set(keys))
    found = cache().get_many([stamp_key(key) for key in keys])
    missing = [key for key in keys if stamp_key(key) not in found]
    if missing:
        now = clock()
        for key in missing:
            cache().add(stamp_key(key), now, timeout=stamp_seconds())
        found.update(cache().get_many([stamp_key(key) for key in missing]))
    return {key: found.get(stamp_key(key), float("inf")) for key in keys}


def retired_since(keys, rendered_at):
    """True if any of these keys was retired after a page began at clock rendered_at."""
    found = stamps(keys)
    if cache_is_away():
        # Unknown; a retirement the cache missed replaced the database's value instead, and
        # with it the generation of every page (DurableGeneration).
        return False
    return any(value > rendered_at for value in found.values())


def data_generation():
    """What remembered data is stored under: the generation and the stamp of the lists'
    key, which every record change retires."""
    stamp = stamps([LISTS])[LISTS]  # first: a clock it starts replaces the generation
    return f"{generation()}.{stamp}"


class Provisional:
    """A value for compute() of remember() to give when it is to be shown but not kept (the
    public counts while they are being counted again)."""

    def __init__(self, value):
        self.value = value


def remember(name, compute):
    """
    compute()'s value for the active language, kept in the shared cache until the next
    record change (which retires the lists' key) or PUBLIC_DATA_CACHE_SECONDS: for data
    that many pages share and that costs a scan of every published record, such as the
    list's filter options and the home page's counts. Independent of the page cache, so
    pages rebuilt with that off stay cheap.

    After a record change every worker asking at once would each rebuild the value (the
    home page's counts are a scan of every published record): the first takes a lock in the
    cache and rebuilds, the others wait for its value up to PUBLIC_DATA_WAIT_SECONDS, then
    rebuild it themselves rather than fail. While the cache is away nobody waits.
    """
    seconds = settings.PUBLIC_DATA_CACHE_SECONDS
    if not seconds:
        value = compute()
        return value.value if isinstance(value, Provisional) else value
    key = f"public-data:{data_generation()}:{get_language()}:{name}"
    value = cache().get(key)
    if value is not None:
        return value
    lock = f"{key}:rebuilding"
    if not cache().add(lock, True, timeout=settings.PUBLIC_DATA_WAIT_SECONDS):
        deadline = time.monotonic() + settings.PUBLIC_DATA_WAIT_SECONDS
        while time.monotonic() < deadline and not cache_is_away():
            time.sleep(0.05)
            value = cache().get(key)
            if value is not None:
                return value
            if cache().get(lock) is None:
                break  # rebuilt and not kept (a Provisional value): worth no more waiting
    try:
        value = compute()
        if isinstance(value, Provisional):
            return value.value
        cache().set(key, value, seconds)
    finally:
        cache().delete(lock)
    return value
