"""
A draft event, with a person, an organization, a topic, a source and a presentation known only
from it, appears nowhere the public can reach:

- every public URL pattern (found from the resolver by tests/urlwalk.py, so pages, feeds,
  sitemaps, exports and API lists and details added later are walked too) and page 2 of each;
- every one of them again with the draft's words as the search (`q`) and the draft's own
  filter values (its topic, organization, year, kind, event slug) as filters;
- every public pattern that takes a slug, with each of the draft's slugs: always 404;
- the public pages and API details of a person and an organization that are in a published
  event AND in the draft: the draft's role, presentation and participation are not shown;
- changes of the published record pending review (its title, description, a role, a
  presentation and a key point): on no public URL, search, built download or staff preview
  until a Publisher publishes them, and found by the same walk once published.

Staff can preview the draft, and a staff visit never makes it visible to a later anonymous
request (what a page cache keyed without the user would do). Addresses come from reverse()
and the resolver, never written by hand, so language prefixes and new pages are covered.
"""

import itertools
import json
import re
from urllib.parse import unquote_plus, urlencode, urlsplit

import pytest
from django.test import Client
from django.urls import NoReverseMatch, resolve, reverse
from django.utils import translation

from events.models import Event, EventOrganization, Role
from events.opendata.files import DOWNLOADS, build_downloads
from events.opendata.files import directory as downloads_directory
from events.site.sitemaps import sitemaps
from people.editing.revisions import PendingRevision
from tests.admin_forms import change_url, changeform_data, inline_index, member_of
from tests.factories import (
    CitationFactory,
    EventFactory,
    EventOrganizationFactory,
    EventSeriesFactory,
    KeyPointFactory,
    OrganizationFactory,
    PersonFactory,
    PresentationFactory,
    RoleFactory,
    SourceFactory,
    TopicFactory,
    committed,
)
from tests.urlwalk import public_urls

pytestmark = pytest.mark.django_db

# Words that exist only in the draft; none may reach an anonymous reader.
DRAFT_WORDS = {
    "event title": "Quillwort Embargoed Summit",
    "person": "Vexelmoor",
    "organization": "Institute of Quorvane Studies",
    "presentation": "Nimbrel findings before release",
    "topic": "Tessarine policy",
    "source": "Lumenfall confidential dossier",
    "role title": "Provost of Embargoed Studies",
    "series": "Quillwort Embargoed Series",
}
DRAFT_SLUGS = {
    "event": "quillwort-summit",
    "person": "vexelmoor",
    "organization": "quorvane-institute",
    "presentation": "nimbrel-findings",
    "topic": "tessarine-policy",
    "source": "lumenfall-dossier",
    "series": "quillwort-series",
}
DRAFT_YEAR = 2031
DRAFT_KIND = "forum"


@pytest.fixture
def walked_urls(shanghai):
    """Public URLs computed from published data only, before the draft exists."""
    urls, unfilled = public_urls()
    assert unfilled == []
    return list(dict.fromkeys(u.url for u in urls))


@pytest.fixture
def slug_patterns(shanghai):
    """(URL name, kwargs) of every public pattern that names a record by slug."""
    urls, _ = public_urls()
    return [(u.name, resolve(u.url.split("?")[0]).kwargs) for u in urls if resolve(u.url).kwargs]


