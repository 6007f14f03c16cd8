"""
How many cached pages one edit leaves in the page cache (bench/README.md, fifth round):
reads BENCH_KEPT_EVENTS (200) published event pages and the person and organization pages
of their roles through Django's test client (page cache in local memory), saves one person
who appears in some of them, then reads every page again and counts those answered with no
query (still cached) and those rebuilt. Prints one JSON line. DATABASE_URL as for
manage.py; the saved person is saved unchanged (a save, not an edit of its fields).

    DATABASE_URL=… python bench/kept_after_edit.py
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webinar.settings")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "kept-after-edit-only-secret-key-0123456789-abcdefghij")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("DJANGO_STATIC_MANIFEST", "false")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
# The database's generation is read once a second at most; a slow loop would count it as a
# rebuild of every page.
os.environ["DJANGO_PAGE_GENERATION_CHECK_SECONDS"] = "3600"
# Room for every page: a cache that evicts the retirement clock retires every page.
os.environ["CACHE_URL"] = "locmemcache://?MAX_ENTRIES=1000000"
os.environ["DJANGO_SINGLE_PROCESS"] = "true"

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from events.models import Event, Role  # noqa: E402

EVENTS = int(os.environ.get("BENCH_KEPT_EVENTS", 200))


def main():
    events = list(Event.objects.published().order_by("pk")[:EVENTS])
    roles = Role.objects.filter(event__in=events).select_related("person", "organization")
    people = {role.person for role in roles}
    organizations = {role.organization for role in roles if role.organization}
    urls = [e.get_absolute_url() for e in events]
    urls += [p.get_absolute_url() for p in people] + [o.get_absolute_url() for o in organizations]
    client = Client(HTTP_HOST="127.0.0.1")
    for url in urls:
        client.get(url)
    # The person named by most of these events' roles.
    counts = {}
    for role in roles:
        counts[role.person] = counts.get(role.person, 0) + 1
    person = max(counts, key=counts.get)
    person.save()
    kept = rebuilt = 0
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        if len(queries):
            rebuilt += 1
        else:
            kept += 1
    showing = Event.objects.filter(pk__in=[e.pk for e in events]).filter(roles__person=person)
    print(
        json.dumps(
            {
                "pages": len(urls),
                "event pages": len(events),
                "events showing the person": showing.distinct().count(),
                "kept in the cache": kept,
                "rebuilt": rebuilt,
            }
        )
    )


if __name__ == "__main__":
    main()
