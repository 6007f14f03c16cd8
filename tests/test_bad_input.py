"""
Malformed input against every public URL pattern: the answer is 4xx with a clear message,
never a 500. URL patterns come from the resolver (tests/urlwalk.py), so pages added later are
covered without editing this module; to add input cases, extend the lists below.
"""

from urllib.parse import quote_from_bytes, urlencode

import pytest
from django.urls import NoReverseMatch, resolve, reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.urlwalk import public_urls

pytestmark = pytest.mark.django_db

BAD_PAGE_NUMBERS = ["abc", "-1", "0", "1.5", "99999999999999999999", "9" * 2000, "last2", "1e3"]

# Raw query strings as a client can send them, with the status they must get.
MALFORMED_QUERY_STRINGS = [
    ("q=" + "x" * 10_000, 414),
    ("q=%00", 400),
    ("q=a\x00b", 400),
    ("page=1%00", 400),
    ("q=%ff%fe", 400),
    ("q=\xff\xfe", 400),
    ("q=%c3%28", 400),
    ("%ed%a0%80=1", 400),
]

UNKNOWN_SLUGS = ["no-such-record", "x" * 300, "0", "-"]

WRONG_METHODS = ["post", "put", "patch", "delete"]

# The public addresses that take a POST, without a CSRF token: the language switcher's form
# (see webinar/urls.py; tests/test_languages.py tests it) and the reconciliation service,
# whose clients post their query batches form-encoded (tests/events/test_reconciliation.py).
POSTED_TO = {"set_language", "reconciliation:service"}


@pytest.fixture
def site_urls(shanghai):
    urls, unfilled = public_urls()
    assert unfilled == []
    return urls


def paginated(site_urls):
    return [u for u in site_urls if "page" in u.name or u.name.endswith("list")]


def assert_client_error(response, where):
    assert 400 <= response.status_code < 500, (where, response.status_code)


@pytest.mark.parametrize("page", BAD_PAGE_NUMBERS)
def test_list_pages_answer_404_to_bad_page_numbers(site_urls, client, page):
    for site_url in paginated(site_urls):
        response = client.get(site_url.url, {"page": page})

        assert response.status_code == 404, (site_url, page)


def test_list_pages_answer_404_to_page_beyond_the_last(site_urls, client):
    for site_url in paginated(site_urls):
        response = client.get(site_url.url, {"page": 2})

        assert response.status_code == 404, site_url


@pytest.mark.parametrize(("query_string", "status"), MALFORMED_QUERY_STRINGS)
def test_every_public_url_rejects_malformed_query_string(site_urls, client, query_string, status):
    for site_url in site_urls:
        response = client.get(site_url.url, QUERY_STRING=query_string)

        assert response.status_code == status, (site_url, query_string[:20])


def test_malformed_query_string_answer_says_what_was_wrong(client):
    nul = client.get(reverse("events:list"), QUERY_STRING="q=%00")
    long = client.get(reverse("events:list"), QUERY_STRING="q=" + "x" * 10_000)
    not_utf8 = client.get(reverse("events:list"), QUERY_STRING="q=%ff")

    assert "NUL character" in nul.content.decode()
    assert "too long" in long.content.decode()
    assert "not valid UTF-8" in not_utf8.content.decode()


@pytest.mark.parametrize("slug", UNKNOWN_SLUGS)
def test_every_public_detail_url_answers_404_to_unknown_slug(site_urls, client, slug):
    detail_urls = [u for u in site_urls if resolve(u.url).kwargs]
    assert detail_urls

    for site_url in detail_urls:
        match = resolve(site_url.url)
        for key in match.kwargs.keys() - {"format"}:
            kwargs = {**match.kwargs, key: slug}
            try:
                url = reverse(site_url.name, kwargs=kwargs)
            except NoReverseMatch:
                continue  # the pattern cannot even express this value
            response = client.get(url)

            assert response.status_code == 404, (site_url, key)


def test_every_public_url_answers_404_to_non_slug_characters(site_urls, client):
    for site_url in site_urls:
        if not resolve(site_url.url).kwargs:
            continue
        response = client.get(site_url.url.rstrip("/") + "%00%ff<script>/")

        assert response.status_code == 404, site_url


@pytest.mark.parametrize("method", WRONG_METHODS)
def test_every_public_url_refuses_wrong_method(site_urls, client, method):
    for site_url in site_urls:
        if site_url.name in POSTED_TO and method == "post":
            continue
        response = getattr(client, method)(site_url.url)

        assert response.status_code in {403, 405}, (site_url, method)


def test_every_public_url_refuses_wrong_method_with_csrf_checks(site_urls):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    for site_url in site_urls:
        if site_url.name in POSTED_TO:
            continue
        response = client.post(site_url.url, {"x": "1"})

        # 405, not the CSRF check's 403: no token would make a read-only page take a form.
        assert response.status_code == 405, (site_url, response.status_code)
        assert "GET" in response["Allow"], site_url
        if response["Content-Type"].startswith("text/html"):
            assert "This page can only be read" in response.content.decode(), site_url


