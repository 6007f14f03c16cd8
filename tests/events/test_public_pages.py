"""The public site beyond the record page: home, list filters and search, people and
organization pages, error pages, robots.txt, sitemap.xml, and their query budgets."""

import datetime
import re

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from events.models import Event, EventOrganization
from events.search import documents as search_documents
from tests.factories import (
    EventFactory,
    EventOrganizationFactory,
    KeyPointFactory,
    OrganizationFactory,
    PersonFactory,
    PresentationFactory,
    RoleFactory,
    TopicFactory,
    committed,
)

pytestmark = pytest.mark.django_db


def visible_text(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def list_titles(response):
    return [event.title for event in response.context["events"]]


# Home


def test_home_shows_counts_and_links_to_the_shanghai_record(client, shanghai):
    response = client.get(reverse("events:home"))

    text = visible_text(response)
    assert response.status_code == 200
    assert "1 event" in text
    assert "5 people" in text
    assert "8 organizations" in text
    assert f'href="{shanghai.get_absolute_url()}"' in response.content.decode()
    assert f'action="{reverse("events:list")}"' in response.content.decode()


def test_home_counts_and_lists_only_published_events(client):
    EventFactory(title="Public briefing")
    RoleFactory(event=EventFactory(draft=True, title="Secret planning meeting"))

    response = client.get(reverse("events:home"))

    text = visible_text(response)
    assert "1 event" in text
    assert "0 people" in text
    assert "Public briefing" in text
    assert "Secret planning meeting" not in text


def test_home_with_nothing_published_says_so(client):
    assert "No events have been published yet." in visible_text(client.get(reverse("events:home")))


# Event list: order, pagination, filters, search


def test_event_list_is_newest_first(client):
    EventFactory(title="Older", start_date=datetime.date(2020, 1, 1))
    EventFactory(title="Newer", start_date=datetime.date(2023, 1, 1))

    response = client.get(reverse("events:list"))

    assert list_titles(response) == ["Newer", "Older"]


@override_settings(EVENTS_PER_PAGE=20)
def test_event_list_paginates_and_keeps_filters_in_page_links(client):
    for n in range(25):
        EventFactory(kind=Event.Kind.WEBINAR, start_date=datetime.date(2022, 1, 1 + n))

    first = client.get(reverse("events:list"), {"kind": "webinar"})
    second = client.get(reverse("events:list"), {"kind": "webinar", "page": 2})

    assert len(first.context["events"]) == 20
    assert "Page 1 of 2" in visible_text(first)
    assert 'href="?kind=webinar&amp;page=2"' in first.content.decode()
    assert len(second.context["events"]) == 5


@pytest.mark.parametrize("page", ["0", "99", "abc", "-1", "1.5"])
def test_event_list_bad_page_answers_404(client, page):
    EventFactory()
    assert client.get(reverse("events:list"), {"page": page}).status_code == 404


def test_event_list_filters_by_year(client):
    EventFactory(title="In 2021", start_date=datetime.date(2021, 5, 1))
    EventFactory(title="In 2022", start_date=datetime.date(2022, 5, 1))

    response = client.get(reverse("events:list"), {"year": "2021"})

    assert list_titles(response) == ["In 2021"]
    assert "Year: 2021" in visible_text(response)


def test_event_list_filters_by_kind_and_mode(client):
    EventFactory(title="Online webinar", kind="webinar", attendance_mode="online")
    EventFactory(title="Online workshop", kind="workshop", attendance_mode="online")
    EventFactory(title="Hall workshop", kind="workshop", attendance_mode="in-person")

    response = client.get(reverse("events:list"), {"kind": "workshop", "mode": "online"})

    assert list_titles(response) == ["Online workshop"]
    text = visible_text(response)
    assert "Kind: Workshop" in text
    assert "Attendance: Online" in text


def test_event_list_filters_by_organization_without_duplicates(client):
    organization = OrganizationFactory(slug="desa", short_name="DESA")
    hosted = EventFactory(title="Hosted")
    EventOrganizationFactory(event=hosted, organization=organization, part="host")
    EventOrganizationFactory(event=hosted, organization=organization, part="sponsor")
    EventOrganizationFactory(event=EventFactory(title="Elsewhere"))

    response = client.get(reverse("events:list"), {"organization": "desa"})

    assert list_titles(response) == ["Hosted"]
    assert "Organization: DESA" in visible_text(response)


def organization_options(response):
    return re.findall(
        r'<option value="([^"]+)"', response.content.decode().split('name="organization"')[1]
    )[: len(response.context["form"].fields["organization"].choices)]


def test_event_list_offers_the_busiest_organizations_and_accepts_any_other(client):
    busiest = OrganizationFactory(slug="busiest", name="Busiest Bureau")
    for _ in range(3):
        EventOrganizationFactory(event=EventFactory(), organization=busiest)
    quiet = []
    for number in range(35):
        organization = OrganizationFactory(slug=f"quiet-{number:02}", name=f"Quiet {number:02}")
        EventOrganizationFactory(
            event=EventFactory(title=f"Quiet event {number:02}"), organization=organization
        )
        quiet.append(organization)

    offered = organization_options(client.get(reverse("events:list")))
    chosen = client.get(reverse("events:list"), {"organization": "quiet-34"})

    assert len(offered) == 30
    assert offered[0] == "busiest"
    assert "quiet-34" not in offered
    assert chosen.status_code == 200
    assert list_titles(chosen) == ["Quiet event 34"]
    assert "Organization: Quiet 34" in visible_text(chosen)
    assert '<option value="quiet-34" selected>' in chosen.content.decode()


def test_event_list_filter_options_follow_a_record_change_at_once(client):
    EventFactory(start_date=datetime.date(2021, 5, 1))
    assert "2019" not in offered_years(client)

    EventFactory(start_date=datetime.date(2019, 5, 1))

    assert "2019" in offered_years(client)


def offered_years(client):
    form = client.get(reverse("events:list"), {"kind": "webinar"}).context["form"]
    return [str(value) for value, _ in form.fields["year"].choices]


def test_event_list_filters_by_topic(client):
    topic = TopicFactory(slug="smart-cities", name="SMART cities")
    tagged = EventFactory(title="Tagged")
    tagged.topics.add(topic)
    EventFactory(title="Untagged")

    response = client.get(reverse("events:list"), {"topic": "smart-cities"})

    assert list_titles(response) == ["Tagged"]


def test_event_list_filter_choices_come_only_from_published_events(client):
    draft = EventFactory(draft=True, start_date=datetime.date(1999, 1, 1))
    EventOrganizationFactory(event=draft, organization=OrganizationFactory(name="Hidden body"))
    draft.topics.add(TopicFactory(name="Hidden topic"))
    EventFactory(start_date=datetime.date(2022, 1, 1))

    page = client.get(reverse("events:list")).content.decode()

    assert "1999" not in page
    assert "Hidden body" not in page
    assert "Hidden topic" not in page


@pytest.mark.parametrize(
    "params",
    [{"year": "abc"}, {"year": "1850"}, {"kind": "party"}, {"mode": "teleport"}],
)
def test_event_list_unknown_filter_value_answers_400_with_a_message(client, params):
    EventFactory()

    response = client.get(reverse("events:list"), params)

    assert response.status_code == 400
    assert "Some filters could not be understood" in visible_text(response)
    assert list(response.context["events"]) == []


def test_event_list_unknown_organization_answers_400(client):
    EventFactory()
    response = client.get(reverse("events:list"), {"organization": "no-such-body"})
    assert response.status_code == 400


def test_event_list_filters_and_search_combine(client):
    EventFactory(title="Digital cities 2021", start_date=datetime.date(2021, 1, 1))
    EventFactory(title="Digital cities 2022", start_date=datetime.date(2022, 1, 1))
    EventFactory(title="Water 2021", start_date=datetime.date(2021, 2, 1))

    response = client.get(reverse("events:list"), {"q": "digital", "year": "2021"})

    assert list_titles(response) == ["Digital cities 2021"]
    text = visible_text(response)
    assert "Search: digital" in text
    assert "Year: 2021" in text


def test_event_list_applied_filter_links_remove_only_that_filter(client):
    EventFactory(start_date=datetime.date(2021, 1, 1), kind="webinar")

    page = client.get(reverse("events:list"), {"year": "2021", "kind": "webinar"}).content
    page = page.decode()

    assert f'href="{reverse("events:list")}?kind=webinar"' in page
    assert f'href="{reverse("events:list")}?year=2021"' in page


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("governance", "title"),
        ("GOVERNANCE", "title"),
        ("mangroves", "description"),
        ("resilient", "presentation title"),
        ("Lovelace", "role person"),
        ("Ada Lovelace", "role person, both words"),
        ("Hopper", "speaker"),
        ("Atlantis", "organization name"),
        ("AIPA", "organization short name"),
    ],
)
def test_event_search_finds_events_by_each_field(client, query, field):
    event = EventFactory(title="Public governance talk", description="On mangroves.")
    PresentationFactory(
        event=event,
        title="Resilient ports",
        speakers=[PersonFactory(given_name="Grace", family_name="Hopper")],
    )
    RoleFactory(event=event, person=PersonFactory(given_name="Ada", family_name="Lovelace"))
    EventOrganizationFactory(
        event=event, organization=OrganizationFactory(name="Atlantis Institute", short_name="AIPA")
    )
    EventFactory(title="Unrelated meeting")

    response = client.get(reverse("events:list"), {"q": query})

    assert list_titles(response) == ["Public governance talk"], field


