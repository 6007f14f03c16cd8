"""Cite this record: the Cite section, its downloads (CSL-JSON, BibTeX, RIS) read back by
real parsers, the citation_* meta tags and the Signposting Link headers."""

import datetime
import json

import bibtexparser
import pytest
import rispy
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from lxml import html
from requests.utils import parse_header_links

from events.models import EventOrganization, Role
from people.models import Person
from tests.factories import (
    EventFactory,
    EventOrganizationFactory,
    OrganizationFactory,
    PersonFactory,
    PresentationFactory,
    RoleFactory,
)
from tests.standards.csl_data import validator

pytestmark = pytest.mark.django_db


@pytest.fixture
def talk():
    """A published presentation with a given-first and a family-first speaker, a chair and a
    host: everything a citation names."""
    event = EventFactory(
        title="Webinar on digital government",
        start_date=datetime.date(2021, 9, 9),
        published_at=timezone.make_aware(datetime.datetime(2021, 10, 4, 12)),
    )
    EventOrganizationFactory(
        event=event,
        organization=OrganizationFactory(name="Department of Economic & Social Affairs"),
        part=EventOrganization.Part.HOST,
    )
    RoleFactory(
        event=event,
        kind=Role.Kind.CHAIR,
        person=PersonFactory(given_name="Adriana", family_name="Alberti"),
    )
    speakers = [
        PersonFactory(given_name="Zongyao", family_name="Zhu"),
        PersonFactory(
            given_name="Yijia", family_name="Jing", name_order=Person.NameOrder.FAMILY_FIRST
        ),
    ]
    return PresentationFactory(event=event, title="Government Online-Offline", speakers=speakers)


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response, html.fromstring(response.content)


def cite_texts(tree):
    return {
        dt.text_content().strip(): " ".join(dd.text_content().split())
        for dt, dd in zip(
            tree.xpath('//section[@class="cite"]//dt'),
            tree.xpath('//section[@class="cite"]//dd'),
            strict=True,
        )
    }


def download(client, tree, media_type):
    (href,) = tree.xpath(f'//link[@rel="alternate"][@type="{media_type}"]/@href')
    response = client.get(href)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(media_type)
    assert response["Content-Disposition"].startswith("attachment")
    return response.content.decode()


def test_presentation_page_cites_in_apa_and_chicago_in_english(client, talk):
    _, tree = page(client, talk.get_absolute_url())

    texts = cite_texts(tree)

    assert list(texts) == ["APA (7th edition)", "Chicago (author-date)"]
    # Speakers in the order the page lists them.
    assert texts["APA (7th edition)"].startswith("Jing Yijia, & Zhu, Z. (2021, October 4).")
    assert "Government Online-Offline" in texts["APA (7th edition)"]
    assert "Webinar on digital government" in texts["Chicago (author-date)"]
    # Family first as written: never turned into "Yijia Jing" by a style.
    assert all("Yijia Jing" not in text for text in texts.values())


def test_chinese_page_cites_in_gb_t_7714_first(client, talk):
    with translation.override("zh-hans"):
        url = talk.get_absolute_url()
    _, tree = page(client, url)

    texts = cite_texts(tree)

    assert list(texts)[0] == "GB/T 7714-2015"
    gb = texts["GB/T 7714-2015"]
    assert gb.startswith("JING YIJIA, ZHU Z, 2021. Government Online-Offline, 线上, 2021年9月9日")
    assert "[Z/OL]" in gb and f"[{timezone.localdate():%Y-%m-%d}]" in gb
    assert "/zh-hans/" in gb


def test_event_page_cites_the_event_with_its_host(client, talk):
    _, tree = page(client, talk.event.get_absolute_url())

    apa = cite_texts(tree)["APA (7th edition)"]

    assert apa.startswith("Department of Economic & Social Affairs (organizer). (2021, October 4).")
    assert "Webinar on digital government" in apa