@pytest.fixture
def draft(walked_urls, shanghai):
    source = SourceFactory(title=DRAFT_WORDS["source"], slug=DRAFT_SLUGS["source"])
    event = EventFactory(
        draft=True,
        title=DRAFT_WORDS["event title"],
        slug=DRAFT_SLUGS["event"],
        kind=DRAFT_KIND,
        start_date=f"{DRAFT_YEAR}-05-04",
        end_date=f"{DRAFT_YEAR}-05-04",
        description="Nothing about this may be public before release.",
        series=EventSeriesFactory(name=DRAFT_WORDS["series"], slug=DRAFT_SLUGS["series"]),
    )
    event.sources.add(source)
    CitationFactory(event=event, source=source, quote=source.text.split(".")[0] + ".")
    person = PersonFactory(
        given_name="Oriel", family_name=DRAFT_WORDS["person"], slug=DRAFT_SLUGS["person"]
    )
    organization = OrganizationFactory(
        name=DRAFT_WORDS["organization"], slug=DRAFT_SLUGS["organization"]
    )
    RoleFactory(event=event, person=person, organization=organization)
    EventOrganizationFactory(event=event, organization=organization)
    presentation = PresentationFactory(
        event=event,
        title=DRAFT_WORDS["presentation"],
        slug=DRAFT_SLUGS["presentation"],
        speakers=[person],
    )
    event.topics.add(TopicFactory(name=DRAFT_WORDS["topic"], slug=DRAFT_SLUGS["topic"]))

    # Someone from the published Shanghai record also takes part in the draft, with a title
    # and a talk that must stay unpublished; the Shanghai host co-hosts it.
    shared_role = shanghai.roles.select_related("person", "organization").first()
    shared_person = shared_role.person
    shared_organization = shanghai.participations.first().organization
    RoleFactory(
        event=event,
        person=shared_person,
        organization=shared_organization,
        kind=Role.Kind.CHAIR,
        position_title=DRAFT_WORDS["role title"],
    )
    presentation.speakers.add(shared_person)
    EventOrganizationFactory(
        event=event, organization=shared_organization, part=EventOrganization.Part.CO_HOST
    )
    return {
        "event": event,
        "presentation": presentation,
        "shared person": shared_person,
        "shared organization": shared_organization,
        "own urls": [
            event.get_absolute_url(),
            event.series.get_absolute_url(),
            presentation.get_absolute_url(),
            person.get_absolute_url(),
            organization.get_absolute_url(),
        ],
    }


def searches_and_filters():
    """Query strings a reader could try to find the draft with: each of its words as a
    search, and each of its own filter values, alone."""
    queries = [{"q": word} for word in DRAFT_WORDS.values()]
    queries.append({"q": DRAFT_WORDS["event title"].split()[0]})
    queries += [
        {"topic": DRAFT_SLUGS["topic"]},
        {"series": DRAFT_SLUGS["series"]},
        {"person": DRAFT_SLUGS["person"]},
        {"organization": DRAFT_SLUGS["organization"]},
        {"year": DRAFT_YEAR},
        {"kind": DRAFT_KIND},
        {"event": DRAFT_SLUGS["event"]},
        {"year": DRAFT_YEAR, "kind": DRAFT_KIND, "topic": DRAFT_SLUGS["topic"]},
    ]
    return [urlencode(query) for query in queries]


def with_query(url, query):
    return url + ("&" if "?" in url else "?") + query


def assert_no_draft_words(response, url, *, slugs=True, asked=""):
    """No word or slug of the draft in the answer, except what the reader typed themselves
    (a search box may show the search back)."""
    body = response.getvalue().decode("utf-8", errors="replace")
    asked = unquote_plus(asked).lower()
    for what, word in DRAFT_WORDS.items():
        if word.lower() in asked:
            continue
        assert word not in body, f"draft {what} leaks at {url}"
    if slugs:
        for what, slug in DRAFT_SLUGS.items():
            if slug in asked:
                continue
            assert slug not in body, f"draft {what} slug {slug} leaks at {url}"


def every_public_request(walked_urls, queries=None):
    """Each walked URL and its page 2; and each search and filter of the draft on every URL
    that is not one record's own (lists, searches, feeds, exports and API lists)."""
    queries = searches_and_filters() if queries is None else queries
    for url in walked_urls:
        yield url, ""
        yield with_query(url, "page=2"), ""
        if resolve(url.split("?")[0]).kwargs:
            continue
        for query in queries:
            yield with_query(url, query), query


def test_draft_appears_on_no_public_url(draft, walked_urls, client):
    for url, asked in every_public_request(walked_urls):
        response = client.get(url)

        assert response.status_code < 500, url
        assert_no_draft_words(response, url, asked=asked)


def test_draft_is_in_no_built_download(draft, walked_urls, client):
    # The downloads are served from files built in the background: the built files, and the
    # answers served from them, leave the draft out as the streamed ones do.
    manifest = build_downloads()

    for entry in manifest["files"].values():
        text = (downloads_directory() / entry["filename"]).read_text(encoding="utf-8")
        for what, word in DRAFT_WORDS.items():
            assert word not in text, f"draft {what} leaks in built {entry['filename']}"
    served = [url for url in walked_urls if resolve(url).url_name in DOWNLOADS]
    assert len(served) == len(DOWNLOADS)
    for url in served:
        response = client.get(url)
        assert "ETag" in response, f"{url} is served from the built file"
        assert_no_draft_words(response, url)


