"""Rate limits: per address on every request, per key on every post; a 429 is the spec's error
list with Retry-After, and the refused post writes nothing."""

import pytest

from tandem.community.models import Report

from .conftest import BASE, errors_of, post_request

pytestmark = pytest.mark.django_db


def test_an_address_that_sends_too_much_gets_a_429(client, settings):
    settings.OPEN311_RATE_LIMITS = {"ip": (3, 60)}

    statuses = [client.get(f"{BASE}/services.json").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    refused = client.get(f"{BASE}/services.xml")
    assert refused["Retry-After"] == "60"
    assert errors_of(refused) == [(429, "Too many requests: at most 3 every 60 seconds. Try again later.")]


def test_a_key_that_posts_too_much_gets_a_429_and_nothing_is_written(client, routed, api_key, settings):
    settings.OPEN311_RATE_LIMITS = {"key": (2, 60)}

    statuses = [
        post_request(
            client, api_key, lat=f"53.7{n}", description=f"Report {n} of the fly-tipping"
        ).status_code
        for n in range(3)
    ]

    assert statuses == [200, 200, 429]
    assert Report.objects.count() == 2
