"""
SHA-256 of the public pages of each kind, in English and Chinese, every cache off, through
Django's test client; each page is asked twice (a first and a second reader) and the HTML is
kept under DIR for a diff. For checking that a change leaves the HTML byte-identical; run
with the benchmark's DATABASE_URL:

    python bench/page_hashes.py DIR > hashes.txt
"""

import hashlib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webinar.settings")
os.environ["DJANGO_PAGE_CACHE_SECONDS"] = "0"
os.environ["DJANGO_PUBLIC_DATA_CACHE_SECONDS"] = "0"

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import translation  # noqa: E402

from events.models import Event, EventSeries, Presentation  # noqa: E402
from people.models import Organization, Person  # noqa: E402


def pages():
    published = Event.objects.published()
    event = published.order_by("pk")[len(published.values("pk")[:2000]) // 2]
    presentation = Presentation.objects.filter(event__in=published).order_by("pk").first()
    person = Person.objects.filter(roles__event__in=published).order_by("pk").first()
    organization = (
        Organization.objects.filter(event_participations__event__in=published)
        .order_by("pk")
        .first()
    )
    series = EventSeries.objects.published().order_by("pk").first()
    found = {
        "home": reverse("events:home"),
        "event list": reverse("events:list"),
        "event list, page 2": reverse("events:list") + "?page=2",
        "search": reverse("events:list") + "?q=urban",
        "event page": event.get_absolute_url(),
        "event page, first": published.order_by("pk").first().get_absolute_url(),
        "presentation page": presentation.get_absolute_url(),
        "person page": person.get_absolute_url(),
        "organization page": organization.get_absolute_url(),
        "people list": reverse("people:person_list"),
        "organizations list": reverse("people:organization_list"),
        "data page": reverse("events:data"),
    }
    if series is not None:
        found["series page"] = series.get_absolute_url()
    return found


def main(directory):
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    client = Client()
    for language in ("en", "zh-hans"):
        with translation.override(language):
            addresses = pages()
        for name, path in addresses.items():
            for reader in ("first", "second"):
                response = client.get(path)
                body = response.content
                slug = f"{language}-{name}-{reader}".replace(" ", "-").replace(",", "")
                (directory / f"{slug}.html").write_bytes(body)
                digest = hashlib.sha256(body).hexdigest()[:16]
                print(f"{language}\t{name}\t{reader}\t{response.status_code}\t{digest}\t{path}")


if __name__ == "__main__":
    main(sys.argv[1])
