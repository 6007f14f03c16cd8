"""
The bench's search mix (bench/pages.py: 60 different searches) asked once each, one at a time,
through Django's test client with the page cache off: what one reader waits for each search
page, wall and CPU time (the steadier figure on a shared machine; with SQLite it includes the
database's work). Run with the benchmark's DATABASE_URL in the environment:

    python bench/search_timing.py      # prints p50 / p95 / max, then the figures as JSON
"""

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webinar.settings")
os.environ["DJANGO_PAGE_CACHE_SECONDS"] = "0"

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.pages import search_terms  # noqa: E402


def percentile(values, share):
    values = sorted(values)
    return round(values[min(len(values) - 1, int(share * len(values)))], 1)


def main():
    client = Client(HTTP_HOST="localhost")
    url = reverse("events:list")
    client.get(url, {"q": "warm-up"})
    wall, cpu = [], []
    for term in search_terms():
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url, {"q": term})
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, (term, response.status_code)
    figures = {
        name: {"p50": percentile(values, 0.5), "p95": percentile(values, 0.95), "max": max(values)}
        for name, values in (("wall_ms", wall), ("cpu_ms", cpu))
    }
    print(figures, file=sys.stderr)
    json.dump(figures, sys.stdout)
    print()


if __name__ == "__main__":
    main()
