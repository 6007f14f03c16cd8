"""
Settings for Event Records, read from the environment (and an optional .env file).

Every variable is documented in .env.example and in the README. Development defaults apply
only while DJANGO_DEBUG is on; with debug off the site refuses to start without a secret key.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it in the environment or in .env "
            "(or set DJANGO_DEBUG=true for local development only)."
        )
    SECRET_KEY = "insecure-development-key-only-used-while-debug-is-on"

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# The public address of the site, used where a full URL must be written without a request
# (calendar UIDs, feeds, exported data).
SITE_URL = env.str("DJANGO_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # modeltranslation patches the admin, so it must come before it.
    "modeltranslation",
    # The admin with autocomplete that tells similar records apart (people/editing/picking.py).
    "people.editing.picking.EditorsAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "people",
    "events",
    # Editors' admin: per-record history (who, when, what changed).
    "simple_history",
    # Security and reliability (see the section at the end of this file).
    "csp",
    "axes",
    # Open data: the read-only JSON API and its OpenAPI document.
    "rest_framework",
    "drf_spectacular",
]
# Background builds of the whole-dataset downloads: Django's tasks framework (the
# django-tasks backport) with its database backend, run by `manage.py db_worker`.
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]

# In the order they run on a request.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # WhiteNoise serves static files from the app server itself, so gunicorn can run without
    # a separate static host; it must come right after SecurityMiddleware.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The public page cache (events/cache/pages.py), right after WhiteNoise: a cached page is
    # answered before sessions, authentication, locale, CSRF and URL resolution run (it
    # already carries the headers they and CSP added when it was stored), while
    # SecurityMiddleware still redirects plain http first.
    "events.cache.pages.PublicPageCacheMiddleware",
    # Request bodies larger than their address takes are refused before anything reads them.
    "webinar.security.RequestBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's, except for the language-neutral addresses (files, the API): webinar/languages.py.
    "webinar.languages.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Old addresses of unpublished, deleted or merged records: 410 or 301 instead of 404
    # (events/site/gone.py). Inside the locale middleware, so the page is in the reader's
    # language.
    "events.site.gone.RetiredRecordMiddleware",
    # A form sent to a read-only page gets the site's 405, before the CSRF check's 403.
    "webinar.security.ReadOnlyPagesMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Editors' admin: records who made each change, inlines included.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Security and reliability (see the section at the end of this file).
    "csp.middleware.CSPMiddleware",
    "webinar.security.RejectMalformedQueryMiddleware",
    # Axes must be last: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "webinar.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "webinar.wsgi.application"

# SQLite in a git-ignored folder unless DATABASE_URL names another database.
(BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
# With persistent connections, a connection the database dropped (a restart) is found out
# before a request uses it, instead of failing that request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("DJANGO_CONN_HEALTH_CHECKS", default=True)

# The cache holds public pages, their fragments and the generation that retires them, and
# sessions: every process serving the site must see the same one, or an edit (or an
# unpublish, or a sign-out) reaches one worker and the others keep the old state. Debug off
# and no CACHE_URL: files under DJANGO_CACHE_DIR, shared by every worker on this machine
# (several machines need CACHE_URL=redis://…). A process-local cache (locmemcache://) is
# refused with debug off unless DJANGO_SINGLE_PROCESS=true says one process serves the site
# (the test suite, a one-worker server). README, "Faults".
CACHE_DIR = env.path("DJANGO_CACHE_DIR", default=BASE_DIR / "var" / "cache")
SINGLE_PROCESS = env.bool("DJANGO_SINGLE_PROCESS", default=DEBUG)
CACHES = {
    "default": env.cache(
        "CACHE_URL", default="locmemcache://" if DEBUG else f"filecache://{CACHE_DIR}"
    )
}
if CACHES["default"]["BACKEND"].endswith("locmem.LocMemCache") and not SINGLE_PROCESS:
    raise ImproperlyConfigured(
        "CACHE_URL is a process-local cache (locmemcache://): with several workers an edit "
        "would reach only one of them and the others would serve the old page. Use "
        "CACHE_URL=redis://… (or leave it unset for a file cache shared on this machine), or "
        "set DJANGO_SINGLE_PROCESS=true if one process serves the site."
    )
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Reuses its clients, and is safe to lose (see webinar/cache.py).
    CACHES["default"]["BACKEND"] = "webinar.cache.RedisCache"
# How long a cache operation may wait for Redis, and how long a process then serves without
# asking it again. Pages are rendered without the cache meanwhile (README, "Faults").
CACHE_SOCKET_TIMEOUT_SECONDS = env.float("DJANGO_CACHE_SOCKET_TIMEOUT_SECONDS", default=0.25)
CACHE_RETRY_SECONDS = env.float("DJANGO_CACHE_RETRY_SECONDS", default=2.0)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("zh-hans", _("Simplified Chinese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# Record content is written in English first; Chinese versions are added by editors.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")

MEDIA_URL = env.str("DJANGO_MEDIA_URL", default="/media/")
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")

ADMIN_URL = env.str("DJANGO_ADMIN_URL", default="admin/")
if not ADMIN_URL.endswith("/") or ADMIN_URL.startswith("/"):
    raise ImproperlyConfigured(
        "DJANGO_ADMIN_URL must look like 'admin/': no leading /, one trailing /."
    )

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    if not SECURE_HSTS_PRELOAD:
        # security.W021 (HSTS preload off) is silenced on purpose: submitting to the browsers'
        # preload list binds the whole registrable domain and all its subdomains for months,
        # a decision for the domain's owner, not for this application. Hosts whose owner has
        # decided set DJANGO_SECURE_HSTS_PRELOAD=true, and the check runs again.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

EVENTS_PER_PAGE = 20

# Editors' admin. Older versions can be viewed but not restored from the history page:
# a restore would bypass the check that refuses a save over someone else's change.
SIMPLE_HISTORY_REVERT_DISABLED = True

# ---------------------------------------------------------------------------------------------
# Security and reliability: CSP, login protection, logging, backups.
# ---------------------------------------------------------------------------------------------

# Content-Security-Policy (django-csp 4). Scripts and styles come only from this site's own
# files: templates carry no inline <script> bodies and no style= attributes (JSON-LD
# <script type="application/ld+json"> is data, which CSP does not execute or block).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *env.list("DJANGO_CSP_IMG_SRC", default=[])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
    },
}

# Admin login brute-force protection (django-axes): after AXES_FAILURE_LIMIT failed logins
# the username + client address pair is locked for AXES_COOLOFF_TIME hours. Locking the pair
# (not the address alone) keeps one attacker from locking every editor out, and not the
# username alone so a shared office address is not locked by a colleague's typos.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("DJANGO_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("DJANGO_LOGIN_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
# The client address comes from X-Forwarded-For only when the site sits behind this many
# proxies that append to it (0: straight from the socket, REMOTE_ADDR). A header the client
# sent itself can never be trusted, so the address is counted from the right.
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "webinar.security.client_ip"
# Passwords never reach the axes access log (it already drops the password field).
AXES_SENSITIVE_PARAMETERS = ["password", "password1", "password2", "csrfmiddlewaretoken"]

# Errors are written as JSON lines (one object per line) with the request path and status:
# never cookies, headers, query strings or bodies (see webinar/jsonlog.py).
LOG_FORMAT = env.str("DJANGO_LOG_FORMAT", default="text" if DEBUG else "json")
LOG_FILE = env.str("DJANGO_LOG_FILE", default="")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "webinar.jsonlog.JSONLineFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT},
        **(
            {
                "file": {
                    "class": "logging.handlers.WatchedFileHandler",
                    "filename": LOG_FILE,
                    "formatter": "json",
                }
            }
            if LOG_FILE
            else {}
        ),
    },
    "root": {
        "handlers": ["console", *(["file"] if LOG_FILE else [])],
        "level": env.str("DJANGO_LOG_LEVEL", default="WARNING"),
    },
}

# Open data (see README, "Open data"): the licence the exported records are published under,
# and the read-only API. The API renders JSON only and needs no session or CSRF: it never writes.
DATA_LICENCE_NAME = env.str("DJANGO_DATA_LICENCE_NAME", default="CC BY 4.0")
DATA_LICENCE_URL = env.str(
    "DJANGO_DATA_LICENCE_URL", default="https://creativecommons.org/licenses/by/4.0/"
)
# Citing records (README, "Citing records"): who publishes the records, as citations and
# citation managers name the publisher (the site's owner).
SITE_PUBLISHER = env.str("DJANGO_SITE_PUBLISHER", default="Event Records")
FEED_ITEMS = 50
# The whole-dataset downloads (Popolo, events.ics, the CSVs) are built into this folder when
# records change, by a task: TASKS names the backend (the database queue, worked by
# `manage.py db_worker`; DJANGO_TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend
# builds inside the process that made the change, for a site without a worker).
DATA_DOWNLOADS_DIR = env.path("DJANGO_DATA_DOWNLOADS_DIR", default=BASE_DIR / "var" / "downloads")
# Dated dumps (/data/dumps/): Frictionless Data Packages of the whole published record,
# written by `manage.py make_dump` (or the daily task), the newest DJANGO_DATA_DUMPS_KEEP kept.
DATA_DUMPS_DIR = env.path("DJANGO_DATA_DUMPS_DIR", default=BASE_DIR / "var" / "dumps")
DATA_DUMPS_KEEP = env.int("DJANGO_DATA_DUMPS_KEEP", default=10)
TASKS = {
    "default": {
        "BACKEND": env.str("DJANGO_TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        # "public-counts" has a worker of its own (deploy/): a recount takes seconds, and must
        # not wait behind a build of the downloads, which takes minutes at 100,000 events.
        "QUEUES": ["default", "public-counts"],
    }
}
# API rate limit per client address (DRF throttling, counted in the shared cache so that
# every app server counts together). The API is read-only and public; whole-dataset users
# have the /data/ downloads, so a client that asks faster than a person or a polite script
# gets 429 with Retry-After instead of taking workers from readers. The address is taken as
# for login protection: X-Forwarded-For only through DJANGO_TRUSTED_PROXY_COUNT proxies,
# counted from the right (DRF's default would trust a header the client wrote itself).
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": env.str("DJANGO_API_RATE_LIMIT", default="120/minute")},
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Event Records API",
    "DESCRIPTION": (
        "Read-only records of published events: who organised them, who spoke in which role "
        "with the title they held at the time, what was presented, and the source of each fact."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "ENUM_NAME_OVERRIDES": {
        "EventKindEnum": "events.models.Event.Kind",
        "PresentationKindEnum": "events.models.Presentation.Kind",
        "RoleKindEnum": "events.models.Role.Kind",
        "OrganizationKindEnum": "people.models.Organization.Kind",
    },
}
# Where `make backup` writes its archives (git-ignored under var/).
BACKUP_DIR = env.path("DJANGO_BACKUP_DIR", default=BASE_DIR / "var" / "backups")

# Longest query string any page accepts; longer ones get 414 before a view runs.
MAX_QUERY_STRING_LENGTH = env.int("DJANGO_MAX_QUERY_STRING_LENGTH", default=2048)

# --- Faults and bounds (README, "Faults") ------------------------------------------------------
# Request bodies, by address, refused from their Content-Length before anything reads them
# (webinar.security.RequestBodyLimitMiddleware): the sign-in form, public pages (the language
# switcher's form is the only one), and the admin's forms with uploads (materials are at
# most 25 MB, events.materials).
LOGIN_MAX_BODY_BYTES = env.int("DJANGO_LOGIN_MAX_BODY_BYTES", default=16 * 1024)
PUBLIC_MAX_BODY_BYTES = env.int("DJANGO_PUBLIC_MAX_BODY_BYTES", default=16 * 1024)
ADMIN_MAX_BODY_BYTES = env.int("DJANGO_ADMIN_MAX_BODY_BYTES", default=26 * 1024 * 1024)
# Form fields (not files) Django reads into memory, and how many; files above the memory
# size go to a temporary file instead of memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DJANGO_DATA_UPLOAD_MAX_MEMORY_SIZE", default=2621440)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env.int("DJANGO_DATA_UPLOAD_MAX_NUMBER_FIELDS", default=5000)
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("DJANGO_FILE_UPLOAD_MAX_MEMORY_SIZE", default=2621440)
# Seconds a reader is asked to wait (Retry-After) while the database does not answer.
DATABASE_RETRY_AFTER_SECONDS = env.int("DJANGO_DATABASE_RETRY_AFTER_SECONDS", default=10)
# Load balancers probe over plain http by address: the health endpoints are not redirected.
SECURE_REDIRECT_EXEMPT = [r"^health/"]
# --- Production serving: static files, sessions, shared cache, uploaded media ----------------
# Kept together so that `make serve`, deploy/ and bench/ have one place to read.

# Content-hashed, pre-compressed (gzip and Brotli) static files that WhiteNoise may cache for
# ten years. The manifest exists only after `collectstatic`, so the test suite and other
# uncollected runs set DJANGO_STATIC_MANIFEST=false and get plain file names.
STATIC_MANIFEST = env.bool("DJANGO_STATIC_MANIFEST", default=True)
STATICFILES_BACKEND = (
    "whitenoise.storage.CompressedManifestStaticFilesStorage"
    if STATIC_MANIFEST
    else "django.contrib.staticfiles.storage.StaticFilesStorage"
)

# Uploaded media: the local file system by default; an S3-compatible bucket when
# DJANGO_MEDIA_S3_BUCKET is set, so that several app servers share the same files.
MEDIA_S3_BUCKET = env.str("DJANGO_MEDIA_S3_BUCKET", default="")
if MEDIA_S3_BUCKET:
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": env.str("DJANGO_MEDIA_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("DJANGO_MEDIA_S3_REGION", default="") or None,
            "access_key": env.str("DJANGO_MEDIA_S3_ACCESS_KEY", default="") or None,
            "secret_key": env.str("DJANGO_MEDIA_S3_SECRET_KEY", default="") or None,
            # The media host (see deploy/nginx.conf), never the site's own origin.
            "custom_domain": env.str("DJANGO_MEDIA_S3_CUSTOM_DOMAIN", default="") or None,
            "querystring_auth": env.bool("DJANGO_MEDIA_S3_SIGNED_URLS", default=False),
            "file_overwrite": False,
            "default_acl": None,
        },
    }
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}

STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {"BACKEND": STATICFILES_BACKEND},
}

# Sessions live in the database only: any app server can answer any request, a cache flush
# logs nobody out, and a sign-out made while the cache is away cannot be undone by the
# cache's old copy of the session when it returns (as it could with cached_db). Only editors
# have sessions; one query per admin request is cheap next to the admin's own.
SESSION_ENGINE = env.str("DJANGO_SESSION_ENGINE", default="django.contrib.sessions.backends.db")

# --- Languages: English and Simplified Chinese (README, "Languages") -------------------------
# The reader's choice from the switcher is kept for a year in the language cookie; without it,
# "/" follows the browser's Accept-Language. Catalogues are in locale/ and compiled by the build.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEBUG and env.bool("DJANGO_SECURE_COOKIES", default=True)
# Dates as each language writes them: "9 September 2021" and "2021年9月9日".
FORMAT_MODULE_PATH = ["webinar.formats"]
# --- Public page cache (events/cache/) --------------------------------------------------------
# Anonymous pages are kept this many seconds at most (0 turns the cache off); a record change
# retires the pages that show the record (events/cache/keys.py), a bulk write every page.
# Several worker processes need a cache they share (CACHE_URL=redis://…, or filecache:// on
# one machine): with the per-process default (local memory) a change would reach only one worker.
PAGE_CACHE_ALIAS = "default"
PAGE_CACHE_SECONDS = env.int("DJANGO_PAGE_CACHE_SECONDS", default=600)
# The generation lives in the database (events/cache/generation.py); a process subscribed to
# Redis's announcements reads it again at most this often (otherwise on every request), so
# a lost announcement delays a change by no more than this.
PAGE_GENERATION_CHECK_SECONDS = env.float("DJANGO_PAGE_GENERATION_CHECK_SECONDS", default=1.0)
# With Redis, each process also keeps this many recently read pages in memory, checked against
# a generation that Redis publishes to every process, so a repeat hit needs no round trip.
PAGE_CACHE_LOCAL_PAGES = env.int("DJANGO_PAGE_CACHE_LOCAL_PAGES", default=500)
# Data that many pages share and that costs a scan of every published record (filter options,
# home page counts; events.cache.generation.remember) is kept this long at most, and retired by the
# same generation; 0 turns it off.
PUBLIC_DATA_CACHE_SECONDS = env.int("DJANGO_PUBLIC_DATA_CACHE_SECONDS", default=600)
# How long a worker waits for another worker's rebuild of such data before rebuilding it.
PUBLIC_DATA_WAIT_SECONDS = env.int("DJANGO_PUBLIC_DATA_WAIT_SECONDS", default=10)
# The public counts (events.cache.counts) are counted again by a task after each change; for
# this long after a change readers are shown the previous counts, then (no worker running?)
# a reader counts.
PUBLIC_COUNTS_GRACE_SECONDS = env.int("DJANGO_PUBLIC_COUNTS_GRACE_SECONDS", default=60)
# An HTTP cache in front of the app servers (deploy/varnish.vcl; events/cache/edge.py): the
# addresses its purges are sent to when records change (off when empty; then pages tell shared
# caches not to keep them), how long it may keep a page, and how long a purge may take.
EDGE_PURGE_URLS = env.list("DJANGO_EDGE_PURGE_URLS", default=[])
EDGE_CACHE_SECONDS = env.int("DJANGO_EDGE_CACHE_SECONDS", default=PAGE_CACHE_SECONDS)
EDGE_PURGE_TIMEOUT_SECONDS = env.float("DJANGO_EDGE_PURGE_TIMEOUT_SECONDS", default=1.0)
# After a cache loss, the first worker to miss a page renders it while the others wait this
# long at most for its copy (events/cache/coalesce.py; 0: every worker renders); its lock
# expires after PAGE_REBUILD_LOCK_SECONDS even if it never finishes.
PAGE_REBUILD_WAIT_SECONDS = env.float("DJANGO_PAGE_REBUILD_WAIT_SECONDS", default=2.0)
PAGE_REBUILD_LOCK_SECONDS = env.int("DJANGO_PAGE_REBUILD_LOCK_SECONDS", default=5)
