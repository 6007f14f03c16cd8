"""
Queries and time of one uncached request to each benchmark page (bench/pages.py), through
Django's test client, for the scale comparison in bench/README.md. Run with the benchmark's
DATABASE_URL in the environment:
    python bench/queries.py
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webinar.settings")
os.environ["DJANGO_PAGE_CACHE_SECONDS"] = "0"

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def main():
    pages = json.loads(
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "pages.py")],
            check=True,
            text=True,
            capture_output=True,
        ).stdout
    )["pages"]
    client = Client(HTTP_HOST="localhost")
    result = {}
    for page, path in pages.items():
        if "uncached" in page:
            continue
        client.get(path)  # warm connection and template caches
        timings = []
        for _ in range(5):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(path)
                timings.append((time.perf_counter() - started) * 1000)
        result[page] = {
            "status": response.status_code,
            "queries": len(queries),
            "median_ms": round(sorted(timings)[2], 1),
        }
        print(
            f"{page:<18} {response.status_code} {len(queries):>3} queries "
            f"{result[page]['median_ms']:>8.1f} ms"
        )
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
