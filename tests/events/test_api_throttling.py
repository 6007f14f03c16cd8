"""The read-only API answers 429 with Retry-After to a client that asks too fast, counted
per client address in the shared cache; a forged X-Forwarded-For does not reset the count."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.throttling import AnonRateThrottle

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_per_minute(monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    cache.clear()
    yield
    cache.clear()


def test_api_client_over_the_rate_gets_429_with_retry_after(client, three_per_minute):
    url = reverse("api:event-list")

    answers = [client.get(url) for _ in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert int(answers[-1]["Retry-After"]) > 0
    assert "throttled" in answers[-1].json()["detail"]


def test_api_rate_is_per_client_address(client, three_per_minute):
    url = reverse("api:person-list")
    for _ in range(3):
        client.get(url, REMOTE_ADDR="192.0.2.1")

    other = client.get(url, REMOTE_ADDR="192.0.2.2")
    same = client.get(url, REMOTE_ADDR="192.0.2.1")

    assert other.status_code == 200
    assert same.status_code == 429


def test_api_rate_ignores_forwarded_for_written_by_the_client(client, three_per_minute):
    url = reverse("api:organization-list")

    answers = [
        client.get(url, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}", REMOTE_ADDR="192.0.2.9")
        for n in range(4)
    ]

    assert answers[-1].status_code == 429


def test_api_rate_uses_the_address_the_trusted_proxy_saw(client, three_per_minute, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    url = reverse("api:event-list")
    for _ in range(3):
        client.get(url, HTTP_X_FORWARDED_FOR="forged, 203.0.113.5", REMOTE_ADDR="127.0.0.1")

    blocked = client.get(url, HTTP_X_FORWARDED_FOR="other, 203.0.113.5", REMOTE_ADDR="127.0.0.1")
    other = client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.6", REMOTE_ADDR="127.0.0.1")

    assert blocked.status_code == 429
    assert other.status_code == 200


def test_public_pages_are_not_throttled_by_the_api_limit(client, three_per_minute):
    answers = [client.get(reverse("events:list")).status_code for _ in range(5)]

    assert answers == [200] * 5