def test_event_search_with_no_results_says_so(client):
    EventFactory(title="Budget hearing")

    response = client.get(reverse("events:list"), {"q": "volcano"})

    assert response.status_code == 200
    assert "0 events" in visible_text(response)
    assert "No published event matches" in visible_text(response)


@pytest.mark.parametrize(
    "query", ["%", "_", "' OR 1=1 --", "<script>alert(1)</script>", "   ", "日本語", "a\\b"]
)
def test_event_search_odd_input_is_answered_safely(client, query):
    EventFactory(title="Budget hearing")

    response = client.get(reverse("events:list"), {"q": query})

    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()
    if query.strip():
        assert list_titles(response) == []


def test_event_search_too_long_answers_400(client):
    response = client.get(reverse("events:list"), {"q": "x" * 201})
    assert response.status_code == 400


def test_event_search_never_finds_drafts(client):
    EventFactory(draft=True, title="Secret governance retreat")
    response = client.get(reverse("events:list"), {"q": "secret"})
    assert list_titles(response) == []


def test_event_search_queryset_method_matches_words_anywhere(shanghai):
    assert list(Event.objects.published().search("Yijia Jing")) == [shanghai]
    assert list(Event.objects.published().search("big data center")) == [shanghai]
    assert list(Event.objects.published().search("Jing volcano")) == []


