"""
English and Simplified Chinese: language-prefixed pages, the first visit chosen by the
browser, the switcher and the cookie that remembers it, complete catalogues, and record text
that falls back to English marked lang="en" instead of an invented translation.
"""

import json
import re
from pathlib import Path

import icalendar
import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from events.models import Event, EventOrganization, KeyPoint, Presentation, Role, Topic
from people.models import Organization, Person
from tests.factories import EventFactory, OrganizationFactory, PresentationFactory
from tests.standards import popolo
from tests.standards.schemaorg import vocabulary

pytestmark = pytest.mark.django_db

LOCALE = Path(settings.BASE_DIR) / "locale"


def visible_text(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def zh(view, *args):
    with translation.override("zh-hans"):
        return reverse(view, args=args)


# Catalogues


@pytest.mark.parametrize("language", ["en", "zh_Hans"])
def test_catalogue_has_no_untranslated_or_fuzzy_entry(language):
    catalogue = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))

    assert len(catalogue) > 300
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []
    assert not catalogue.metadata_is_fuzzy


def test_catalogues_hold_the_same_messages():
    english = polib.pofile(str(LOCALE / "en" / "LC_MESSAGES" / "django.po"))
    chinese = polib.pofile(str(LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"))

    assert {(e.msgctxt, e.msgid) for e in english} == {(e.msgctxt, e.msgid) for e in chinese}


def test_chinese_catalogue_keeps_every_placeholder():
    chinese = polib.pofile(str(LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    placeholder = re.compile(r"%\(\w+\)[sd]")

    for entry in chinese:
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            assert set(placeholder.findall(text)) == set(placeholder.findall(entry.msgid)), (
                entry.msgid
            )


def test_catalogues_are_compiled_for_the_site():
    # `make test` and `make run` compile them; a missing .mo file would show English silently.
    with translation.override("zh-hans"):
        assert translation.gettext("Events") == "活动"


# Addresses and the first visit


def test_pages_to_read_have_a_language_prefix_and_files_do_not():
    assert reverse("events:home") == "/en/"
    assert zh("events:list") == "/zh-hans/events/"
    assert zh("people:person", "yijia-jing") == "/zh-hans/people/yijia-jing/"
    assert zh("data:calendar") == "/data/events.ics"
    assert zh("api:event-list") == "/api/events/"
    assert zh("sitemap") == "/sitemap.xml"


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [
        ("zh-CN,zh;q=0.9,en;q=0.8", "/zh-hans/"),
        ("zh-Hans", "/zh-hans/"),
        ("en-GB,en;q=0.9", "/en/"),
        ("fr-FR", "/en/"),
    ],
)
def test_root_redirects_by_the_browser_language(client, accept_language, expected):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept_language)

    assert response.status_code == 302
    assert response["Location"] == expected


def test_unprefixed_record_address_redirects_to_the_reader_language(client, shanghai):
    response = client.get(f"/events/{shanghai.slug}/", HTTP_ACCEPT_LANGUAGE="zh-CN")

    assert response.status_code == 302
    assert response["Location"] == f"/zh-hans/events/{shanghai.slug}/"


def test_switcher_keeps_the_path_and_the_choice_is_remembered(client, shanghai):
    record = shanghai.get_absolute_url()

    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": record})

    assert response.status_code == 302
    assert response["Location"] == f"/zh-hans/events/{shanghai.slug}/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    assert (
        response.cookies[settings.LANGUAGE_COOKIE_NAME]["max-age"] == settings.LANGUAGE_COOKIE_AGE
    )
    # The next first page, whatever the browser prefers, is in the chosen language.
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en")["Location"] == "/zh-hans/"


def test_switcher_keeps_the_query_string(client):
    response = client.post(
        reverse("set_language"), {"language": "zh-hans", "next": "/en/events/?q=jing&year=2021"}
    )

    assert response["Location"] == "/zh-hans/events/?q=jing&year=2021"


def test_switcher_refuses_a_link_off_the_site(client):
    response = client.post(
        reverse("set_language"), {"language": "zh-hans", "next": "https://evil.example/"}
    )

    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_switcher_address_answers_get_with_405(client):
    assert client.get(reverse("set_language")).status_code == 405


def test_every_page_offers_the_other_language_on_the_same_record(client, shanghai):
    response = client.get(shanghai.get_absolute_url())

    page = response.content.decode()
    assert f'<input type="hidden" name="next" value="/en/events/{shanghai.slug}/">' in page
    assert '<button type="submit" name="language" value="zh-hans" lang="zh-hans">' in page
    assert '<span class="language-switcher__current" lang="en" aria-current="true">' in page


def test_page_head_links_each_language_version(client, shanghai):
    response = client.get(zh("events:detail", shanghai.slug))

    page = response.content.decode()
    site = settings.SITE_URL
    assert f'hreflang="en" href="{site}/en/events/{shanghai.slug}/"' in page
    assert f'hreflang="zh-Hans" href="{site}/zh-hans/events/{shanghai.slug}/"' in page
    assert f'hreflang="x-default" href="{site}/events/{shanghai.slug}/"' in page
    assert f'<link rel="canonical" href="{site}/zh-hans/events/{shanghai.slug}/">' in page


def test_files_are_the_same_whatever_the_browser_language(client, shanghai):
    english = client.get(reverse("data:event_jsonld", args=[shanghai.slug]))
    chinese = client.get(
        reverse("data:event_jsonld", args=[shanghai.slug]),
        HTTP_ACCEPT_LANGUAGE="zh-CN",
        HTTP_COOKIE=f"{settings.LANGUAGE_COOKIE_NAME}=zh-hans",
    )

    assert english.content == chinese.content
    assert "Accept-Language" not in chinese.get("Vary", "")


# The Shanghai record in Chinese


def test_shanghai_page_in_chinese_has_the_chinese_interface(client, shanghai):
    response = client.get(zh("events:detail", shanghai.slug))

    text = visible_text(response)
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in page
    for words in [
        "概览",
        "日期",
        "议程",
        "要点",
        "来源",
        "2021年9月9日",
        "线上网络研讨会",
        "超过200",
    ]:
        assert words in text, words
    assert "At a glance" not in text


def test_shanghai_page_in_chinese_marks_the_english_content(client, shanghai):
    response = client.get(zh("events:detail", shanghai.slug))

    page = response.content.decode()
    assert f'<h1><span lang="en">{shanghai.title_en}</span></h1>' in page
    keynote = shanghai.presentations.get(kind="keynote")
    assert f'<span lang="en">{escape(keynote.title_en)}</span>' in page
    assert '<span lang="en">Vice President, Shanghai Academy of Social Sciences</span>' in page
    # Where no lang can be marked, the English text stands in.
    assert f"<title>{shanghai.title_en} · 活动记录</title>" in page


def test_shanghai_page_in_english_marks_nothing(client, shanghai):
    response = client.get(shanghai.get_absolute_url())

    assert 'lang="en">' not in response.content.decode().split("<body>", 1)[1].replace(
        '<span class="language-switcher__current" lang="en"', ""
    )


def test_chinese_text_shows_where_an_editor_gave_it(client):
    organization = OrganizationFactory(name="Fudan University", name_zh_hans="复旦大学")
    event = EventFactory(title="Digital cities", title_zh_hans="数字城市")
    EventOrganization.objects.create(event=event, organization=organization)

    english_page = event.get_absolute_url()

    chinese = client.get(zh("events:detail", event.slug)).content.decode()
    english = client.get(english_page).content.decode()

    assert "<h1>数字城市</h1>" in chinese
    assert "复旦大学" in chinese
    assert "<h1>Digital cities</h1>" in english
    assert "<h1>数字城市</h1>" not in english


def test_person_and_organization_lists_in_chinese(client, shanghai):
    people = client.get(zh("people:person_list"))
    organizations = client.get(zh("people:organization_list"))

    assert "5 位人物，按姓氏字母顺序排列。" in visible_text(people)
    assert '<span lang="en">Fudan University</span>' in organizations.content.decode()


def test_error_page_in_chinese(client):
    response = client.get("/zh-hans/no-such-page/")

    assert response.status_code == 404
    assert "页面未找到" in visible_text(response)


# The fixture holds only what the source says


TRANSLATED = {
    Event: ["title", "description", "audience", "location"],
    Presentation: ["title", "summary"],
    KeyPoint: ["text"],
    Role: ["position_title"],
    Topic: ["name"],
    Organization: ["name", "short_name"],
    Person: ["honorific", "biography"],
}


def test_shanghai_fixture_invents_no_chinese_text(shanghai):
    for model, fields in TRANSLATED.items():
        for field in fields:
            filled = model.objects.exclude(**{f"{field}_zh_hans__isnull": True})
            assert not filled.exists(), (model.__name__, field)
    assert Event.objects.filter(title_en=shanghai.title_en).exists()


# Search


def test_search_finds_a_record_by_its_chinese_title(client):
    EventFactory(title="Digital cities", title_zh_hans="数字城市与治理")
    EventFactory(title="Something else")

    for url in [reverse("events:list"), zh("events:list")]:
        response = client.get(url, {"q": "城市"})

        assert [event.title_en for event in response.context["events"]] == ["Digital cities"]


def test_search_finds_a_record_by_a_chinese_presentation_title():
    event = EventFactory(title="Digital cities")
    PresentationFactory(event=event, title="Keynote", title_zh_hans="政务服务一网通办")

    assert list(Event.objects.search("一网通办")) == [event]


def test_search_in_chinese_still_finds_english_text(client, shanghai):
    response = client.get(zh("events:list"), {"q": "SMART"})

    assert [event.slug for event in response.context["events"]] == [shanghai.slug]


# Exports carry both languages where the format can


def test_jsonld_tags_each_language_once_a_translation_exists(client):
    event = EventFactory(title="Digital cities", title_zh_hans="数字城市")
    PresentationFactory(event=event, title="Keynote", title_zh_hans="主旨报告")

    data = client.get(reverse("data:event_jsonld", args=[event.slug])).json()

    assert data["name"] == [
        {"@value": "Digital cities", "@language": "en"},
        {"@value": "数字城市", "@language": "zh-Hans"},
    ]
    assert {"@value": "主旨报告", "@language": "zh-Hans"} in data["subEvent"][0]["name"]
    assert vocabulary().check(data) == []


def test_jsonld_of_the_english_only_shanghai_record_keeps_plain_text(client, shanghai):
    data = client.get(reverse("data:event_jsonld", args=[shanghai.slug])).json()

    assert data["name"] == shanghai.title_en
    assert vocabulary().check(data) == []


def test_calendar_says_the_language_of_its_text(client, shanghai):
    response = client.get(reverse("data:event_ics", args=[shanghai.slug]))

    vevent = icalendar.Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert vevent["SUMMARY"].params["LANGUAGE"] == "en"
    assert vevent["DESCRIPTION"].params["LANGUAGE"] == "en"


def test_popolo_lists_a_chinese_organization_name_as_other_name(client):
    organization = OrganizationFactory(name="Fudan University", name_zh_hans="复旦大学")
    EventOrganization.objects.create(event=EventFactory(), organization=organization)

    data = json.loads(client.get(reverse("data:popolo")).getvalue())

    (listed,) = [o for o in data["organizations"] if o["id"] == f"organization/{organization.slug}"]
    assert listed["name"] == "Fudan University"
    assert {"name": "复旦大学", "lang": "zh-Hans", "note": "Name in zh-Hans"} in listed[
        "other_names"
    ]
    assert popolo.errors("organization", listed) == []


def test_lists_keep_their_order_in_chinese(client, shanghai):
    english = client.get(reverse("people:organization_list")).context["organizations"]
    chinese = client.get(zh("people:organization_list")).context["organizations"]

    names = [organization.name_en for organization in english]
    assert names == sorted(names, key=str.casefold) or names == sorted(names)
    assert [organization.name_en for organization in chinese] == names


def test_api_gives_the_chinese_text_beside_the_english(client):
    event = EventFactory(title="Digital cities", title_zh_hans="数字城市")
    PresentationFactory(event=event, title="Keynote")

    data = client.get(reverse("api:event-detail", args=[event.slug])).json()

    assert data["title"] == "Digital cities"
    assert data["title_zh_hans"] == "数字城市"
    assert data["presentations"][0]["title_zh_hans"] is None


def test_bad_address_is_explained_in_the_reader_language(client):
    response = client.get(zh("events:list"), QUERY_STRING="q=%00")

    assert response.status_code == 400
    assert "网址中含有 NUL 字符。" in visible_text(response)


@pytest.mark.django_db
def test_choice_labels_follow_the_active_language_call_after_call():
    event = Event(kind=Event.Kind.WEBINAR)

    english_first = event.get_kind_display()
    with translation.override("zh-hans"):
        chinese = event.get_kind_display()
    english_again = event.get_kind_display()

    assert (english_first, chinese, english_again) == ("Webinar", "网络研讨会", "Webinar")
    assert Event(kind="not-a-kind").get_kind_display() == "not-a-kind"