def test_draft_is_in_no_part_of_the_sitemap(draft, client):
    index = client.get(reverse("sitemap")).getvalue().decode()
    parts = re.findall(r"<loc>([^<]+)</loc>", index)

    assert len(parts) == len(sitemaps)
    for part in parts:
        url = urlsplit(part)
        response = client.get(f"{url.path}?{url.query}" if url.query else url.path)
        assert response.status_code == 200, part
        assert_no_draft_words(response, part)


def test_draft_own_addresses_answer_404_to_the_public(draft, client):
    for url in draft["own urls"]:
        response = client.get(url)

        assert response.status_code == 404, url
        # A 404 page may repeat the address asked for, never the record behind it.
        assert_no_draft_words(response, url, slugs=False)


def test_every_slug_pattern_answers_404_to_each_draft_slug(draft, slug_patterns, client):
    # Pages, exports (.ics, .jsonld) and API details of the draft event, its presentation,
    # its person and its organization, whatever URL names they have.
    tried = 0
    for name, kwargs in slug_patterns:
        for key, slug in itertools.product(kwargs.keys() - {"format"}, DRAFT_SLUGS.values()):
            candidates = [{**kwargs, key: slug}]
            if "event_slug" in kwargs:
                candidates.append({**kwargs, "event_slug": DRAFT_SLUGS["event"], key: slug})
            for candidate in candidates:
                try:
                    url = reverse(name, kwargs=candidate)
                except NoReverseMatch:
                    continue
                response = client.get(url)
                tried += 1

                assert response.status_code == 404, (name, url, response.status_code)
                assert_no_draft_words(response, url, slugs=False)
    assert tried > len(slug_patterns)


def test_shared_person_and_organization_show_no_draft_role(draft, slug_patterns, client):
    # Every public address of the person and the organization (page, API detail, and any
    # export by slug), and the person's roles stay those of published events.
    shared = {
        "person": draft["shared person"].slug,
        "organization": draft["shared organization"].slug,
    }
    seen = 0
    for name, kwargs in slug_patterns:
        for slug in shared.values():
            try:
                url = reverse(name, kwargs={**kwargs, "slug": slug})
            except NoReverseMatch:
                continue
            response = client.get(url)
            if response.status_code == 404:
                continue  # a pattern for another kind of record
            seen += 1

            assert response.status_code == 200, url
            assert_no_draft_words(response, url)
    assert seen >= 4  # page and API detail of each
    person_page = client.get(draft["shared person"].get_absolute_url()).content.decode()
    assert draft["shared person"].family_name in person_page
    assert "Chief of Programme Management" in person_page or "Chair" in person_page


def test_draft_event_and_presentation_are_previewed_by_staff(draft, admin_client):
    event_page = admin_client.get(draft["event"].get_absolute_url())
    presentation_page = admin_client.get(draft["presentation"].get_absolute_url())

    assert event_page.status_code == 200
    assert DRAFT_WORDS["event title"] in event_page.content.decode()
    assert presentation_page.status_code == 200
    assert DRAFT_WORDS["presentation"] in presentation_page.content.decode()


def test_staff_visit_never_shows_the_draft_to_a_later_reader(draft, walked_urls, admin_client):
    # Staff go first, so that any page cache that ignores who asked is filled with the
    # preview; readers asking the same addresses afterwards must still not see the draft.
    searches = [urlencode({"q": DRAFT_WORDS["event title"]}), f"year={DRAFT_YEAR}"]
    requests = [
        *every_public_request(walked_urls, searches),
        *((url, "") for url in draft["own urls"]),
    ]
    for url, _asked in requests:
        admin_client.get(url)
    reader = Client()

    for url, asked in requests:
        response = reader.get(url)

        assert response.status_code < 500, url
        assert_no_draft_words(response, url, slugs=url not in draft["own urls"], asked=asked)
    for url in draft["own urls"]:
        assert reader.get(url).status_code == 404, url


def test_leak_check_finds_a_published_record(walked_urls, client):
    # The same walk must see a record once it is published, or it proves nothing.
    event = EventFactory(title=DRAFT_WORDS["event title"], slug=DRAFT_SLUGS["event"])
    RoleFactory(event=event, person=PersonFactory(family_name=DRAFT_WORDS["person"]))

    bodies = "".join(client.get(url).getvalue().decode() for url in walked_urls)

    assert DRAFT_WORDS["event title"] in bodies
    assert DRAFT_WORDS["person"] in bodies


