"""
The event page with every cache off (the bench's "cold" mode: page cache and fragments off),
asked through Django's test client: CPU and wall milliseconds per request (median), queries,
and with --profile the cProfile of those requests. Run with the benchmark's DATABASE_URL:

    python bench/cold_page.py [--profile] [--uncached] [--repeat 40] [path]
"""

import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webinar.settings")
os.environ["DJANGO_PAGE_CACHE_SECONDS"] = "0"
if "--uncached" not in sys.argv:
    # --uncached: the fragments kept in the cache, as the bench's "uncached" pages.
    os.environ["DJANGO_PUBLIC_DATA_CACHE_SECONDS"] = "0"

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from events.models import Event, Role  # noqa: E402


def median_event_path():
    """The event page bench/pages.py picks: the median number of roles."""
    published = Event.objects.published().filter(slug__startswith="demo-")
    rows = list(
        Role.objects.filter(event__in=published)
        .values_list("event__slug")
        .annotate(n=Count("pk"))
        .order_by("event__slug")[:2000]
    )
    middle = statistics.median_low(n for _, n in rows)
    return reverse("events:detail", kwargs={"slug": next(s for s, n in rows if n == middle)})


def main(argv):
    profile = "--profile" in argv
    repeat = int(argv[argv.index("--repeat") + 1]) if "--repeat" in argv else 40
    paths = [a for a in argv if a.startswith("/")]
    path = paths[0] if paths else median_event_path()
    client = Client()
    client.get(path)  # connection, templates, translations
    queries = []

    def count(execute, sql, *args):
        queries.append(sql)
        return execute(sql, *args)

    with connection.execute_wrapper(count):
        response = client.get(path)
    assert response.status_code == 200, response.status_code
    profiler = cProfile.Profile() if profile else None
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        client.get(path)
        if profiler:
            profiler.disable()
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    print(
        f"{path}: {len(queries)} queries, {len(response.content):,} bytes, "
        f"CPU {statistics.median(cpu):.1f} ms, wall {statistics.median(wall):.1f} ms "
        f"(median of {repeat}), load average {os.getloadavg()[0]:.1f}"
    )
    if profiler:
        stats = pstats.Stats(profiler).sort_stats("cumulative")
        stats.print_stats(60)
        stats.sort_stats("tottime").print_stats(40)


if __name__ == "__main__":
    main(sys.argv[1:])