def test_csl_json_of_a_presentation_is_a_valid_speech(client, talk):
    _, tree = page(client, talk.get_absolute_url())

    items = json.loads(download(client, tree, "application/vnd.citationstyles.csl+json"))

    assert list(validator().iter_errors(items)) == []
    (item,) = items
    assert item["type"] == "speech"
    assert item["title"] == "Government Online-Offline"
    assert item["author"] == [
        {"family": "Jing", "given": "Yijia", "static-ordering": True},
        {"family": "Zhu", "given": "Zongyao"},
    ]
    assert item["event-title"] == "Webinar on digital government"
    assert item["event-date"] == {"date-parts": [[2021, 9, 9]]}
    assert item["event-place"] == "Online"
    assert item["chair"] == [{"family": "Alberti", "given": "Adriana"}]
    assert item["organizer"] == [{"literal": "Department of Economic & Social Affairs"}]
    assert item["issued"] == {"date-parts": [[2021, 10, 4]]}
    today = timezone.localdate()
    assert item["accessed"] == {"date-parts": [[today.year, today.month, today.day]]}
    assert item["URL"].endswith(talk.get_absolute_url())


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_csl_json_of_an_event_is_a_valid_event(client, talk, language):
    with translation.override(language):
        url = talk.event.get_absolute_url()
    _, tree = page(client, url)

    items = json.loads(download(client, tree, "application/vnd.citationstyles.csl+json"))

    assert list(validator().iter_errors(items)) == []
    assert items[0]["type"] == "event"
    assert items[0]["title"] == "Webinar on digital government"
    assert items[0]["URL"].endswith(url)
    assert items[0]["language"] == {"en": "en", "zh-hans": "zh-Hans"}[language]


def test_bibtex_reads_back_with_the_fields_of_the_csl_item(client, talk):
    _, tree = page(client, talk.get_absolute_url())
    (item,) = json.loads(download(client, tree, "application/vnd.citationstyles.csl+json"))

    library = bibtexparser.parse_string(
        download(client, tree, "application/x-bibtex"),
        append_middleware=[
            bibtexparser.middlewares.LatexDecodingMiddleware(),
            bibtexparser.middlewares.SeparateCoAuthors(),
            bibtexparser.middlewares.SplitNameParts(),
        ],
    )

    assert library.failed_blocks == []
    (entry,) = library.entries
    assert entry.entry_type == "misc"
    assert entry["title"] == item["title"]
    assert [(name.last, name.first) for name in entry["author"]] == [
        (["Jing"], ["Yijia"]),
        (["Zhu"], ["Zongyao"]),
    ]
    assert entry["eventtitle"] == item["event-title"]
    assert entry["eventdate"] == "2021-09-09"
    assert entry["venue"] == item["event-place"]
    assert [(name.last, name.first) for name in entry["editor"]] == [(["Alberti"], ["Adriana"])]
    assert entry["editortype"] == "chair"
    assert entry["organization"] == "Department of Economic & Social Affairs"
    assert entry["publisher"] == item["publisher"]
    assert entry["date"] == "2021-10-04"
    assert entry["url"] == item["URL"]
    assert entry["urldate"] == f"{timezone.localdate():%Y-%m-%d}"


def test_ris_reads_back_with_the_fields_of_the_csl_item(client, talk):
    _, tree = page(client, talk.get_absolute_url())
    (item,) = json.loads(download(client, tree, "application/vnd.citationstyles.csl+json"))

    (record,) = rispy.loads(download(client, tree, "application/x-research-info-systems"))

    assert record["type_of_reference"] == "SLIDE"
    assert record["title"] == item["title"]
    assert record["authors"] == ["Jing, Yijia", "Zhu, Zongyao"]
    assert record["secondary_title"] == item["event-title"]
    assert record["secondary_authors"] == ["Alberti, Adriana"]
    assert record["place_published"] == item["event-place"]
    assert record["date"] == "2021/09/09/"
    assert record["year"] == "2021"
    assert record["publisher"] == item["publisher"]
    assert record["urls"] == [item["URL"]]
    assert record["access_date"] == f"{timezone.localdate():%Y/%m/%d}/"
    assert record["language"] == item["language"]