def test_leak_check_finds_a_published_record_by_search_and_filter(walked_urls, client):
    # The searches and filters must reach a published record with the draft's values, or
    # their clean answers above prove nothing.
    event = EventFactory(
        title=DRAFT_WORDS["event title"],
        slug=DRAFT_SLUGS["event"],
        kind=DRAFT_KIND,
        start_date=f"{DRAFT_YEAR}-05-04",
        end_date=f"{DRAFT_YEAR}-05-04",
    )
    event.topics.add(TopicFactory(name=DRAFT_WORDS["topic"], slug=DRAFT_SLUGS["topic"]))
    EventOrganizationFactory(
        event=event,
        organization=OrganizationFactory(
            name=DRAFT_WORDS["organization"], slug=DRAFT_SLUGS["organization"]
        ),
    )
    event_list = reverse("events:list")
    api_list = reverse("api:event-list")

    for query in [f"topic={DRAFT_SLUGS['topic']}", f"year={DRAFT_YEAR}", f"kind={DRAFT_KIND}"]:
        for url in (event_list, api_list):
            body = client.get(with_query(url, query)).getvalue().decode()
            assert DRAFT_SLUGS["event"] in body, (url, query)
    for url in (event_list, api_list):
        body = client.get(with_query(url, "q=Quillwort")).getvalue().decode()
        assert DRAFT_SLUGS["event"] in body, url


def reconciliation_requests(urls):
    """Each address of the reconciliation service (found by URL name, so a new one is walked
    too), asked with the draft's words as queries, prefixes and ids, alone and as a batch."""
    words = list(DRAFT_WORDS.values())
    batch = {f"q{n}": {"query": word} for n, word in enumerate(words)}
    ids = [f"{kind}:{DRAFT_SLUGS[kind]}" for kind in ("person", "organization", "event")]
    parameters = [
        {"queries": json.dumps(batch)},
        *(
            {"queries": json.dumps({"q": {"query": word, "type": kind}})}
            for word in words
            for kind in ("Person", "Organization", "Event")
        ),
        {"extend": json.dumps({"ids": ids, "properties": [{"id": "name"}, {"id": "title"}]})},
        *({"prefix": word} for word in words),
        *({"prefix": word[:4]} for word in words),
        *({"id": entity_id} for entity_id in ids),
    ]
    for url in urls:
        for given in parameters:
            yield url, given


def ids_in(given):
    if "extend" in given:
        return json.loads(given["extend"])["ids"]
    return [given["id"]] if "id" in given else []


def test_reconciliation_service_never_offers_the_draft(draft, client):
    urls, _ = public_urls()
    service_urls = [u.url for u in urls if u.name.startswith("reconciliation:")]
    assert len(service_urls) >= 6
    for url, given in reconciliation_requests(service_urls):
        answers = [client.get(url, given)]
        if url == reverse("reconciliation:service"):
            answers.append(client.post(url, given))
        for response in answers:
            assert response.status_code < 500, (url, given)
            # Answers never repeat a query's words, so only ids asked for may come back; a 404
            # page may repeat the address asked for.
            asked = urlencode(given) if response.status_code == 404 else " ".join(ids_in(given))
            assert_no_draft_words(response, url, asked=asked)
    for kind in ("person", "organization", "event"):
        view = reverse("reconciliation:view", args=[f"{kind}:{DRAFT_SLUGS[kind]}"])
        assert client.get(view).status_code == 404, kind


def test_no_version_or_changes_page_shows_what_a_record_held_as_a_draft(shanghai, client):
    """A published record taken back to draft, edited there, then published again: every
    version page and the changes page, in both languages, show only public states."""
    with committed():
        event = Event.objects.get(pk=shanghai.pk)
        event.description = "A public correction of the description."
        event.save()
    with committed():
        event.status = Event.Status.DRAFT
        event.title = DRAFT_WORDS["event title"]
        event.save()
        person = PersonFactory(family_name=DRAFT_WORDS["person"], slug=DRAFT_SLUGS["person"])
        role = RoleFactory(event=event, person=person, position_title=DRAFT_WORDS["role title"])
        event.topics.add(TopicFactory(name=DRAFT_WORDS["topic"], slug=DRAFT_SLUGS["topic"]))
    with committed():
        role.delete()
        event.topics.remove(*event.topics.filter(slug=DRAFT_SLUGS["topic"]))
        event.title = "Advancing SMART Cities, published again"
        event.status = Event.Status.PUBLISHED
        event.save()

    count = event.published_versions.count()
    assert count == 3
    for language in ("en", "zh-hans"):
        with translation.override(language):
            urls = [reverse("events:event_changes", args=[event.slug])] + [
                reverse("events:event_version", args=[event.slug, number])
                for number in range(1, count + 1)
            ]
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert_no_draft_words(response, url)


