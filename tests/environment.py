"""
Loaded by pytest (`-p tests.environment`) before Django reads its settings, so that the suite
runs with production-like settings (debug off) without a real secret or HTTPS.
"""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# No collectstatic before tests, so no manifest of hashed static file names.
os.environ.setdefault("DJANGO_STATIC_MANIFEST", "false")
# The API's rate limit is tested on its own (tests/events/test_api_throttling.py); the rest of
# the suite, schemathesis included, asks far faster than any reader.
os.environ.setdefault("DJANGO_API_RATE_LIMIT", "100000/minute")
# One process per test run: the per-process cache is fine here (and fast to clear), and is
# what most tests exercise; tests of the production default cache start their own servers.
os.environ.setdefault("CACHE_URL", "locmemcache://")
os.environ.setdefault("DJANGO_SINGLE_PROCESS", "true")
# The database's part of the page generation is read once per test (tests/conftest.py), so
# that query counts do not depend on how long a test ran; tests/events/test_cache_faults.py
# tests the reading itself.
os.environ.setdefault("DJANGO_PAGE_GENERATION_CHECK_SECONDS", "86400")