def test_meta_tags_name_the_record_for_citation_managers(client, talk):
    response, tree = page(client, talk.get_absolute_url())

    def meta(name):
        return tree.xpath(f'//meta[@name="{name}"]/@content')

    assert meta("citation_title") == ["Government Online-Offline"]
    assert meta("citation_author") == ["Jing, Yijia", "Zhu, Zongyao"]
    assert meta("citation_publication_date") == ["2021/10/04"]
    assert meta("citation_conference_title") == ["Webinar on digital government"]
    assert meta("citation_publisher") == ["Event Records"]
    assert meta("citation_public_url")[0].endswith(talk.get_absolute_url())
    assert meta("citation_language") == ["en"]
    alternates = tree.xpath('//link[@rel="alternate"]/@type')
    assert {
        "application/vnd.citationstyles.csl+json",
        "application/x-bibtex",
        "application/x-research-info-systems",
    } <= set(alternates)


@pytest.mark.parametrize("record", ["event", "presentation"])
def test_signposting_links_name_cite_as_describedby_and_type(client, talk, record):
    url = talk.event.get_absolute_url() if record == "event" else talk.get_absolute_url()

    response = client.get(url)

    links = parse_header_links(response["Link"])
    by_rel = {}
    for link in links:
        by_rel.setdefault(link["rel"], []).append(link)
    assert [link["url"] for link in by_rel["cite-as"]] == [settings.SITE_URL + url]
    described = {link["type"]: link["url"] for link in by_rel["describedby"]}
    assert described["application/vnd.citationstyles.csl+json"].endswith(url + "cite.json")
    if record == "event":
        assert described["application/ld+json"].endswith(
            reverse("data:event_jsonld", args=[talk.event.slug])
        )
    assert "https://schema.org/AboutPage" in [link["url"] for link in by_rel["type"]]
    for link in by_rel["describedby"]:
        path = link["url"].removeprefix(settings.SITE_URL)
        assert client.get(path).status_code == 200


def test_draft_has_no_cite_section_and_no_downloads(admin_client, client):
    draft = EventFactory(draft=True)
    presentation = PresentationFactory(event=draft)

    response = admin_client.get(draft.get_absolute_url())

    assert b'class="cite"' not in response.content
    assert b"citation_title" not in response.content
    assert "Link" not in response
    for name in ("csl", "bibtex", "ris"):
        event_url = reverse(f"events:event_cite_{name}", args=[draft.slug])
        talk_url = reverse(f"events:presentation_cite_{name}", args=[draft.slug, presentation.slug])
        assert client.get(event_url).status_code == 404
        assert client.get(talk_url).status_code == 404


def test_bibtex_escapes_tex_characters_and_reads_back(client):
    event = EventFactory(title="Costs: 50% of {budget} & more_than #1")

    text = client.get(reverse("events:event_cite_bibtex", args=[event.slug])).content.decode()
    library = bibtexparser.parse_string(
        text, append_middleware=[bibtexparser.middlewares.LatexDecodingMiddleware()]
    )

    assert library.failed_blocks == []
    assert library.entries[0]["title"] == "Costs: 50% of {budget} & more_than #1"


def test_event_page_citation_adds_no_queries(client, django_assert_num_queries, talk):
    url = talk.event.get_absolute_url()
    client.get(url)  # formats the citations once (kept by content)
    from django.core.cache import cache

    cache.clear()

    # The same count as the page's budget (tests/events/test_views.py): nothing for citing,
    # nor for the change summary (read with the event's row for the render).
    with django_assert_num_queries(10):
        response = client.get(url)
    assert b'class="cite"' in response.content
