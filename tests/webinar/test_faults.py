"""
What readers, editors and load balancers get when part of the service fails: the database
away (503 with Retry-After, in the site's design), oversized requests (413 before they are
read), and the health endpoints.
"""

import json
from unittest import mock

import pytest
from django.conf import settings
from django.db import OperationalError, connections
from django.test import Client, override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_away():
    """Every new query fails as it does while PostgreSQL is stopped."""

    def refuse(self):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')

    with mock.patch.object(type(connections["default"]), "ensure_connection", refuse):
        yield


@pytest.fixture
def anonymous():
    return Client(raise_request_exception=False)


@pytest.mark.urls("tests.webinar.outage_urls")
@pytest.mark.parametrize("address", ["/gone/", "/lost/"])
def test_database_error_answers_503_with_retry_after(anonymous, address):
    response = anonymous.get(address)

    assert response.status_code == 503
    assert response["Retry-After"] == str(settings.DATABASE_RETRY_AFTER_SECONDS)
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "Temporarily unavailable" in page
    assert "Skip to content" in page  # the site's own design, not a bare error
    assert f"try again in {settings.DATABASE_RETRY_AFTER_SECONDS} seconds" in page


@pytest.mark.urls("tests.webinar.outage_urls")
def test_other_errors_still_answer_500(anonymous):
    response = anonymous.get("/boom/")

    assert response.status_code == 500
    assert "Retry-After" not in response


def test_public_page_answers_503_while_the_database_is_away(anonymous, database_away):
    response = anonymous.get(reverse("events:list") + "?q=a+new+search")

    assert response.status_code == 503
    assert response["Retry-After"] == str(settings.DATABASE_RETRY_AFTER_SECONDS)
    assert "Temporarily unavailable" in response.content.decode()


def test_api_answers_json_503_while_the_database_is_away(anonymous, database_away):
    response = anonymous.get(reverse("api:event-list"))

    assert response.status_code == 503
    assert response["Retry-After"]
    assert "not answering" in response.json()["detail"]


def test_cached_page_keeps_answering_while_the_database_is_away(anonymous, shanghai):
    url = shanghai.get_absolute_url()
    assert anonymous.get(url).status_code == 200

    with mock.patch.object(
        type(connections["default"]), "ensure_connection", side_effect=OperationalError("down")
    ):
        response = anonymous.get(url)

    assert response.status_code == 200
    assert shanghai.title_en in response.content.decode()


def test_persistent_connections_are_checked_before_use():
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


# --- Health endpoints


def test_liveness_answers_without_database(anonymous, database_away):
    response = anonymous.get(reverse("health_live"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_readiness_checks_database_migrations_storage_and_cache(anonymous, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    response = anonymous.get(reverse("health_ready"))

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok",
        "migrations": "ok",
        "storage": "ok",
        "cache": "ok",
    }
    assert "no-store" in response["Cache-Control"]
    assert list(tmp_path.rglob("*.txt")) == []  # the probe file is removed


def test_readiness_fails_while_the_database_is_away(anonymous, database_away, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from webinar import outages

    with mock.patch.object(outages, "_migrations_applied", False):
        response = anonymous.get(reverse("health_ready"))

    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"]["status"] == "failing"
    assert checks["migrations"]["status"] == "failing"


def test_readiness_is_never_answered_from_a_cache(anonymous, settings, tmp_path):
    """A load balancer must see the database go away on its very next probe."""
    from webinar import outages

    settings.MEDIA_ROOT = tmp_path
    assert anonymous.get(reverse("health_ready")).status_code == 200

    gone = OperationalError("the database went away")
    with (
        mock.patch.object(outages, "_migrations_applied", False),
        mock.patch.object(type(connections["default"]), "ensure_connection", side_effect=gone),
    ):
        response = anonymous.get(reverse("health_ready"))

    assert response.status_code == 503
    assert response.json()["checks"]["database"]["status"] == "failing"


def test_readiness_reports_cache_outage_without_failing(anonymous, settings, tmp_path):
    """Pages are served without the cache, so a Redis outage must not take every app
    server out of the load balancer at once."""
    settings.MEDIA_ROOT = tmp_path
    unreachable = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
    from webinar import outages

    with override_settings(CACHES={**settings.CACHES, "default": unreachable}):
        ready, results = outages.run_checks(outages.READINESS)

    assert ready is True
    assert results["cache"]["status"] == "degraded"


def test_health_endpoints_are_not_redirected_to_https():
    import re

    assert any(re.match(pattern, "health/ready/") for pattern in settings.SECURE_REDIRECT_EXEMPT)


# --- Request bounds


def test_oversized_login_post_is_refused_before_it_is_read(anonymous):
    url = reverse("admin:login")
    body = json.dumps({"username": "x" * (settings.LOGIN_MAX_BODY_BYTES + 1)})

    response = anonymous.post(url, body, content_type="application/json")

    assert response.status_code == 413
    assert "too large" in response.content.decode()


def test_ordinary_login_post_is_not_refused_for_size(anonymous):
    response = anonymous.post(reverse("admin:login"), {"username": "editor", "password": "x"})

    assert response.status_code != 413


def test_large_body_to_a_public_page_is_refused(anonymous):
    response = anonymous.post(
        reverse("events:list"),
        "x" * (settings.PUBLIC_MAX_BODY_BYTES + 1),
        content_type="text/plain",
    )

    assert response.status_code == 413


def test_post_to_a_public_page_answers_405_in_the_site_design():
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("events:list"), {"q": "x"})

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert "This page can only be read" in response.content.decode()
