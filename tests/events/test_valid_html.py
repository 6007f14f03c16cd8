"""Every page type is valid HTML by the Nu Html Checker (vnu.jar from the npm package
vnu-jar, run with Java). Pages are rendered to files and checked in one Java call.

Skips where Java or node_modules/vnu-jar is missing, unless REQUIRE_HTML_CHECK=1 (set by CI)."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from events.models import Event
from people.models import Organization, Person
from tests.factories import (
    EventFactory,
    EventOrganizationFactory,
    EventSeriesFactory,
    OrganizationFactory,
    PersonFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db

VNU_JAR = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
OUT_DIR = Path(settings.BASE_DIR) / "artifacts" / "html"


def require_checker():
    java = shutil.which("java")
    if java and VNU_JAR.exists():
        return java
    reason = "Java is missing" if not java else f"{VNU_JAR.name} is missing (run npm ci)"
    if os.environ.get("REQUIRE_HTML_CHECK") == "1":
        pytest.fail(f"REQUIRE_HTML_CHECK=1 but {reason}", pytrace=False)
    pytest.skip(f"HTML validation skipped: {reason}.")


def person_with_identifiers(shanghai):
    """A person (not one of the Shanghai record's, whose source gives no identifiers) with
    every identifier a person can have, so the page's identifier links are checked."""
    person = Person.objects.filter(slug="ada-identified").first()
    if person is None:
        person = PersonFactory(
            slug="ada-identified",
            orcid="0000-0002-1825-0097",
            wikidata="Q42",
            isni="0000000121032683",
        )
        RoleFactory(event=shanghai, person=person, organization=None)
    return person


def organization_with_identifiers(shanghai):
    organization = Organization.objects.filter(slug="identified-institute").first()
    if organization is None:
        organization = OrganizationFactory(
            slug="identified-institute", ror="013q1eq08", wikidata="Q1065"
        )
        EventOrganizationFactory(event=shanghai, organization=organization)
    return organization


def rescheduled_event():
    """An event (not the Shanghai one, whose source names no series) rescheduled, in a series."""
    event = Event.objects.filter(slug="rescheduled-forum").first()
    if event is None:
        event = EventFactory(
            slug="rescheduled-forum",
            start_date="2022-06-01",
            event_status=Event.EventStatus.RESCHEDULED,
            previous_start_date="2022-03-01",
            series=EventSeriesFactory(slug="forum-series", description="Yearly forums."),
        )
    return event


def page_types(client, admin_client, shanghai):
    """Every kind of page, at its address in the active language."""
    event = shanghai.get_absolute_url()
    pages = {
        "home": (client, reverse("events:home")),
        "event-list": (client, reverse("events:list")),
        "event-list-filtered": (client, reverse("events:list") + "?q=jing&year=2021&kind=webinar"),
        "event-list-no-results": (client, reverse("events:list") + "?q=volcano"),
        "event-list-bad-filter": (client, reverse("events:list") + "?year=abc&kind=party"),
        "event": (client, event),
        "event-staff-preview": (admin_client, event),
        "presentation": (
            client,
            shanghai.presentations.get(kind="keynote").get_absolute_url(),
        ),
        "person": (client, reverse("people:person", args=["yijia-jing"])),
        "organization": (client, reverse("people:organization", args=["un-desa-dpidg"])),
        "organization-parent": (client, reverse("people:organization", args=["un-desa"])),
        "people": (client, reverse("people:person_list")),
        "organizations": (client, reverse("people:organization_list")),
        "data": (client, reverse("events:data")),
        "person-with-identifiers": (client, person_with_identifiers(shanghai).get_absolute_url()),
        "organization-with-identifiers": (
            client,
            organization_with_identifiers(shanghai).get_absolute_url(),
        ),
        "event-rescheduled": (client, rescheduled_event().get_absolute_url()),
        "event-list-with-status": (client, reverse("events:list") + "?year=2022"),
        "series": (client, rescheduled_event().series.get_absolute_url()),
        "reconciliation-preview": (
            client,
            reverse("reconciliation:preview") + "?id=person:yijia-jing",
        ),
        "not-found": (client, reverse("events:home") + "no-such-page/"),
        "event-changes": (client, reverse("events:event_changes", args=[shanghai.slug])),
        "event-version": (client, reverse("events:event_version", args=[shanghai.slug, 1])),
        "gone": (client, reverse("events:detail", args=[withdrawn_event().slug])),
        "event-version-kept": (client, changed_record_version(shanghai)),
    }
    pages["event-changes-listed"] = (client, reverse("events:event_changes", args=[shanghai.slug]))
    return pages


def changed_record_version(shanghai):
    """Version 1 of the Shanghai record rendered from the record it keeps, once a public
    change made version 2 (and gave the changes page a change to list)."""
    from events.models import Role
    from tests.factories import committed

    with committed():
        chair = Role.objects.get(event=shanghai, kind="chair")
        chair.position_title_en = "Chief of the Programme Management Unit"
        chair.save()
    return reverse("events:event_version", args=[shanghai.slug, 1])


def withdrawn_event():
    """A published event that was unpublished: its page answers 410 Gone."""
    from events.models import Event
    from tests.factories import EventFactory

    event = Event.objects.filter(slug="withdrawn-webinar").first() or EventFactory(
        slug="withdrawn-webinar"
    )
    event = Event.objects.get(pk=event.pk)
    event.status = Event.Status.DRAFT
    event.save()
    return event


def test_every_page_type_is_valid_html(client, admin_client, shanghai, settings):
    java = require_checker()
    pages = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            pages.update(
                {
                    f"{language}-{name}": page
                    for name, page in page_types(client, admin_client, shanghai).items()
                }
            )
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    files = []
    for name, (reader, url) in pages.items():
        response = reader.get(url)
        assert response.status_code < 500, f"{name} answered {response.status_code}"
        path = OUT_DIR / f"{name}.html"
        path.write_bytes(response.content)
        files.append(path)
    settings.ROOT_URLCONF = "tests.events.broken_urls"
    error_page = Client(raise_request_exception=False).get("/broken/")
    assert error_page.status_code == 500
    (OUT_DIR / "server-error.html").write_bytes(error_page.content)
    files.append(OUT_DIR / "server-error.html")

    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--format", "json", "--errors-only", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )

    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m.get("type") == "error" or m.get("subType") == "fatal"
    ]
    assert errors == [], "\n".join(errors)