# The record page's reading aids


def test_event_page_shows_speakers_reported_and_named(client, shanghai):
    text = visible_text(client.get(shanghai.get_absolute_url()))
    assert "6 speakers reported, 5 named in the record" in text


def test_event_page_reveals_the_quoted_passage_for_a_count(client, shanghai):
    page = client.get(shanghai.get_absolute_url()).content.decode()
    assert '<details class="evidence" id="fact-participants">' in page
    assert "There were six speakers and more than 200 participants" in page


def test_event_page_has_sharing_and_canonical_tags(client, shanghai):
    page = client.get(shanghai.get_absolute_url()).content.decode()
    assert f'<link rel="canonical" href="http://127.0.0.1:8000{shanghai.get_absolute_url()}">' in (
        page
    )
    assert '<meta property="og:type" content="article">' in page
    assert '<meta name="twitter:card" content="summary">' in page
    assert page.count("<h1") == 1


def test_staff_preview_of_a_draft_asks_search_engines_not_to_index(admin_client):
    draft = EventFactory(draft=True)
    page = admin_client.get(draft.get_absolute_url()).content.decode()
    assert '<meta name="robots" content="noindex">' in page


def test_published_event_page_may_be_indexed(client):
    page = client.get(EventFactory().get_absolute_url()).content.decode()
    assert "noindex" not in page


