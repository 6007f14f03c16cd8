import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple 42"


@pytest.fixture
def editor(db):
    return get_user_model().objects.create_user(
        "editor", password=PASSWORD, is_staff=True, is_superuser=True
    )


def log_in(client, password, address="203.0.113.7", **headers):
    return client.post(
        reverse("admin:login"),
        {"username": "editor", "password": password, "next": reverse("admin:index")},
        REMOTE_ADDR=address,
        **headers,
    )


def fail_until_locked(client, settings, address="203.0.113.7", **headers):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = log_in(client, "wrong password", address=address, **headers)
    return response


def test_login_locked_after_failure_limit_with_clear_message(client, editor, settings):
    response = fail_until_locked(client, settings)

    assert response.status_code == 429
    text = response.content.decode()
    assert "Sign-in locked" in text
    assert "try again later" in text.lower()


def test_login_locked_refuses_even_the_right_password(client, editor, settings):
    fail_until_locked(client, settings)

    response = log_in(client, PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_login_below_failure_limit_still_succeeds(client, editor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "wrong password")

    response = log_in(client, PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(editor.pk)


def test_login_lockout_does_not_reach_another_address(client, editor, settings):
    fail_until_locked(client, settings, address="203.0.113.7")

    response = log_in(client, PASSWORD, address="198.51.100.20")

    assert response.status_code == 302


def test_login_lockout_records_the_socket_address_ignoring_forwarded_for(client, editor, settings):
    settings.TRUSTED_PROXY_COUNT = 0

    fail_until_locked(client, settings, address="203.0.113.7", HTTP_X_FORWARDED_FOR="192.0.2.1")
    # A client that rotates a forged header is still the same socket address.
    response = log_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99")

    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}


def test_login_behind_trusted_proxy_uses_address_the_proxy_appended(client, editor, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"

    fail_until_locked(
        client, settings, address=proxy, HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.7"
    )
    other_client = log_in(client, PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="198.51.100.20")

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
    assert other_client.status_code == 302


def test_admin_is_served_under_configured_path(client, settings):
    login = reverse("admin:login")

    assert login.startswith("/" + settings.ADMIN_URL)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "192.0.2.1", "10.0.0.2"),
        (1, "192.0.2.1, 203.0.113.7", "203.0.113.7"),
        (2, "192.0.2.1, 203.0.113.7, 10.0.0.1", "203.0.113.7"),
        (2, "203.0.113.7", "10.0.0.2"),
        (1, "", "10.0.0.2"),
    ],
)
def test_client_ip_trusts_only_configured_proxies(settings, proxies, forwarded, expected):
    from django.test import RequestFactory

    from webinar.security import client_ip

    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip(request) == expected
