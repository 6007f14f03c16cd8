"""Timings at the demo archive: a reconciliation batch, suggest and the follow feeds.

Run against a database filled by `manage.py generate_demo_data --events 10000`:
    DJANGO_DEBUG=true DATABASE_URL=sqlite:////tmp/demo.sqlite3 CACHE_URL=dummycache:// \\
        DJANGO_ALLOWED_HOSTS=testserver .venv/bin/python bench/reconciliation_and_follow.py
"""

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webinar.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from events.models import Event  # noqa: E402
from people.models import Person  # noqa: E402

SHANGHAI = ["Professor Yijia Jing", "Jing Yijia", "Adriana Alberti", "Elliott Harris"]
SHANGHAI += ["Zhu Zongyao", "Wang Zhen"]


def timed(label, request, repeat=3):
    best = None
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = request()
            elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    print(f"{label}: {best * 1000:.0f} ms, {len(queries)} queries, status {response.status_code}")
    return response


def main():
    client = Client()
    print(
        "events", Event.objects.count(), "people", Person.objects.count(), "published",
        Event.objects.published().count(),
    )  # fmt: skip
    people = list(Event.objects.published().people().order_by("?")[:4])
    names = SHANGHAI + [person.name for person in people]
    queries = {f"q{n}": {"query": name} for n, name in enumerate(names)}
    answer = timed(
        "reconcile batch of 10",
        lambda: client.post("/reconcile/", {"queries": json.dumps(queries)}),
    ).json()
    for key, result in answer.items():
        best = result["result"][0] if result["result"] else {}
        print(f"  {names[int(key[1:])]!r} -> {best.get('name')!r} match={best.get('match')}")
    timed("suggest 'Ji'", lambda: client.get("/reconcile/suggest/entity/", {"prefix": "Ji"}))
    slug = people[0].slug
    timed("person feed", lambda: client.get(f"/people/{slug}.atom"))
    timed("person calendar", lambda: client.get(f"/people/{slug}.ics"))
    timed("search feed q=digital", lambda: client.get("/data/search.atom", {"q": "digital"}))
    timed("search calendar", lambda: client.get("/data/search.ics"))


if __name__ == "__main__":
    main()
