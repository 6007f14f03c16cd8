"""
One request at a time through Django's test client to the pages that grow with the archive:
the public lists and their filters with the page cache off, remembered data (filter options,
counts) kept as between two edits, and then cleared before each request (the state right
after an edit); the admin change lists and the Shanghai change form (signed in as a
throw-away superuser). Wall time and the process's CPU time (on a shared machine, CPU time
is the steadier figure; with SQLite it includes the database's work). For bench/README.md's
"flat at 100,000" table. Run with the benchmark's DATABASE_URL in the environment:

    python bench/scale.py            # prints a table, then the figures as JSON
"""

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webinar.settings")
os.environ["DJANGO_PAGE_CACHE_SECONDS"] = "0"

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from events.models import Event, EventOrganization, Topic  # noqa: E402

SHANGHAI_SLUG = "advancing-smart-cities-2021-09-09"
BENCH_USER = "bench-scale-admin"


def public_pages():
    events = reverse("events:list")
    busiest = (
        EventOrganization.objects.values_list("organization__slug", flat=True)
        .order_by("organization__slug")
        .first()
    )
    topic = Topic.objects.order_by("slug").values_list("slug", flat=True).first()
    year = Event.objects.published().order_by("-start_date").values_list("start_date", flat=True)
    year = year.first().year if year.exists() else 2024
    return {
        "home": reverse("events:home"),
        "event list": events,
        "event list, page 100": f"{events}?page=100",
        "event list, year": f"{events}?year={year}",
        "event list, organization": f"{events}?organization={busiest}",
        "event list, topic": f"{events}?topic={topic}",
        "event list, kind": f"{events}?kind=conference",
        "people": reverse("people:person_list"),
        "people, page 100": reverse("people:person_list") + "?page=100",
        "organizations": reverse("people:organization_list"),
        "organizations, page 10": reverse("people:organization_list") + "?page=10",
    }


def admin_pages():
    pages = {
        "admin events": reverse("admin:events_event_changelist"),
        "admin events, search": reverse("admin:events_event_changelist") + "?q=urban",
        "admin people": reverse("admin:people_person_changelist"),
        "admin people, search": reverse("admin:people_person_changelist") + "?q=smith",
        "admin organizations": reverse("admin:people_organization_changelist"),
    }
    shanghai = Event.objects.filter(slug=SHANGHAI_SLUG).first()
    if shanghai:
        pages["admin Shanghai form"] = reverse("admin:events_event_change", args=[shanghai.pk])
    return pages


def measure(client, path, clear, repeat=3):
    client.get(path)  # connection, templates, translations
    timings, cpu = [], []
    for _ in range(repeat):
        if clear:
            cache.clear()
        with CaptureQueriesContext(connection) as queries:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
    return {
        "status": response.status_code,
        "queries": len(queries),
        "median_ms": round(sorted(timings)[len(timings) // 2], 1),
        "median_cpu_ms": round(sorted(cpu)[len(cpu) // 2], 1),
    }


def main():
    result = {"events": Event.objects.count()}
    public = Client(HTTP_HOST="localhost")
    staff = Client(HTTP_HOST="localhost")
    user, _ = get_user_model().objects.get_or_create(
        username=BENCH_USER, defaults={"is_staff": True, "is_superuser": True}
    )
    staff.force_login(user)
    try:
        for client, pages, suffix, clear in [
            (public, public_pages(), "", False),
            (public, public_pages(), " (after an edit)", True),
            (staff, admin_pages(), "", False),
        ]:
            for name, path in pages.items():
                figures = measure(client, path, clear)
                result[name + suffix] = figures
                print(
                    f"{name + suffix:<44} {figures['status']} {figures['queries']:>3} queries "
                    f"{figures['median_ms']:>9.1f} ms {figures['median_cpu_ms']:>8.1f} ms CPU",
                    file=sys.stderr,
                )
    finally:
        user.delete()
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
