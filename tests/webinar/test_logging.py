import io
import json
import logging

import pytest
from django.test import Client


@pytest.fixture
def log_lines():
    """What the configured console handler writes, as a list of lines."""
    handler = next(h for h in logging.getLogger().handlers if h.name == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield lambda: [line for line in stream.getvalue().splitlines() if line]
    handler.setStream(previous)


@pytest.mark.urls("tests.webinar.error_urls")
def test_server_error_is_logged_as_json_with_path_and_status_without_secrets(db, log_lines):
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "session-cookie-secret-1"

    response = client.post(
        "/boom/?email=reader%40example.org",
        {"username": "editor", "password": "hunter2-password-secret"},
        HTTP_AUTHORIZATION="Bearer authorization-token-secret",
    )

    assert response.status_code == 500
    (line,) = [line for line in log_lines() if "boom" in line]
    record = json.loads(line)
    assert record["level"] == "ERROR"
    assert record["logger"] == "django.request"
    assert record["path"] == "/boom/"
    assert record["method"] == "POST"
    assert record["status"] == 500
    assert record["exception"] == "RuntimeError"
    assert "the view failed" in record["traceback"]
    for secret in (
        "session-cookie-secret-1",
        "hunter2-password-secret",
        "authorization-token-secret",
        "reader@example.org",
        "reader%40example.org",
        "editor",
    ):
        assert secret not in line


def test_not_found_is_logged_as_json_warning_with_path(db, client, log_lines):
    client.get("/no-such-page/?q=private-search-words")

    (line,) = [line for line in log_lines() if "no-such-page" in line]
    record = json.loads(line)
    assert record["level"] == "WARNING"
    assert record["status"] == 404
    assert record["path"] == "/no-such-page/"
    assert "private-search-words" not in line
