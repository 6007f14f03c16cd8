"""
Print, as JSON, the addresses of the pages the benchmark loads, found the way a reader would
reach them: through reverse() and slugs read from the database (so a change of URL layout
does not break the harness). Run with the benchmark's DATABASE_URL in the environment:

    python bench/pages.py
"""

import json
import os
import random
import re
import statistics
import sys
from pathlib import Path
from urllib.parse import quote_plus

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webinar.settings")

import django  # noqa: E402

django.setup()

from django.db.models import Count  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from events.models import Event, Role  # noqa: E402
from people.models import Organization, Person  # noqa: E402


def first_url(*names):
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return "/"


def median_pick(rows):
    """The record whose count is the median among (slug, count) rows: a typical page,
    neither the emptiest nor the heaviest."""
    rows = list(rows)
    if not rows:
        raise SystemExit("No demo records: run manage.py generate_demo_data first.")
    middle = statistics.median_low(count for _, count in rows)
    return next(slug for slug, count in rows if count == middle)


def search_terms(count=60, seed=1):
    """What readers type, drawn from the records themselves (fixed seed, so every run asks
    the same): a word of an event title, a person's family name, a word of an organization's
    name, in turn. Common words match thousands of events, names a handful."""
    pick = random.Random(seed)
    published = Event.objects.published().filter(slug__startswith="demo-")
    titles = list(published.order_by("pk").values_list("title", flat=True)[:5000])
    names = list(Person.objects.order_by("pk").values_list("family_name", flat=True)[:5000])
    bodies = list(Organization.objects.order_by("pk").values_list("name", flat=True)[:2000])
    terms = []
    for n in range(count):
        source = (titles, names, bodies)[n % 3]
        words = [w for w in re.findall(r"\w+", pick.choice(source)) if len(w) > 3] or ["urban"]
        terms.append(pick.choice(words).lower())
    return terms


def main():
    published = Event.objects.published().filter(slug__startswith="demo-")
    public_roles = Role.objects.filter(event__in=published)
    # Counted from roles (one grouped query each), not per record, so that discovery stays
    # quick at 100,000 events.
    event = median_pick(
        public_roles.values_list("event__slug")
        .annotate(n=Count("pk"))
        .order_by("event__slug")[:2000]
    )
    person = median_pick(
        public_roles.values_list("person__slug")
        .annotate(n=Count("pk"))
        .order_by("person__slug")[:2000]
    )
    organization = median_pick(
        public_roles.filter(organization__parent__isnull=True)
        .values_list("organization__slug")
        .annotate(n=Count("pk"))
        .order_by("organization__slug")[:2000]
    )
    # A word that appears in many titles, as a reader's search would.
    term = os.environ.get("BENCH_SEARCH_TERM", "urban")
    search_param = os.environ.get("BENCH_SEARCH_PARAM", "q")
    event_list = reverse("events:list")
    pages = {
        "home": first_url("home", "events:home", "events:list"),
        "event list": event_list,
        "event list uncached": event_list,
        "home uncached": first_url("home", "events:home", "events:list"),
        "list with search": f"{event_list}?{search_param}={term}",
        "list with search uncached": f"{event_list}?{search_param}={term}",
        "event page": reverse("events:detail", kwargs={"slug": event}),
        "event page uncached": reverse("events:detail", kwargs={"slug": event}),
        "person page": reverse("people:person", kwargs={"slug": person}),
        "organization page": reverse("people:organization", kwargs={"slug": organization}),
    }
    search_mix = [f"{event_list}?{search_param}={quote_plus(term)}" for term in search_terms()]
    counts = {
        "events": Event.objects.filter(slug__startswith="demo-").count(),
        "published events": published.count(),
        "roles": public_roles.count(),
    }
    json.dump({"pages": pages, "search_mix": search_mix, "counts": counts}, sys.stdout)


if __name__ == "__main__":
    main()