# Property-based: arbitrary parameters, values and raw bytes, against every public URL.
FAST = hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

parameter_names = st.sampled_from(["page", "q", "topic", "kind", "year", "sort", "lang"]) | st.text(
    max_size=20
)


@FAST
@given(data=st.data(), params=st.dictionaries(parameter_names, st.text(max_size=300), max_size=4))
def test_every_public_url_survives_generated_text_parameters(site_urls, client, data, params):
    site_url = data.draw(st.sampled_from(site_urls))

    response = client.get(site_url.url + "?" + urlencode(params))

    assert response.status_code < 500, (site_url, params)


@FAST
@given(data=st.data(), raw=st.binary(max_size=200))
def test_every_public_url_survives_generated_raw_query_bytes(site_urls, client, data, raw):
    site_url = data.draw(st.sampled_from(site_urls))

    response = client.get(site_url.url, QUERY_STRING="q=" + quote_from_bytes(raw))

    assert response.status_code < 500, (site_url, raw)


@FAST
@given(data=st.data(), page=st.integers() | st.text(max_size=30))
def test_list_pages_survive_generated_page_values(site_urls, client, data, page):
    site_url = data.draw(st.sampled_from(paginated(site_urls)))

    response = client.get(site_url.url, {"page": page})

    assert response.status_code in {200, 400, 404, 414}, (site_url, page)


@pytest.mark.urls("tests.webinar.json_view_urls")
def test_api_view_gets_json_error_naming_the_parameter(client):
    response = client.get("/api/things/", QUERY_STRING="year=2021&q=nul%00byte")

    assert response.status_code == 400
    assert response.json() == {"q": ["The address contains a NUL character."]}


# Every filter and paging parameter the pages and the API read, with values a client may
# send: huge, negative and fractional numbers, unicode, control characters, slugs that do not
# exist. The API's filters are in events/api.py, the pages' in events/forms.py.
FILTER_NAMES = [
    "page",
    "page_size",
    "limit",
    "offset",
    "q",
    "year",
    "kind",
    "mode",
    "attendance_mode",
    "organization",
    "topic",
    "event",
    "format",
    "lang",
    "ordering",
]
numbers = st.integers(min_value=-(10**30), max_value=10**30).map(str) | st.sampled_from(
    ["-0", "1e308", "NaN", "inf", "0x10", "٣", "１２", "9" * 400, "1_000", " 1 "]
)
filter_values = numbers | st.text(max_size=60) | st.sampled_from(["", "\u202e", "\ufeff", "‮x"])


@FAST
@given(
    data=st.data(),
    params=st.dictionaries(st.sampled_from(FILTER_NAMES), filter_values, min_size=1, max_size=4),
)
def test_every_public_url_survives_generated_filters_and_numbers(site_urls, client, data, params):
    site_url = data.draw(st.sampled_from(site_urls))

    response = client.get(site_url.url + "?" + urlencode(params))

    assert response.status_code < 500, (site_url, params)


@FAST
@given(
    data=st.data(),
    method=st.sampled_from(["OPTIONS", "TRACE", "PROPFIND", "PURGE", "LINK", "HEAD", "get"]),
    body=st.binary(max_size=100),
)
def test_every_public_url_survives_unusual_methods_and_bodies(
    site_urls, client, data, method, body
):
    site_url = data.draw(st.sampled_from(site_urls))

    response = client.generic(method, site_url.url, body, content_type="application/json")

    assert response.status_code < 500, (site_url, method)


@FAST
@given(
    data=st.data(),
    accept=st.sampled_from(["application/xml", "text/csv", "*/*;q=x", "", "\x7f", "a" * 500])
    | st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=80),
)
def test_every_public_url_survives_odd_accept_headers(site_urls, client, data, accept):
    site_url = data.draw(st.sampled_from(site_urls))

    response = client.get(site_url.url, HTTP_ACCEPT=accept)

    assert response.status_code < 500, (site_url, accept)


@pytest.mark.parametrize("value", ["-1", "0", "99999999999999999999", "abc", "1.5"])
def test_api_lists_answer_404_to_bad_page_numbers(site_urls, client, value):
    api_lists = [u for u in site_urls if u.name.startswith("api:") and u.name.endswith("list")]
    assert api_lists

    for site_url in api_lists:
        response = client.get(site_url.url, {"page": value})

        assert response.status_code == 404, (site_url, value)
        assert "detail" in response.json()


@pytest.mark.parametrize(
    ("name", "value"),
    [("year", "-5"), ("year", "99999999999999999999"), ("year", "twenty"), ("kind", "nope")],
)
def test_event_filters_answer_400_naming_the_filter(client, shanghai, name, value):
    page = client.get(reverse("events:list"), {name: value})
    api = client.get(reverse("api:event-list"), {name: value})

    assert page.status_code == 400
    assert api.status_code == 400
    assert name in api.json()