def test_event_page_with_a_time_shows_it_with_its_zone(client):
    event = EventFactory(
        start_time=datetime.time(14, 0), end_time=datetime.time(16, 0), time_zone="Asia/Shanghai"
    )
    text = visible_text(client.get(event.get_absolute_url()))
    assert "1 March 2022, 14:00–16:00 CST, UTC+8" in text


def test_presentation_page_links_back_to_its_event(client, shanghai):
    keynote = shanghai.presentations.get(kind="keynote")
    response = client.get(keynote.get_absolute_url())
    assert f'href="{shanghai.get_absolute_url()}"' in response.content.decode()
    assert "Questions and answers" in visible_text(response)


def test_unknown_presentation_answers_404(client, shanghai):
    url = reverse("events:presentation", args=[shanghai.slug, "no-such-talk"])
    assert client.get(url).status_code == 404


# People and organizations


def test_person_page_shows_presentations(client, shanghai):
    text = visible_text(client.get(reverse("people:person", args=["yijia-jing"])))
    assert "Professor" in text
    assert "Keynote speaker" in text
    assert (
        "Title at the time: Professor, Institute for Global Public Policy, Fudan University" in text
    )
    assert "Digital Transformation and Urban Governance" in text


def test_unknown_person_answers_404(client):
    assert client.get(reverse("people:person", args=["nobody"])).status_code == 404


def test_organization_page_shows_breadcrumb_of_parents_and_sub_units(client, shanghai):
    response = client.get(reverse("people:organization", args=["un-desa-dpidg"]))
    text = visible_text(response)
    assert "Home Organizations UN DESA Division for Public Institutions" in text
    assert "Adriana Alberti" in text

    parent = client.get(reverse("people:organization", args=["un-desa"]))
    assert "Parts of this organization" in visible_text(parent)


def test_unknown_organization_answers_404(client):
    assert client.get(reverse("people:organization", args=["nobody"])).status_code == 404


def test_people_list_paginates_at_fifty(client):
    event = EventFactory()
    for n in range(55):
        RoleFactory(event=event, person=PersonFactory(family_name=f"Name{n:02d}"))

    first = client.get(reverse("people:person_list"))
    second = client.get(reverse("people:person_list"), {"page": 2})

    assert len(first.context["people"]) == 50
    assert "55 people" in visible_text(first)
    assert len(second.context["people"]) == 5
    assert client.get(reverse("people:person_list"), {"page": 3}).status_code == 404


def test_organization_list_is_alphabetical(client):
    event = EventFactory()
    for name in ["Zeta Agency", "Alpha Office", "Mu Institute"]:
        EventOrganizationFactory(event=event, organization=OrganizationFactory(name=name))

    text = visible_text(client.get(reverse("people:organization_list")))

    positions = [text.index(name) for name in ["Alpha Office", "Mu Institute", "Zeta Agency"]]
    assert positions == sorted(positions)


# Error pages, robots, sitemap, favicon


