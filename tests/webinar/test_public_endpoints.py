"""Small public endpoints and editor-written text, reviewed for what they could give away or
let run: robots.txt, the favicon redirect, and markup typed into a record."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import EventFactory, PersonFactory, RoleFactory
from tests.urlwalk import public_urls

pytestmark = pytest.mark.django_db

MARKUP = '</script><script>alert("x")</script><img src=x onerror=alert(1)>'


def test_robots_txt_does_not_reveal_the_admin_address(client):
    response = client.get(reverse("robots"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert settings.ADMIN_URL.strip("/") not in response.content.decode()
    assert f"Sitemap: {settings.SITE_URL}" in response.content.decode()


def test_favicon_redirects_to_this_site_only(client):
    response = client.get(reverse("favicon"), HTTP_HOST="localhost")

    assert response.status_code == 301
    assert response["Location"].startswith("/")
    assert not response["Location"].startswith("//")


def test_markup_typed_by_an_editor_never_runs_on_a_public_page(client, shanghai):
    event = EventFactory(title=f"Summit {MARKUP}", description=MARKUP)
    person = PersonFactory(family_name=f"Doe{MARKUP}")
    RoleFactory(event=event, person=person, position_title=MARKUP)
    urls, _ = public_urls()
    pages = [u.url for u in urls] + [event.get_absolute_url(), person.get_absolute_url()]

    checked = 0
    for url in pages:
        response = client.get(url)
        # Calendars, CSV and JSON carry the text as data (and nosniff keeps browsers from
        # reading them as HTML); HTML and XML (feed, sitemap) must escape it.
        if not any(kind in response["Content-Type"] for kind in ("html", "xml")):
            continue
        checked += 1
        body = response.content.decode("utf-8", "replace")

        assert '<script>alert("x")' not in body, url
        assert "<img src=x onerror" not in body, url
    assert checked > 5
    event_page = client.get(event.get_absolute_url()).content.decode()
    assert "&lt;/script&gt;" in event_page or "\\u003C/script\\u003E" in event_page
