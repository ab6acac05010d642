"""One client's session over a real socket: the live server and urllib, as an Open311 app sees it."""

import json
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_client_posts_a_request_over_http_and_follows_it(live_server, routed, api_key):
    from tandem.problems.models import Category

    # A transactional test earlier in the same process may have flushed the seeded categories.
    Category.objects.get_or_create(slug="youth-nuisance", defaults={"name": "Youth nuisance"})
    base = f"{live_server.url}/open311/v2"
    body = urllib.parse.urlencode(
        {
            "api_key": api_key,
            "service_code": "youth-nuisance",
            "lat": "53.7251",
            "long": "-1.3562",
            "description": "Fireworks thrown at the bus shelter",
        }
    ).encode()
    posted = urllib.request.Request(  # noqa: S310 (the test's own live server)
        f"{base}/requests.xml",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    with urllib.request.urlopen(posted) as response:  # noqa: S310
        assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
        reference = ET.fromstring(response.read()).findtext("request/service_request_id")  # noqa: S314

    with urllib.request.urlopen(f"{base}/requests/{reference}.json") as response:  # noqa: S310
        assert response.headers["Content-Type"] == "application/json; charset=utf-8"
        [row] = json.loads(response.read())
    assert (row["service_request_id"], row["service_code"], row["status"]) == (
        reference,
        "youth-nuisance",
        "open",
    )

    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{base}/requests.json?start_date=not-a-date")  # noqa: S310
    assert refused.value.code == 400
    assert json.loads(refused.value.read())[0]["code"] == 400