def test_unknown_address_answers_friendly_404_in_the_site_design(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    text = visible_text(response)
    assert "Page not found" in text
    assert "Event Records" in text
    assert '<meta name="robots" content="noindex">' in response.content.decode()


def test_server_error_answers_friendly_500(db, settings):
    settings.ROOT_URLCONF = "tests.events.broken_urls"
    client = Client(raise_request_exception=False)

    response = client.get("/broken/")

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_robots_txt_points_at_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in response.content.decode()


def test_sitemap_lists_every_published_page_and_no_draft(client, shanghai):
    draft = EventFactory(draft=True, slug="secret-draft")
    RoleFactory(event=draft, person=PersonFactory(slug="secret-person"))

    index = client.get("/sitemap.xml").content.decode()
    parts = re.findall(r"<loc>([^<]+)</loc>", index)
    base = "http://127.0.0.1:8000"
    responses = [client.get(part.removeprefix(base)) for part in parts]

    assert parts and all(response.status_code == 200 for response in responses)
    page = "".join(response.content.decode() for response in responses)
    keynote = shanghai.presentations.get(kind="keynote")
    for language in ("en", "zh-hans"):
        for url in [
            "/",
            "/events/",
            "/people/",
            "/organizations/",
            "/data/",
            f"/events/{shanghai.slug}/",
            keynote.get_absolute_url().removeprefix("/en"),
            "/people/yijia-jing/",
            "/organizations/fudan-university/",
        ]:
            assert f"<loc>{base}/{language}{url}</loc>" in page
            assert f'hreflang="{language}" href="{base}/{language}{url}"' in page
    # Each page once per language, each entry with its alternates and the x-default address.
    assert page.count("<loc>") == 2 * (5 + 1 + 4 + 5 + 8)
    assert f'hreflang="x-default" href="{base}/events/{shanghai.slug}/"' in page
    assert "secret-draft" not in page
    assert "secret-person" not in page
    # Every URL says when it last changed.
    assert page.count("<lastmod>") == page.count("<loc>")


def test_sitemap_index_splits_sections_into_parts_within_the_limit(client, monkeypatch):
    from events.site.sitemaps import SiteSitemap

    monkeypatch.setattr(SiteSitemap, "limit", 4)
    for _ in range(5):
        RoleFactory(event=PresentationFactory().event)
    drafted = EventFactory(draft=True, slug="secret-draft")

    index = client.get("/sitemap.xml").content.decode()
    parts = re.findall(r"<loc>([^<]+)</loc>", index)
    pages = [client.get(part.removeprefix("http://127.0.0.1:8000")) for part in parts]
    urls = [re.findall(r"<url>", page.content.decode()) for page in pages]

    # 5 events in 2 languages = 10 URLs: parts of 4, 4 and 2.
    event_parts = [part for part in parts if "sitemap-events.xml" in part]
    assert event_parts == [
        "http://127.0.0.1:8000/sitemap-events.xml",
        "http://127.0.0.1:8000/sitemap-events.xml?p=2",
        "http://127.0.0.1:8000/sitemap-events.xml?p=3",
    ]
    assert all(len(found) <= 4 for found in urls)
    assert index.count("<lastmod>") == len(parts)
    events = "".join(pages[parts.index(part)].content.decode() for part in event_parts)
    assert events.count("<url>") == 10
    assert len(set(re.findall(r"<loc>([^<]+)</loc>", events))) == 10
    assert drafted.slug not in events


@override_settings(PAGE_CACHE_SECONDS=0, PUBLIC_DATA_CACHE_SECONDS=0)
def test_sitemap_index_reads_the_kept_counts_instead_of_counting(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        RoleFactory(event=PresentationFactory().event)
    client.get("/sitemap.xml")  # this connection wrote the records: it counts and keeps them

    with CaptureQueriesContext(connection) as queries:
        index = client.get("/sitemap.xml").content.decode()

    counted = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    # Only presentations, which have no kept count, are counted; people, organizations and
    # events come from events.PublicCount.
    assert len(counted) == 1 and "events_presentation" in counted[0]
    assert index.count("sitemap-people.xml") == 1


@pytest.mark.parametrize("events", [1, 12])
def test_sitemap_part_queries_do_not_grow_with_events(client, django_assert_num_queries, events):
    for _ in range(events):
        PresentationFactory(event=RoleFactory().event)

    with django_assert_num_queries(2):
        response = client.get("/sitemap-presentations.xml")

    assert response.content.decode().count("<url>") == 2 * events


def test_favicon_redirects_to_the_static_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.ico")


# Query budgets: the same count whatever the size of the data


@pytest.mark.parametrize("events", [1, 30])
def test_home_queries_do_not_grow_with_events(client, django_assert_num_queries, events):
    for _ in range(events):
        RoleFactory(event=EventOrganizationFactory().event)

    # The counts are counted here (this connection wrote the records) and kept for the
    # next readers: three counts and one write (events/cache/counts.py).
    with django_assert_num_queries(6):
        response = client.get(reverse("events:home"))
    assert response.status_code == 200


@pytest.mark.parametrize("events", [1, 30])
def test_filtered_event_list_queries_do_not_grow(client, django_assert_num_queries, events):
    topic = TopicFactory(slug="t")
    for _ in range(events):
        event = EventOrganizationFactory(part=EventOrganization.Part.HOST).event
        event.topics.add(topic)
    # The search documents of these writes, rebuilt as when they commit (a test never does).
    search_documents.bring_up_to_date()

    # A search ranks its matches and counts them in one query, then reads its page's
    # events (RankedPaginator) and, their cards not kept yet, their organizations; the
    # filter options (years, organizations, topics, series) and how many events each value of
    # each filter gives (year, kind, mode, topic, series) one query each, computed here
    # because this connection wrote the records, and kept for the next readers (one write).
    with django_assert_num_queries(13):
        response = client.get(reverse("events:list"), {"q": "governance", "topic": "t"})
    assert len(response.context["events"]) == min(events, 20)
    assert response.context["paginator"].count == events


def test_search_results_count_every_page_and_end_where_the_results_end(client):
    for number in range(25):
        EventFactory(title=f"Urban forum {number}")
    EventFactory(title="Rural forum")

    first = client.get(reverse("events:list"), {"q": "urban"})
    second = client.get(reverse("events:list"), {"q": "urban", "page": 2})
    beyond = client.get(reverse("events:list"), {"q": "urban", "page": 3})

    assert "25 events" in visible_text(first)
    assert "25 events" in visible_text(second)
    assert len(list_titles(first)) == 20 and len(list_titles(second)) == 5
    assert set(list_titles(first)).isdisjoint(list_titles(second))
    assert beyond.status_code == 404


@pytest.mark.parametrize("points", [1, 30])
def test_presentation_page_queries_do_not_grow(client, django_assert_num_queries, points):
    with committed():
        presentation = PresentationFactory(speakers=[PersonFactory() for _ in range(points)])
        for n in range(points):
            KeyPointFactory(presentation=presentation, order=n + 1)

    # The presentation (with its event's latest version, for the chair and organizers its
    # citation names), speakers, key points.
    with django_assert_num_queries(3):
        response = client.get(presentation.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.parametrize("roles", [1, 30])
def test_person_page_queries_do_not_grow(client, django_assert_num_queries, roles):
    person = PersonFactory()
    for _ in range(roles):
        event = EventFactory()
        RoleFactory(person=person, event=event, organization=OrganizationFactory())
        PresentationFactory(event=event, speakers=[person])

    with django_assert_num_queries(3):
        response = client.get(person.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.parametrize("size", [1, 30])
def test_organization_page_queries_do_not_grow(client, django_assert_num_queries, size):
    parent = OrganizationFactory()
    organization = OrganizationFactory(parent=parent)
    for _ in range(size):
        EventOrganizationFactory(organization=organization)
        RoleFactory(organization=organization)
        RoleFactory(organization=OrganizationFactory(parent=organization))

    with django_assert_num_queries(6):
        response = client.get(organization.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.parametrize("people", [1, 60])
def test_people_list_queries_do_not_grow(client, django_assert_num_queries, people):
    event = EventFactory()
    for _ in range(people):
        RoleFactory(event=event)

    # The count the home page shares (counted here, where the records were written, and
    # kept for the next readers: two queries), then the page's rows; with the count
    # remembered, the rows alone.
    with django_assert_num_queries(3):
        response = client.get(reverse("people:person_list"))
    assert response.status_code == 200
    with override_settings(PAGE_CACHE_SECONDS=0), django_assert_num_queries(1):
        response = client.get(reverse("people:person_list"))
    assert f"{people} {'person' if people == 1 else 'people'}, alphabetical" in visible_text(
        response
    )


@pytest.mark.parametrize("organizations", [1, 60])
def test_organization_list_queries_do_not_grow(client, django_assert_num_queries, organizations):
    event = EventFactory()
    for _ in range(organizations):
        EventOrganizationFactory(event=event, organization=OrganizationFactory(parent=None))

    # The page, its count and the count kept for the next readers; then the page alone.
    with django_assert_num_queries(3):
        response = client.get(reverse("people:organization_list"))
    assert response.status_code == 200
    with override_settings(PAGE_CACHE_SECONDS=0), django_assert_num_queries(1):
        response = client.get(reverse("people:organization_list"))
    assert len(response.context["organizations"]) == min(organizations, 50)


def test_event_search_with_a_null_character_answers_400(client):
    response = client.get(reverse("events:list"), {"q": "gov\x00ernance"})
    assert response.status_code == 400
    assert "NUL character" in visible_text(response)


def test_event_list_repeated_filter_uses_one_value_without_error(client):
    EventFactory(title="In 2022", start_date=datetime.date(2022, 5, 1))
    response = client.get(reverse("events:list") + "?year=2021&year=2022")
    assert response.status_code == 200
    assert list_titles(response) == ["In 2022"]


def test_busy_organization_page_shows_the_latest_events_and_links_to_all(client):
    organization = OrganizationFactory(slug="busy-bureau")
    for day in range(1, 26):
        event = EventFactory(title=f"Meeting {day:02}", start_date=datetime.date(2024, 1, day))
        EventOrganizationFactory(
            organization=organization, event=event, part=EventOrganization.Part.HOST
        )
        RoleFactory(organization=organization)
    # Host and sponsor of the same event: still one event.
    EventOrganizationFactory(organization=organization, event=event, part="sponsor")

    response = client.get(organization.get_absolute_url())
    text = visible_text(response)

    assert "The latest 20 of 25 events." in text
    assert "The latest 20 of 25 appearances." in text
    # Twenty participations, newest first: Meeting 25 twice (host, sponsor), down to 07.
    assert "Meeting 25" in text and "Meeting 07" in text
    assert "Meeting 06" not in text
    assert f'href="{reverse("events:list")}?organization=busy-bureau"' in response.content.decode()


def test_event_list_organization_options_tell_apart_sub_units_of_the_same_name(client):
    for parent_name in ("Jakarta Institute", "Lima Network"):
        unit = OrganizationFactory(
            name="Office of Statistics", parent=OrganizationFactory(short_name=parent_name)
        )
        EventOrganizationFactory(organization=unit)

    page = client.get(reverse("events:list")).content.decode()

    assert ">Office of Statistics, Jakarta Institute</option>" in page
    assert ">Office of Statistics, Lima Network</option>" in page


def test_a_list_narrowed_by_one_filter_shows_the_kept_total_without_counting(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import EventSeriesFactory

    topic, series = TopicFactory(slug="smart"), EventSeriesFactory(slug="forums")
    for number in range(3):
        event = EventFactory(
            kind="webinar" if number else "workshop",
            start_date=datetime.date(2020 + number % 2, 5, 1),
            series=series if number else None,
        )
        event.topics.add(topic)
    EventFactory(draft=True, kind="webinar", start_date=datetime.date(2021, 1, 1))
    client.get(reverse("events:list"))  # this connection wrote: it computes and keeps them

    published = Event.objects.published()
    expected = [
        ("kind", "webinar", published.filter(kind="webinar")),
        ("kind", "workshop", published.filter(kind="workshop")),
        ("year", "2021", published.filter(start_date__year=2021)),
        ("topic", "smart", published.filter(topics=topic)),
        ("series", "forums", published.filter(series=series)),
        ("mode", "online", published.filter(attendance_mode="online")),
    ]
    for name, value, events in expected:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("events:list"), {name: value})
        assert response.context["paginator"].count == events.count() > 0, name
        assert len(response.context["events"]) == events.count(), name
        assert not [q for q in queries if "COUNT(" in q["sql"].upper()], name

    # Two filters at once are counted.
    response = client.get(reverse("events:list"), {"kind": "webinar", "year": "2021"})
    assert response.context["paginator"].count == 1
