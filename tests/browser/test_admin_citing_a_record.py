"""Measured as an editor would: every passage of the Shanghai record cited again by
selection in the source's text, none typed, through the admin alone.

The record's facts are there but their quotes are gone (and its citations deleted); the
test selects each fact's passage in the panel, picks the fact, presses Cite, and saves,
counting the page loads and form submissions it takes. Figures: see the closing assertion
(the issue's editor needed 49 page loads and 23 submissions for a record of this size, most
of them copying 18 passages by hand)."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from events.models import Citation, Event, EventOrganization, KeyPoint, Presentation, Role
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser]

PASSWORD = "a-long-test-password-13"
FIXTURE = Path(settings.BASE_DIR) / "events/fixtures/shanghai_webinar.json"


def stored_quotes():
    quotes = []
    for model in [EventOrganization, Role, Presentation, KeyPoint, Citation]:
        for row in model.objects.all():
            quotes += [row.quote] + ([row.qa_quote] if getattr(row, "qa_quote", "") else [])
    return sorted(quotes)


@pytest.fixture
def uncited_shanghai(transactional_db):
    call_command("loaddata", "shanghai_webinar", verbosity=0)
    expected = stored_quotes()
    citations = list(Citation.objects.values_list("fact", "quote"))
    Citation.objects.all().delete()
    for model in [EventOrganization, Role, KeyPoint]:
        model.objects.update(quote="", source=None, quote_start=None, quote_end=None)
    Presentation.objects.update(
        quote="", qa_quote="", source=None, quote_start=None, qa_quote_start=None
    )
    user = UserFactory(username="editor", is_staff=True, is_superuser=True)
    user.set_password(PASSWORD)
    user.save()
    return expected, citations


def select_and_cite(page, words, target_id):
    """Select `words` in the source's text (as a mouse drag does) and cite them."""
    found = page.evaluate(
        """(words) => { const t = document.querySelector('.cite-text__input');
             const start = t.value.indexOf(words); if (start < 0) return false;
             t.focus(); t.setSelectionRange(start, start + words.length); return true; }""",
        words,
    )
    assert found, words
    page.select_option("#cite-target", target_id)
    page.click("#cite-button")


def test_shanghai_record_is_cited_by_selection_in_few_pages(
    uncited_shanghai, live_server, open_page
):
    expected, citations = uncited_shanghai
    loads, submissions = [], []
    page = open_page(f"{live_server.url}/admin/login/")
    # A page load is a document fetched (a redirect's target included); a submission, a POST.
    page.on(
        "request",
        lambda r: r.is_navigation_request() and r.method == "GET" and loads.append(r.url),
    )
    page.on(
        "request",
        lambda r: r.is_navigation_request() and r.method == "POST" and submissions.append(r.url),
    )
    loads.append(page.url)
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_load_state()

    # The event's page: its organizations, roles, presentations, Q&A and citations.
    fixture = json.loads(FIXTURE.read_text())
    by_model = {}
    for row in fixture:
        by_model.setdefault(row["model"], []).append(row["fields"])
    page.goto(f"{live_server.url}/admin/events/event/{Event.objects.get().pk}/change/")
    ordered = {
        "participations": sorted(by_model["events.eventorganization"], key=lambda f: f["order"]),
        "roles": sorted(by_model["events.role"], key=lambda f: f["order"]),
        "presentations": sorted(by_model["events.presentation"], key=lambda f: f["order"]),
    }
    for prefix, rows in ordered.items():
        for index, fields in enumerate(rows):
            select_and_cite(page, fields["quote"], f"id_{prefix}-{index}-quote")
            if fields.get("qa_quote"):
                select_and_cite(page, fields["qa_quote"], f"id_{prefix}-{index}-qa_quote")
    for index, (fact, quote) in enumerate(citations):
        page.click("#citations-group .add-row a")
        page.select_option(f"#id_citations-{index}-fact", fact)
        select_and_cite(page, quote, f"id_citations-{index}-quote")
    page.locator("input[name=_continue]").click()
    page.wait_for_load_state()
    assert "was changed successfully" in page.content()

    # Key points are edited on their presentation's page.
    for presentation in Presentation.objects.filter(key_points__isnull=False).distinct():
        page.goto(f"{live_server.url}/admin/events/presentation/{presentation.pk}/change/")
        points = sorted(
            (f for f in by_model["events.keypoint"] if f["presentation"][1] == presentation.slug),
            key=lambda f: f["order"],
        )
        for index, fields in enumerate(points):
            select_and_cite(page, fields["quote"], f"id_key_points-{index}-quote")
        page.locator("input[name=_continue]").click()
        page.wait_for_load_state()
        assert "was changed successfully" in page.content()

    assert stored_quotes() == expected
    # 24 facts: the login page and the admin's index, the event's page and its page again
    # after saving, the keynote's page and again after saving; the login and two saves.
    assert (len(loads), len(submissions)) == (6, 3)
