"""Link to one fact: anchors that stay put, the fact's own JSON with W3C Web Annotation
selectors, and text fragments that open the source at the quoted words."""

from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import translation
from lxml import html

from events.opendata.facts import text_directive, text_fragment_url
from tests.factories import (
    CitationFactory,
    EventFactory,
    KeyPointFactory,
    PresentationFactory,
    RoleFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

SOURCE_TEXT = (
    "The webinar was chaired by Ada Lovelace. More than 50 people attended. "
    "Ada Lovelace closed the webinar, and more than 50 people attended again the next day."
)


@pytest.fixture
def record():
    source = SourceFactory(text=SOURCE_TEXT, url="https://example.org/report?id=1")
    event = EventFactory(participant_count=50, participant_count_qualifier="more-than")
    CitationFactory(event=event, source=source, quote="The webinar was chaired by Ada Lovelace.")
    role = RoleFactory(event=event, source=source, quote="chaired by Ada Lovelace")
    presentation = PresentationFactory(event=event, source=source, quote="Ada Lovelace closed")
    point = KeyPointFactory(presentation=presentation, source=source, quote="the next day")
    return {"event": event, "role": role, "presentation": presentation, "point": point}


def anchors(client, url):
    tree = html.fromstring(client.get(url).content)
    return {
        element.get("id"): element
        for element in tree.xpath('//details[contains(@class, "evidence")]')
    }


def test_every_fact_with_evidence_has_an_anchor_and_a_plain_link_to_it(client, record):
    found = anchors(client, record["event"].get_absolute_url())

    assert set(found) == {
        "fact-participants",
        f"role-{record['role'].pk}",
        f"presentation-{record['presentation'].pk}",
        f"point-{record['point'].pk}",
    }
    for anchor, element in found.items():
        (link,) = element.xpath('.//a[@class="fact-link"]')
        assert link.get("href") == f"#{anchor}"
        assert link.text_content() == "Link to this fact"


def test_anchors_are_the_same_in_both_languages_and_after_other_edits(client, record):
    event = record["event"]
    english = set(anchors(client, event.get_absolute_url()))
    with translation.override("zh-hans"):
        chinese_url = event.get_absolute_url()
    chinese = set(anchors(client, chinese_url))

    # Another fact is edited and a new one added before the others.
    record["role"].quote = "The webinar was chaired"
    record["role"].save()
    new_role = RoleFactory(event=event, order=0, source=record["role"].source, quote="Ada")
    after = set(anchors(client, event.get_absolute_url()))

    assert english == chinese
    assert after == english | {f"role-{new_role.pk}"}


def test_fact_json_gives_value_quote_source_and_selectors(client, record):
    event, role = record["event"], record["role"]
    anchor = f"role-{role.pk}"

    response = client.get(reverse("api:event-fact", args=[event.slug, anchor]))

    assert response.status_code == 200
    fact = response.json()
    assert fact["id"] == anchor
    assert fact["url"].endswith(event.get_absolute_url() + "#" + anchor)
    assert fact["fact"] == "Speaker"
    assert fact["value"].startswith(role.person.name)
    assert fact["quote"] == "chaired by Ada Lovelace"
    assert fact["source"]["url"] == "https://example.org/report?id=1"
    quote_selector, position_selector = fact["selector"]
    assert quote_selector == {
        "type": "TextQuoteSelector",
        "exact": "chaired by Ada Lovelace",
        "prefix": "The webinar was ",
        "suffix": ". More than 50 people attended. ",
    }
    start, end = position_selector["start"], position_selector["end"]
    assert position_selector["type"] == "TextPositionSelector"
    assert SOURCE_TEXT[start:end] == "chaired by Ada Lovelace"


def test_fact_list_has_every_anchor_of_the_page(client, record):
    event = record["event"]

    listed = client.get(reverse("api:event-facts", args=[event.slug])).json()

    assert {fact["id"] for fact in listed} == set(anchors(client, event.get_absolute_url()))


def test_unknown_fact_and_draft_event_answer_404(client, record):
    draft = EventFactory(draft=True)
    CitationFactory(event=draft)

    unknown = reverse("api:event-fact", args=[record["event"].slug, "role-0"])
    drafts_fact = reverse("api:event-fact", args=[draft.slug, "fact-participants"])

    assert client.get(unknown).status_code == 404
    assert client.get(drafts_fact).status_code == 404
    assert client.get(reverse("api:event-facts", args=[draft.slug])).status_code == 404


def test_openapi_document_describes_the_fact_addresses(client):
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()

    assert "/api/events/{slug}/facts/{anchor}/" in schema["paths"]
    assert "/api/events/{slug}/facts/" in schema["paths"]


def test_text_fragment_encodes_the_directive_delimiters():
    directive = text_directive("Well-known, tried & tested")

    assert directive == "text=Well%2Dknown%2C%20tried%20%26%20tested"
    assert unquote(directive.removeprefix("text=")) == "Well-known, tried & tested"


def test_ambiguous_quote_gets_prefix_and_suffix_from_the_source():
    directive = text_directive("more than 50 people attended", SOURCE_TEXT.replace("More", "more"))

    assert directive == (
        "text=by%20Ada%20Lovelace.-,more%20than%2050%20people%20attended,-.%20Ada%20Lovelace"
    )


def test_long_quote_is_linked_by_its_first_and_last_words():
    quote = "Ada Lovelace closed the webinar, and more than 50 people attended again the next day."

    assert text_directive(quote, SOURCE_TEXT) == (
        "text=Ada%20Lovelace%20closed%20the%20webinar%2C,attended%20again%20the%20next%20day."
    )


def test_evidence_links_to_the_source_at_the_quote(client, record):
    element = anchors(client, record["event"].get_absolute_url())["fact-participants"]

    (link,) = element.xpath('.//a[text()="Open the source here"]')
    assert link.get("href") == (
        "https://example.org/report?id=1#:~:text="
        "The%20webinar%20was%20chaired%20by%20Ada%20Lovelace."
    )


def test_source_without_address_has_no_text_fragment(record):
    source = SourceFactory(url="")

    assert text_fragment_url(source, "anything") == ""
