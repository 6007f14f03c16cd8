"""Review and conflicts in a real browser, at 1,280 and 1,024 px: an editor's change to the
published record waits; the publisher reads its diff and publishes it by keyboard; two
editors' saves merge, or the second is refused with the first's value beside the typed one."""

import pytest
from django.contrib.auth.models import Permission, User

from events.models import Event
from people.editing.revisions import PendingRevision

pytestmark = pytest.mark.django_db(transaction=True)

ADMIN_WIDTHS = [1280, 1024]
PASSWORD = "a long test password"


def staff_user(username, *, publisher):
    """Editors hold every record permission but publishing; Publishers hold that too (as the
    groups' data migration gives them, which a transactional test's flush removes)."""
    user = User.objects.create_user(username, f"{username}@example.org", PASSWORD, is_staff=True)
    permissions = Permission.objects.filter(content_type__app_label__in=["events", "people"])
    if not publisher:
        permissions = permissions.exclude(codename="publish_event")
    user.user_permissions.set(permissions)
    return user


@pytest.fixture
def signed_in(site, browser, live_server):
    """signed_in(user, path, width) → a page of `path` with `user` signed in."""
    contexts = []

    def open_(user, path, width):
        context = browser.new_context(viewport={"width": width, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server.url}/admin/login/?next={path}")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(f"**{path}")
        return page

    yield open_
    for context in contexts:
        context.close()


def change_path(event):
    return f"/admin/events/event/{event.pk}/change/"


def submit(page, button):
    with page.expect_navigation():
        page.locator(button).click()


def messages_text(page):
    return " ".join(page.locator(".messagelist li").all_inner_texts())


@pytest.mark.parametrize("width", ADMIN_WIDTHS)
def test_a_pending_change_shows_as_a_diff_and_is_published_by_keyboard(
    signed_in, live_server, screenshot_dir, width
):
    event = Event.objects.get()
    published_description = event.description_en
    editor = staff_user("editor", publisher=False)
    publisher = staff_user("publisher", publisher=True)

    page = signed_in(editor, change_path(event), width)
    page.fill("#id_description_en", "A reviewed description of the webinar.")
    submit(page, "#event_form input[name=_save]")
    assert "pending review" in messages_text(page)
    assert "1 change pending review." in page.locator(".field-review_state").inner_text()
    page.screenshot(path=str(screenshot_dir / f"admin-pending-form-{width}.png"), full_page=False)
    event.refresh_from_db()
    assert event.description_en == published_description

    revision = PendingRevision.objects.get()
    review = signed_in(publisher, revision.get_absolute_url(), width)
    table = review.locator("table.record-change")
    review.screenshot(path=str(screenshot_dir / f"admin-revision-diff-{width}.png"), full_page=True)
    assert "A reviewed description of the webinar." in table.locator("ins").all_inner_texts()
    assert published_description.split("\n")[0][:40] in table.locator("del").first.inner_text()
    box = table.bounding_box()
    assert box["x"] + box["width"] <= width, "the diff fits the window"
    # By keyboard: the note, then Tab to “Publish this change” and Enter.
    review.focus("#id_note")
    review.keyboard.type("Checked against the source.")
    review.keyboard.press("Tab")
    assert review.evaluate("document.activeElement.name") == "_publish"
    with review.expect_navigation():
        review.keyboard.press("Enter")

    assert "Published" in messages_text(review)
    event.refresh_from_db()
    assert event.description_en == "A reviewed description of the webinar."
    public = review.context.new_page()
    public.goto(f"{live_server.url}{event.get_absolute_url()}")
    assert "A reviewed description of the webinar." in public.content()


# At the narrower width only: the messages and fields are the same at 1,280 px (tried), and
# each run costs two editors' sessions.
@pytest.mark.parametrize("width", [1024])
def test_two_editors_merge_different_fields_and_are_refused_on_the_same(
    signed_in, screenshot_dir, width
):
    # A draft: editors change it directly, so their saves meet each other.
    event = Event.objects.get()
    Event.objects.filter(pk=event.pk).update(status=Event.Status.DRAFT)
    first, second = staff_user("first", publisher=False), staff_user("second", publisher=False)

    one = signed_in(first, change_path(event), width)
    two = signed_in(second, change_path(event), width)
    one.fill("#id_audience_en", "City officials")
    submit(one, "#event_form input[name=_continue]")
    two.fill("#id_location_en", "Online, hosted from Shanghai")
    submit(two, "#event_form input[name=_continue]")

    merged = messages_text(two).lower()
    assert "merged" in merged and "first changed audience" in merged
    event.refresh_from_db()
    assert (event.audience_en, event.location_en) == (
        "City officials",
        "Online, hosted from Shanghai",
    )

    # Both now change the audience: the second is refused, keeps what they typed, and reads
    # the first's value with who and when.
    one.fill("#id_audience_en", "Mayors")
    two.fill("#id_audience_en", "Urban planners")
    two.fill("#id_description_en", "Typed while the first editor saved.")
    submit(one, "#event_form input[name=_continue]")
    submit(two, "#event_form input[name=_continue]")
    two.screenshot(path=str(screenshot_dir / f"admin-conflict-{width}.png"), full_page=False)

    error = two.locator(".field-audience_en .errorlist, .form-row.field-audience .errorlist")
    assert "first changed this at" in error.first.inner_text().lower()
    assert "“Mayors”" in error.first.inner_text()
    assert two.input_value("#id_audience_en") == "Urban planners"
    assert two.input_value("#id_description_en") == "Typed while the first editor saved."
    event.refresh_from_db()
    assert event.audience_en == "Mayors"


@pytest.mark.parametrize("width", [1024])
def test_a_presentation_form_returns_to_its_event_by_keyboard(signed_in, screenshot_dir, width):
    event = Event.objects.get()
    presentation = event.presentations.order_by("order").first()
    publisher = staff_user("publisher", publisher=True)
    page = signed_in(publisher, f"/admin/events/presentation/{presentation.pk}/change/", width)
    page.screenshot(path=str(screenshot_dir / f"admin-presentation-{width}.png"), full_page=True)

    crumb = page.locator(".breadcrumbs a", has_text=event.title[:30])
    assert crumb.get_attribute("href") == change_path(event)
    button = page.locator("input[name=_return_to_event]")
    box = button.bounding_box()
    assert box and box["x"] + box["width"] <= width, "the button is in the window"
    # Right after “Save”, by Tab.
    page.focus("#presentation_form .submit-row input[name=_save]")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "_return_to_event"
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.url.endswith(change_path(event))
