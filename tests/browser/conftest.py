"""Real-browser tests: Playwright for Python drives Debian's Chromium against the live server.

They skip where Chromium or Playwright is missing, unless REQUIRE_BROWSER=1 (set by CI), which
turns the skip into a failure so a broken install cannot pass silently.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from events.models import Role

# Playwright's sync API runs an event loop in the test thread; Django refuses database access
# from a thread with a running loop unless told that this is deliberate.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Any request that leaves this machine fails at once instead of waiting on the network.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
WIDTHS = {"desktop": 1280, "phone": 390}


def missing_browser(reason):
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(f"Browser tests skipped: {reason} (set REQUIRE_BROWSER=1 to make this fail).")


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        missing_browser(f"no Chromium at {CHROMIUM}; install it with `apt-get install chromium`")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_browser("Playwright for Python is missing (pip install -r requirements-dev.txt)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser):
    """open_page(url, width=1280) → a Playwright page showing `url` at that viewport width."""
    contexts = []

    def open_(url, width=WIDTHS["desktop"]):
        context = browser.new_context(
            viewport={"width": width, "height": 900},
            is_mobile=width < 600,
            has_touch=width < 600,
        )
        contexts.append(context)
        page = context.new_page()
        response = page.goto(url)
        page.response = response
        return page

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def site(transactional_db, live_server):
    """The live server holding the Shanghai record; returns {page type: absolute URL}."""
    call_command("loaddata", "shanghai_webinar", verbosity=0)
    # One public change, so the changes page lists it field by field and version 1 is
    # rendered from the record it keeps.
    chair = Role.objects.get(event__slug="advancing-smart-cities-2021-09-09", kind="chair")
    chair.position_title_en = "Chief of the Programme Management Unit"
    chair.save()
    base = live_server.url
    pages = {}
    # English pages under their plain names, Chinese ones as "zh-hans:<name>".
    for language, key in [("en", "{}"), ("zh-hans", "zh-hans:{}")]:
        root = f"{base}/{language}"
        event = f"{root}/events/advancing-smart-cities-2021-09-09/"
        for name, url in {
            "home": f"{root}/",
            "event-list": f"{root}/events/?q=shanghai&year=2021",
            "event": event,
            "presentation": f"{event}digital-transformation-and-urban-governance/",
            "person": f"{root}/people/yijia-jing/",
            "organization": f"{root}/organizations/un-desa-dpidg/",
            "people": f"{root}/people/",
            "organizations": f"{root}/organizations/",
            "data": f"{root}/data/",
            "not-found": f"{root}/no-such-page/",
            "event-changes": f"{event}versions/",
            "event-version": f"{event}versions/1/",
        }.items():
            pages[key.format(name)] = url
    pages["root"] = f"{base}/"
    return pages


@pytest.fixture(scope="session")
def screenshot_dir():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
