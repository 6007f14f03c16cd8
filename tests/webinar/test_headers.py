from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.urlwalk import concrete_urls, public_urls

pytestmark = pytest.mark.django_db


def csp_directives(response):
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_security_headers(response, where):
    assert "Content-Security-Policy" in response, where
    csp = csp_directives(response)
    for directive in ("script-src", "style-src", "default-src"):
        assert "'unsafe-inline'" not in csp.get(directive, []), (where, directive)
        assert "'unsafe-eval'" not in csp.get(directive, []), (where, directive)
    assert csp["object-src"] == ["'none'"], where
    assert csp["base-uri"] == ["'none'"], where
    assert csp["frame-ancestors"] == ["'none'"], where
    assert response["X-Content-Type-Options"] == "nosniff", where
    assert response["Referrer-Policy"] in {
        "strict-origin-when-cross-origin",
        "same-origin",
        "strict-origin",
        "no-referrer",
    }, where
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", where
    assert response["X-Frame-Options"] == "DENY", where


class InlineCode(HTMLParser):
    """Collects what a strict CSP would block: style= attributes, inline script bodies."""

    def __init__(self):
        super().__init__()
        self.problems = []
        self._script_type = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs:
            self.problems.append(f"<{tag} style=…>")
        if any(name.startswith("on") for name in attrs):
            self.problems.append(f"<{tag} on…= handler>")
        if tag == "script":
            self._script_type = attrs.get("type") or "text/javascript"
        if tag == "style":
            self.problems.append("<style> element")

    def handle_endtag(self, tag):
        if tag == "script":
            self._script_type = None

    def handle_data(self, data):
        if self._script_type and self._script_type != "application/ld+json" and data.strip():
            self.problems.append(f"inline <script> body ({self._script_type})")


def test_url_walk_fills_every_named_pattern(shanghai):
    _urls, unfilled = concrete_urls()

    assert unfilled == [], (
        f"Give these URL names sample arguments in tests/urlwalk.py SAMPLE_KWARGS: {unfilled}"
    )


def test_every_url_sends_security_headers(shanghai, client):
    urls, _unfilled = concrete_urls()
    assert len(urls) > 10

    for site_url in urls:
        response = client.get(site_url.url)

        assert response.status_code < 500, site_url
        assert_security_headers(response, site_url)


def test_every_public_page_has_no_inline_code_for_csp_to_block(shanghai, client):
    urls, _unfilled = public_urls()

    for site_url in urls:
        response = client.get(site_url.url)
        if "html" not in response.get("Content-Type", ""):
            continue
        parser = InlineCode()
        parser.feed(response.content.decode())

        assert parser.problems == [], site_url


def test_admin_pages_send_security_headers_to_signed_in_editors(shanghai, admin_client):
    urls, _unfilled = concrete_urls()

    for site_url in (u for u in urls if u.admin and "delete" not in u.name):
        response = admin_client.get(site_url.url)

        assert response.status_code < 500, site_url
        assert_security_headers(response, site_url)
        if response.status_code == 200 and "html" in response["Content-Type"]:
            parser = InlineCode()
            parser.feed(response.content.decode())
            assert parser.problems == [], site_url


def test_not_found_page_sends_security_headers(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert_security_headers(response, "404")


def test_admin_login_page_sends_security_headers(client):
    response = client.get(reverse("admin:login"))

    assert response.status_code == 200
    assert_security_headers(response, "admin login")


def test_inline_code_detector_finds_style_attribute_and_script_body():
    parser = InlineCode()
    parser.feed(
        '<p style="color:red">x</p><script>alert(1)</script>'
        '<script type="application/ld+json">{"@type": "Event"}</script>'
    )

    assert parser.problems == ["<p style=…>", "inline <script> body (text/javascript)"]


def test_https_responses_send_hsts_of_at_least_a_year(shanghai, client):
    response = client.get(shanghai.get_absolute_url(), secure=True)

    header = response["Strict-Transport-Security"]
    hsts = dict(part.strip().partition("=")[::2] for part in header.split(";"))
    assert int(hsts["max-age"]) >= 365 * 24 * 3600


def test_session_and_csrf_cookies_are_secure_httponly_samesite(client, django_user_model):
    django_user_model.objects.create_user("editor", password="a long passphrase 42", is_staff=True)
    login_page = client.get(reverse("admin:login"), secure=True)

    response = client.post(
        reverse("admin:login"),
        {"username": "editor", "password": "a long passphrase 42"},
        secure=True,
    )

    assert response.status_code == 302
    for cookie in (response.cookies["sessionid"], login_page.cookies["csrftoken"]):
        assert cookie["secure"] is True, cookie.key
        assert cookie["httponly"] is True, cookie.key
        assert cookie["samesite"] in {"Lax", "Strict"}, cookie.key


def test_rejected_malformed_request_still_sends_security_headers(client):
    response = client.get(reverse("events:list"), QUERY_STRING="q=%00")

    assert response.status_code == 400
    assert_security_headers(response, "400")


def test_lockout_page_sends_security_headers(client, settings, django_user_model):
    django_user_model.objects.create_user("editor", password="a long passphrase 42")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("admin:login"), {"username": "editor", "password": "no"})

    assert response.status_code == 429
    assert_security_headers(response, "lockout")
