"""Measured as an editor would: the Shanghai record recorded into an empty database through
the admin alone, every quote by selection in the source's text, none typed.

The editor logs in, opens "Add event", adds the source, the topics, the people and the
organizations from the boxes that need them (a dialog on the page each, no pop-up window),
fills the event's facts and its rows, cites each fact by selecting its passage, saves once,
then cites the keynote's key points on its page. Page loads and form submissions are counted
(the issue's editor needed 49 page loads and 23 submissions for a record of this size).
"""

import json
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings

from events.models import Citation, Event, EventOrganization, KeyPoint, Presentation, Role
from people.models import Organization, Person
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser]

PASSWORD = "a-long-test-password-13"
FIXTURE = json.loads(
    (Path(settings.BASE_DIR) / "events/fixtures/shanghai_webinar.json").read_text()
)


def rows(model):
    found = [row["fields"] for row in FIXTURE if row["model"] == model]
    return sorted(found, key=lambda fields: fields.get("order", 0))


def by_slug(model):
    return {row["fields"]["slug"]: row["fields"] for row in FIXTURE if row["model"] == model}


ORGANIZATIONS = by_slug("people.organization")
PEOPLE = by_slug("people.person")
TOPICS = by_slug("events.topic")
(SOURCE,) = rows("events.source")
(EVENT,) = rows("events.event")


def person_name(slug):
    return f"{PEOPLE[slug]['given_name']} {PEOPLE[slug]['family_name']}"


class Editor:
    """The editor's hands: boxes, dialogs, the cite panel."""

    def __init__(self, page):
        self.page = page
        self.organizations = set()
        self.people = set()

    def box(self, select_id, scope=None):
        """Open the autocomplete box of `select_id` and return its search field."""
        scope = scope or self.page
        scope.locator(f"#{select_id} + .select2 .select2-selection").click()
        return self.page.locator(".select2-container--open .select2-search__field").last

    def search(self, select_id, typed, scope=None):
        """Type in the box and wait for the records found."""
        search = self.box(select_id, scope)
        # Opening the box asks for every record (no term): wait for the answer to this term.
        with self.page.expect_response(
            lambda r: (
                "/admin/autocomplete/" in r.url
                and parse_qs(urlparse(r.url).query).get("term") == [typed]
            )
        ):
            search.fill(typed)
        return search

    def pick(self, select_id, typed, scope=None):
        """Choose the best match for `typed`, by keyboard."""
        search = self.search(select_id, typed, scope)
        self.page.locator(".select2-results__option--highlighted", has_text=typed).wait_for()
        search.press("Enter")
        chosen = self.page.evaluate(
            "(id) => Array.from(document.getElementById(id).selectedOptions, o => o.text)",
            select_id,
        )
        assert any(typed in text for text in chosen), (select_id, typed, chosen)

    def add_new(self, select_id, typed, fields, scope=None):
        """Type a name not recorded, choose "Add … as a new …", fill the dialog, add it."""
        dialogs = self.page.locator("dialog.quick-add")
        before = dialogs.count()
        self.search(select_id, typed, scope)
        self.page.locator(".select2-results__option", has_text="as a new").click()
        dialog = dialogs.nth(before)
        dialog.locator("form").wait_for()
        for name, value in fields.items():
            field = dialog.locator(f'[name$="-{name}"]').first
            if callable(value):
                value(dialog)
            elif field.evaluate("e => e.tagName") == "SELECT":
                field.select_option(value)
            else:
                field.fill(value)
        dialog.locator("button[type=submit]").click()
        self.page.wait_for_function(
            "(n) => document.querySelectorAll('dialog.quick-add').length === n", arg=before
        )

    def organization(self, select_id, slug, scope=None):
        """Choose the organization, adding it (and its parent) if it is not recorded yet."""
        fields = ORGANIZATIONS[slug]
        if slug in self.organizations:
            self.pick(select_id, fields["short_name"] or fields["name"], scope)
            return
        values = {"short_name_en": fields["short_name"], "kind": fields["kind"]}
        if fields["parent"]:
            (parent,) = fields["parent"]
            values["parent"] = lambda dialog: self.organization(
                "id_" + dialog.locator('[name$="-parent"]').get_attribute("name"), parent, dialog
            )
        self.add_new(select_id, fields["name"], values, scope)
        self.organizations.add(slug)

    def person(self, select_id, slug):
        if slug in self.people:
            self.pick(select_id, person_name(slug))
            return
        fields = PEOPLE[slug]
        self.add_new(select_id, person_name(slug), {"honorific_en": fields["honorific"]})
        self.people.add(slug)

    def cite(self, words, target_id):
        """Select `words` in the source's text (as a mouse drag does) and cite them."""
        found = self.page.evaluate(
            """(words) => { const t = document.querySelector('.cite-text__input');
                 const start = t.value.indexOf(words); if (start < 0) return false;
                 t.focus(); t.setSelectionRange(start, start + words.length); return true; }""",
            words,
        )
        assert found, words
        self.page.select_option("#cite-target", target_id)
        self.page.click("#cite-button")

    def add_row(self, group):
        self.page.click(f"#{group}-group .add-row a")