# Words only in changes pending review of the published Shanghai record; until a Publisher
# publishes them, no reader may meet them.
PENDING_WORDS = {
    "event title": "Halvorine Pending Title",
    "description": "Pending Brackenfold description",
    "role title": "Pending Warden of Ostrel",
    "presentation": "Pending Zephrine talk",
    "key point": "Pending Corvinthe point",
}


def submit_as_editor(client, record, change):
    """An Editors-group save of a published record's change form, with `change(data)`."""
    data = changeform_data(client.get(change_url(record)))
    change(data)
    response = client.post(change_url(record), data)
    assert response.status_code == 302, response.context and response.context["errors"]


@pytest.fixture
def pending(shanghai, walked_urls, client):
    editor = member_of("Editors")
    client.force_login(editor)
    role = shanghai.roles.order_by("pk").first()
    presentation = shanghai.presentations.order_by("pk").first()
    point = KeyPointFactory(presentation=presentation, text="A published point")

    def change_event(data):
        data["title_en"] = PENDING_WORDS["event title"]
        data["description_en"] = PENDING_WORDS["description"]
        data[f"roles-{inline_index(data, 'roles', role.pk)}-position_title_en"] = PENDING_WORDS[
            "role title"
        ]
        index = inline_index(data, "presentations", presentation.pk)
        data[f"presentations-{index}-title_en"] = PENDING_WORDS["presentation"]

    def change_presentation(data):
        index = inline_index(data, "key_points", point.pk)
        data[f"key_points-{index}-text_en"] = PENDING_WORDS["key point"]

    submit_as_editor(client, shanghai, change_event)
    submit_as_editor(client, presentation, change_presentation)
    client.logout()
    assert PendingRevision.objects.pending().count() == 2
    return {"event": shanghai, "presentation": presentation}


def assert_no_pending_words(response, url, asked=""):
    body = response.getvalue().decode("utf-8", errors="replace")
    for what, word in PENDING_WORDS.items():
        if word.lower() in unquote_plus(asked).lower():
            continue
        assert word not in body, f"pending {what} leaks at {url}"


def pending_searches():
    return [urlencode({"q": word}) for word in PENDING_WORDS.values()]


def test_pending_change_appears_on_no_public_url(pending, walked_urls, client):
    # Every page, feed, export, search and API address, each searched for the pending words.
    for url, asked in every_public_request(walked_urls, pending_searches()):
        response = client.get(url)

        assert response.status_code < 500, url
        assert_no_pending_words(response, url, asked)


def test_pending_change_is_in_no_built_download_nor_staff_preview(pending, admin_client):
    manifest = build_downloads()

    for entry in manifest["files"].values():
        text = (downloads_directory() / entry["filename"]).read_text(encoding="utf-8")
        for what, word in PENDING_WORDS.items():
            assert word not in text, f"pending {what} leaks in built {entry['filename']}"
    for record in (pending["event"], pending["presentation"]):
        url = record.get_absolute_url()
        assert_no_pending_words(admin_client.get(url), url)


def test_leak_check_finds_the_pending_change_once_published(pending, walked_urls, client):
    # The same walk must meet the words once a Publisher publishes them, or it proves nothing.
    client.force_login(member_of("Publishers"))
    # The presentation's first: its key point row cannot merge into a presentation that the
    # event's change has moved on since (VersionedInlineFormSet), while the reverse merges.
    for revision in PendingRevision.objects.pending().order_by("-pk"):
        response = client.post(revision.get_absolute_url(), {"_publish": "1"})
        assert response.status_code == 302, revision
    client.logout()

    bodies = "".join(client.get(url).getvalue().decode() for url in walked_urls)

    for what, word in PENDING_WORDS.items():
        assert word in bodies, f"published {what} not found by the walk"
