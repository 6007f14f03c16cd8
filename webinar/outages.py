"""
What readers get when part of the service is away: a 503 page with Retry-After while the
database does not answer (instead of the generic 500 page), and the health endpoints that
load balancers read.
"""

import sys
import time

from django.conf import settings
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from webinar.security import serves_json

# The errors Django raises when the database is unreachable or the connection is lost.
DATABASE_AWAY = (OperationalError, InterfaceError)


def server_error(request):
    """handler500: a 503 with Retry-After when the error is the database being away, else
    Django's 500 page. Django calls it inside its `except`, so the error is at hand."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_AWAY):
        return database_unavailable(request)
    return defaults.server_error(request)


def database_unavailable(request):
    retry = str(settings.DATABASE_RETRY_AFTER_SECONDS)
    if serves_json(request):
        response = JsonResponse(
            {"detail": "The records database is not answering; try again shortly."}, status=503
        )
    else:
        try:
            body = render_to_string("503.html", {"retry_after": retry})
        except Exception:
            # The page needs nothing from the database, but a fault elsewhere must still end
            # in a 503, not in a second error.
            body = "<!doctype html><title>Service unavailable</title><h1>Service unavailable</h1>"
        response = HttpResponse(body, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = retry
    response["Cache-Control"] = "no-store"
    return response


# --- Health endpoints for load balancers --------------------------------------------------
# /health/live/: the process answers (no database, no cache). /health/ready/: it can serve
# records: the database answers, every migration is applied, media storage accepts a file.
# The cache is reported but does not fail readiness: pages are served without it (README,
# "Faults"), and a Redis outage must not take every app server out of the load balancer.


def check_database():
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")


_migrations_applied = False


def check_migrations():
    """Every migration on disk is applied. Once true it stays true for this process's code,
    so the plan (which reads every migration file) is computed until it first is."""
    global _migrations_applied
    if _migrations_applied:
        return
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        raise RuntimeError(f"{len(plan)} migrations not applied")
    _migrations_applied = True


def check_cache():
    cache = caches["default"]
    key = "health-check"
    cache.set(key, "ok", 10)
    if cache.get(key) != "ok":
        raise RuntimeError("the cache did not keep a value")


def check_storage():
    storage = storages["default"]
    name = storage.save("health-check/probe.txt", ContentFile(b"ok"))
    try:
        if not storage.exists(name):
            raise RuntimeError("the stored file is not there")
    finally:
        storage.delete(name)


READINESS = {
    "database": (check_database, True),
    "migrations": (check_migrations, True),
    "storage": (check_storage, True),
    "cache": (check_cache, False),
}


def run_checks(checks):
    results, ready = {}, True
    for name, (check, required) in checks.items():
        started = time.perf_counter()
        try:
            check()
            result = {"status": "ok"}
        except Exception as error:
            result = {
                "status": "failing" if required else "degraded",
                "error": type(error).__name__,
            }
            ready = ready and not required
        result["ms"] = round((time.perf_counter() - started) * 1000, 1)
        results[name] = result
    return ready, results


@csrf_exempt
@require_safe
@never_cache
def liveness(request):
    return JsonResponse({"status": "ok"})


@csrf_exempt
@require_safe
@never_cache
def readiness(request):
    ready, results = run_checks(READINESS)
    return JsonResponse(
        {"status": "ok" if ready else "failing", "checks": results}, status=200 if ready else 503
    )
