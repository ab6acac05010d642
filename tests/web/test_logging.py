"""Logs are one JSON object a line on stdout, one line per request."""

import io
import json
import logging

import pytest
from django.urls import reverse


@pytest.fixture
def log_lines():
    """Point Tandem's configured stdout handler at a buffer for the test; yield a reader of JSON lines."""
    handler = next(h for h in logging.getLogger("tandem").handlers if isinstance(h, logging.StreamHandler))
    buffer = io.StringIO()
    previous = handler.setStream(buffer)

    def read() -> list[dict]:
        return [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]

    yield read
    handler.setStream(previous)


@pytest.mark.django_db
def test_each_request_is_one_json_line(client, cast, log_lines):
    client.force_login(cast.officer)

    client.get(reverse("web:home"))

    requests = [line for line in log_lines() if line["logger"] == "tandem.request"]
    assert len(requests) == 1
    entry = requests[0]
    assert entry["level"] == "info"
    assert entry["method"] == "GET"
    assert entry["path"] == "/"
    assert entry["status"] == 200
    assert entry["user_id"] == cast.officer.pk
    assert isinstance(entry["duration_ms"], float)
    assert entry["time"].endswith("+00:00")


@pytest.mark.django_db
def test_an_anonymous_request_logs_no_user_as_null(client, log_lines):
    client.get(reverse("web:home"))

    entry = next(line for line in log_lines() if line["logger"] == "tandem.request")
    assert entry["user_id"] is None


@pytest.mark.django_db
def test_a_failure_is_logged_with_its_traceback_as_json(client, log_lines, settings):
    settings.ROOT_URLCONF = "tests.web.error_urls"
    client.raise_request_exception = False

    client.get("/test-only/broken/")

    errors = [line for line in log_lines() if line["level"] == "error"]
    assert errors, log_lines()
    assert "RuntimeError: broken on purpose" in errors[0]["exception"]