def recorded_facts():
    """What the record holds, as the fixture writes it."""
    event = Event.objects.get()
    return {
        "event": (
            event.title_en,
            event.slug,
            event.kind,
            str(event.start_date),
            str(event.end_date),
            event.attendance_mode,
            event.description_en,
            event.participant_count,
            event.participant_count_qualifier,
            event.audience_en,
            event.speaker_count,
            sorted(event.topics.values_list("slug", flat=True)),
        ),
        "organizations": sorted(
            (o.name, o.short_name or "", o.kind, o.parent.name if o.parent else None)
            for o in Organization.objects.select_related("parent")
        ),
        "people": sorted(
            (p.given_name, p.family_name, p.honorific or "") for p in Person.objects.all()
        ),
        "parts": [
            (p.organization.name, p.part, p.quote)
            for p in EventOrganization.objects.order_by("order")
        ],
        "roles": [
            (str(r.person), r.kind, r.position_title_en, r.organization.name, r.quote)
            for r in Role.objects.order_by("order")
        ],
        "presentations": [
            (
                p.title_en,
                p.slug,
                p.kind,
                p.summary_en,
                p.qa_followed,
                p.qa_quote,
                p.quote,
                [str(s) for s in p.speakers.all()],
            )
            for p in Presentation.objects.order_by("order")
        ],
        "key_points": [(k.text_en, k.quote) for k in KeyPoint.objects.order_by("order")],
        "citations": sorted((c.fact, c.quote) for c in Citation.objects.all()),
    }


def name(key):
    """The organization a fixture's natural key names, by its name (slugs are made anew)."""
    return ORGANIZATIONS[key[0]]["name"] if key else None


def fixture_facts():
    organizations = ORGANIZATIONS
    return {
        "event": (
            EVENT["title"],
            EVENT["slug"],
            EVENT["kind"],
            EVENT["start_date"],
            EVENT["end_date"],
            EVENT["attendance_mode"],
            EVENT["description"],
            EVENT["participant_count"],
            EVENT["participant_count_qualifier"],
            EVENT["audience"],
            EVENT["speaker_count"],
            sorted(topic[0] for topic in EVENT["topics"]),
        ),
        "organizations": sorted(
            (f["name"], f["short_name"], f["kind"], name(f["parent"]))
            for f in organizations.values()
        ),
        "people": sorted(
            (f["given_name"], f["family_name"], f["honorific"]) for f in PEOPLE.values()
        ),
        "parts": [
            (name(f["organization"]), f["part"], f["quote"])
            for f in rows("events.eventorganization")
        ],
        "roles": [
            (
                person_name(f["person"][0]),
                f["kind"],
                f["position_title"],
                name(f["organization"]),
                f["quote"],
            )
            for f in rows("events.role")
        ],
        "presentations": [
            (
                f["title"],
                f["slug"],
                f["kind"],
                f["summary"],
                f["qa_followed"],
                f["qa_quote"],
                f["quote"],
                [person_name(s[0]) for s in f["speakers"]],
            )
            for f in rows("events.presentation")
        ],
        "key_points": [(f["text"], f["quote"]) for f in rows("events.keypoint")],
        "citations": sorted((f["fact"], f["quote"]) for f in rows("events.citation")),
    }


