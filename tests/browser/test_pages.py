"""Every page type in a real Chromium: it renders, fits a phone, can be used with the keyboard
alone, and axe-core finds no WCAG 2.2 A/AA violation."""

import pytest

from tests.browser.conftest import WIDTHS

pytestmark = [pytest.mark.browser]

PAGE_TYPES = [
    "home",
    "event-list",
    "event",
    "presentation",
    "person",
    "organization",
    "people",
    "organizations",
    "data",
    "not-found",
    "event-changes",
    "event-version",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.mark.parametrize("page_type", PAGE_TYPES)
@pytest.mark.parametrize("width_name", list(WIDTHS))
def test_page_renders_and_fits_the_screen(site, open_page, screenshot_dir, page_type, width_name):
    width = WIDTHS[width_name]

    page = open_page(site[page_type], width=width)

    expected_status = 404 if page_type == "not-found" else 200
    assert page.response.status == expected_status
    assert page.locator("h1").count() == 1
    assert page.locator("h1").inner_text().strip()
    assert page.title().strip()
    assert page.locator("main").count() == 1
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page_type} scrolls sideways at {width}px ({scroll_width}px)"
    page.screenshot(path=screenshot_dir / f"{page_type}-{width}.png", full_page=True)


def test_shanghai_page_shows_the_record_and_reveals_evidence(site, open_page):
    page = open_page(site["event"])

    assert "Advancing SMART Cities" in page.locator("h1").inner_text()
    participants = page.locator('.glance .facts__row:has(dt:text-is("Participants")) dd')
    assert participants.inner_text().startswith("more than 200")
    quote = page.locator(".glance .evidence blockquote").filter(has_text="six speakers").first
    assert not quote.is_visible()

    page.locator('.glance .facts__row:has(dt:text-is("Speakers")) summary').click()

    assert quote.is_visible()


def test_event_list_filters_work_without_javascript(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site["home"].rstrip("/") + "/events/")

    page.select_option("#id_kind", "webinar")
    page.fill("#id_q", "Jing")
    page.get_by_role("button", name="Show events").click()

    assert "kind=webinar" in page.url
    assert page.get_by_role("heading", name="1 event").is_visible()
    assert page.get_by_text("Search: Jing").is_visible()
    context.close()


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_keyboard_alone_reaches_every_link(site, open_page, page_type):
    page = open_page(site[page_type])
    links = page.evaluate(
        """() => [...document.querySelectorAll('a[href]')]
            .filter(a => a.checkVisibility() || a.classList.contains('skip-link'))
            .map(a => a.href)"""
    )

    reached = []
    for _ in range(len(links) + 60):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement && document.activeElement.href")
        if focused:
            reached.append(focused)
        if set(links) <= set(reached):
            break

    missing = set(links) - set(reached)
    assert not missing, f"not reachable with Tab on {page_type}: {sorted(missing)}"
    first = page.evaluate("document.querySelector('a[href]').className")
    assert first == "skip-link"


def test_skip_link_moves_focus_to_the_content(site, open_page):
    page = open_page(site["event"])

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")

    assert page.evaluate("location.hash") == "#main"


@pytest.mark.parametrize("page_type", PAGE_TYPES)
@pytest.mark.parametrize("width_name", list(WIDTHS))
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_axe_finds_no_wcag_violation(site, open_page, page_type, width_name, language):
    from axe_playwright_python.sync_playwright import Axe

    page = open_page(
        site[page_type if language == "en" else f"{language}:{page_type}"], width=WIDTHS[width_name]
    )
    # Open every disclosure so that the quoted passages are checked too.
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})

    assert results.violations_count == 0, results.generate_report()


def test_focused_link_shows_a_visible_focus_ring(site, open_page):
    page = open_page(site["event"])

    page.keyboard.press("Tab")
    page.keyboard.press("Tab")

    style = page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
                   return [s.outlineStyle, parseFloat(s.outlineWidth), s.boxShadow]; }"""
    )
    assert style[0] != "none"
    assert style[1] >= 2
    assert style[2] != "none"


def test_print_shows_the_record_with_its_quotes_and_without_navigation(
    site, open_page, screenshot_dir
):
    page = open_page(site["event"])

    page.emulate_media(media="print")

    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".site-search").is_visible()
    quote = page.locator(".glance .evidence blockquote").filter(has_text="six speakers").first
    assert quote.is_visible()
    page.screenshot(path=screenshot_dir / "event-print.png", full_page=True)


def test_language_switcher_keeps_the_record_and_remembers_the_choice(site, open_page):
    page = open_page(site["event"])

    page.get_by_role("button", name="简体中文").click()

    assert page.url == site["zh-hans:event"]
    assert page.evaluate("document.documentElement.lang") == "zh-hans"
    assert page.locator("h1 [lang=en]").inner_text().startswith("Advancing SMART Cities")
    page.goto(site["root"])
    assert page.url == site["zh-hans:home"]


@pytest.mark.parametrize("page_type", ["event", "presentation", "person"])
def test_chinese_page_renders_and_fits_a_phone(site, open_page, screenshot_dir, page_type):
    width = WIDTHS["phone"]

    page = open_page(site[f"zh-hans:{page_type}"], width=width)

    assert page.response.status == 200
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page_type} scrolls sideways at {width}px ({scroll_width}px)"
    page.screenshot(path=screenshot_dir / f"zh-hans-{page_type}-{width}.png", full_page=True)


@pytest.mark.parametrize("width_name", list(WIDTHS))
def test_axe_finds_no_wcag_violation_on_identifiers_status_series_follow_and_preview(
    site, open_page, width_name
):
    from axe_playwright_python.sync_playwright import Axe

    from events.models import Event
    from tests.factories import EventFactory, EventSeriesFactory, PersonFactory, RoleFactory

    # Not a Shanghai person or event: its source gives no identifiers, status or series.
    person = PersonFactory(slug="ada-identified", orcid="0000-0002-1825-0097", wikidata="Q42")
    event = EventFactory(
        event_status=Event.EventStatus.RESCHEDULED,
        previous_start_date="2022-01-05",
        series=EventSeriesFactory(slug="forum-series"),
    )
    RoleFactory(person=person, organization=None, event=event)
    base = site["root"].rstrip("/")
    for url in [
        f"{base}/en/people/ada-identified/",
        f"{base}/en{event.get_absolute_url().removeprefix('/en')}",
        f"{base}/en/series/forum-series/",
        f"{base}/zh-hans/series/forum-series/",
        f"{base}/en/events/?year=2022",
        f"{base}/reconcile/preview/?id=person:yijia-jing",
    ]:
        page = open_page(url, width=WIDTHS[width_name])
        assert page.response.status == 200, url

        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})

        assert results.violations_count == 0, results.generate_report()


def test_link_to_a_fact_opens_its_evidence_and_copies_its_address(browser, site):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(site["event"] + "#fact-participants")
    evidence = page.locator("#fact-participants")

    assert evidence.evaluate("element => element.open")
    evidence.locator("a.fact-link").click()

    assert page.evaluate("navigator.clipboard.readText()") == site["event"] + "#fact-participants"
    assert "Link copied" in evidence.locator(".fact-link__status").inner_text()
    context.close()


def test_link_to_a_fact_works_without_javascript(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site["event"])
    page.locator('.glance .facts__row:has(dt:text-is("Participants")) summary').click()

    page.locator("#fact-participants a.fact-link").click()

    assert page.url == site["event"] + "#fact-participants"
    context.close()
