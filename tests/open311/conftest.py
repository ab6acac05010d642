"""An Open311 client's view of Tandem: requests over HTTP (Django's test client), answers parsed
as XML or JSON exactly as a client would read them."""

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tandem.open311.services import client_create

FIXTURES = Path(__file__).parent / "fixtures"
BASE = "/open311/v2"


def parse(response):
    """The body as a client reads it: the XML root element, or the decoded JSON."""
    content_type = response["Content-Type"]
    if content_type == "text/xml; charset=utf-8":
        assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
        return ET.fromstring(response.content)  # noqa: S314 (our own server's answer)
    assert content_type == "application/json; charset=utf-8", content_type
    return json.loads(response.content)


def children(element) -> list[str]:
    return [child.tag for child in element]


def errors_of(response) -> list[tuple[int, str]]:
    """The spec's error list, read the same way from either format."""
    body = parse(response)
    if isinstance(body, list):
        return [(row["code"], row["description"]) for row in body]
    assert body.tag == "errors"
    return [(int(error.findtext("code")), error.findtext("description")) for error in body.findall("error")]


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Each test starts with no requests counted against its address (the limiter's cache)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_key(db) -> str:
    _, key = client_create(name="Castleford FixMyStreet")
    return key


@pytest.fixture
def routed(cast):
    """The cast's partnership sends every report to its Local Action Group."""
    from tandem.community.models import RoutingRule

    RoutingRule.objects.create(partnership=cast.partnership, group=cast.group)
    return cast


def post_request(client, api_key: str, fmt: str = "xml", **data):
    fields = {
        "api_key": api_key,
        "service_code": "anti-social-behaviour",
        "lat": "53.7251",
        "long": "-1.3562",
        "description": "Motorbikes on the playing field every evening",
        **data,
    }
    return client.post(f"{BASE}/requests.{fmt}", fields)