def test_shanghai_record_is_recorded_into_an_empty_database_in_few_pages(
    transactional_db, live_server, open_page
):
    user = UserFactory(username="editor", is_staff=True, is_superuser=True)
    user.set_password(PASSWORD)
    user.save()
    loads, submissions, dialog_saves = [], [], []
    page = open_page(f"{live_server.url}/admin/login/")
    loads.append(page.url)
    # A page load is a document fetched (a redirect's target included), in any window; a
    # submission, a form POSTed by navigating; a dialog save, a record added from a box.
    context = page.context
    context.on(
        "request",
        lambda r: (
            r.is_navigation_request()
            and (loads if r.method == "GET" else submissions).append(r.url)
        ),
    )
    context.on(
        "request",
        lambda r: r.method == "POST" and "/quick-add/" in r.url and dialog_saves.append(r.url),
    )
    editor = Editor(page)
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/admin/events/event/add/")

    # The source, added from the event's "Sources" box; its text appears in the panel.
    editor.add_new("id_sources", SOURCE["title"], {"text": SOURCE["text"]})
    page.locator(".cite-text__input").wait_for()

    # The event's own facts.
    page.fill("#id_title_en", EVENT["title"])
    page.fill("#id_slug", EVENT["slug"])
    page.select_option("#id_kind", EVENT["kind"])
    page.fill("#id_start_date", EVENT["start_date"])
    page.fill("#id_end_date", EVENT["end_date"])
    page.select_option("#id_attendance_mode", EVENT["attendance_mode"])
    page.fill("#id_description_en", EVENT["description"])
    for slug in sorted(topic[0] for topic in EVENT["topics"]):
        editor.add_new("id_topics", TOPICS[slug]["name"], {"slug": slug})
    page.select_option("#id_participant_count_qualifier", EVENT["participant_count_qualifier"])
    page.fill("#id_participant_count", str(EVENT["participant_count"]))
    page.fill("#id_audience_en", EVENT["audience"])
    page.fill("#id_speaker_count", str(EVENT["speaker_count"]))

    for index, fields in enumerate(rows("events.eventorganization")):
        editor.add_row("participations")
        page.fill(f"#id_participations-{index}-order", str(fields["order"]))
        editor.organization(f"id_participations-{index}-organization", fields["organization"][0])
        page.select_option(f"#id_participations-{index}-part", fields["part"])
        editor.cite(fields["quote"], f"id_participations-{index}-quote")

    for index, fields in enumerate(rows("events.role")):
        editor.add_row("roles")
        page.fill(f"#id_roles-{index}-order", str(fields["order"]))
        page.select_option(f"#id_roles-{index}-kind", fields["kind"])
        editor.person(f"id_roles-{index}-person", fields["person"][0])
        page.fill(f"#id_roles-{index}-position_title_en", fields["position_title"])
        editor.organization(f"id_roles-{index}-organization", fields["organization"][0])
        editor.cite(fields["quote"], f"id_roles-{index}-quote")

    for index, fields in enumerate(rows("events.presentation")):
        editor.add_row("presentations")
        page.fill(f"#id_presentations-{index}-order", str(fields["order"]))
        page.select_option(f"#id_presentations-{index}-kind", fields["kind"])
        page.fill(f"#id_presentations-{index}-title_en", fields["title"])
        page.fill(f"#id_presentations-{index}-slug", fields["slug"])
        for (speaker,) in fields["speakers"]:
            editor.person(f"id_presentations-{index}-speakers", speaker)
        if fields["summary"]:
            page.fill(f"#id_presentations-{index}-summary_en", fields["summary"])
        editor.cite(fields["quote"], f"id_presentations-{index}-quote")
        if fields["qa_followed"]:
            page.check(f"#id_presentations-{index}-qa_followed")
            editor.cite(fields["qa_quote"], f"id_presentations-{index}-qa_quote")

    for index, fields in enumerate(rows("events.citation")):
        editor.add_row("citations")
        page.select_option(f"#id_citations-{index}-fact", fields["fact"])
        editor.cite(fields["quote"], f"id_citations-{index}-quote")

    page.locator("input[name=_continue]").click()
    page.wait_for_load_state()
    assert "was added successfully" in page.content(), page.locator(
        ".errornote, .errorlist"
    ).all_inner_texts()

    # Key points are edited on their presentation's page, reached from its row.
    keynote = "input[value='digital-transformation-and-urban-governance']"
    page.locator(f".inline-related:has({keynote}) a.inlinechangelink").click()
    page.wait_for_load_state()
    for index, fields in enumerate(rows("events.keypoint")):
        editor.add_row("key_points")
        page.fill(f"#id_key_points-{index}-order", str(fields["order"]))
        page.fill(f"#id_key_points-{index}-text_en", fields["text"])
        editor.cite(fields["quote"], f"id_key_points-{index}-quote")
    page.locator("input[name=_continue]").click()
    page.wait_for_load_state()
    assert "was changed successfully" in page.content()

    recorded, expected = recorded_facts(), fixture_facts()
    for kind, facts in expected.items():
        assert recorded[kind] == facts, kind
    # 5 people, 4 presentations, 3 organization parts and 24 cited facts (the aim: at most
    # 12 page loads and 8 submissions). Pages: login, the admin's index, "Add event", the
    # event again after its save, the keynote's page and again after its save. Submissions:
    # the login and the two saves. Dialog saves: one per new record (the source, 4 topics,
    # 5 people, 8 organizations), none loading a page.
    assert (len(loads), len(submissions), len(dialog_saves)) == (6, 3, 18)
