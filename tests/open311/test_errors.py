"""Refusals as the spec's error list, in the format asked for: 400 for a bad request, 403 for a
missing or wrong api_key, 404 for what does not exist, 405 for a wrong method. Nothing is
written by a refused request."""

import pytest
from django.test import Client

from tandem.open311.models import ClientApplication

from .conftest import BASE, errors_of, parse

pytestmark = pytest.mark.django_db


def test_an_unknown_format_is_refused_in_xml(client):
    response = client.get(f"{BASE}/services.html")

    assert response.status_code == 400
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert errors_of(response) == [(400, "Unknown format “html”: use .xml or .json.")]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_wrong_method_is_refused_with_the_methods_allowed(client, fmt):
    response = client.post(f"{BASE}/services.{fmt}")

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert errors_of(response) == [(405, "Use GET here.")]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_posting_a_request_without_a_key_is_forbidden(client, fmt):
    response = client.post(
        f"{BASE}/requests.{fmt}", {"service_code": "drugs", "lat": "53.7", "long": "-1.35"}
    )

    assert response.status_code == 403
    assert errors_of(response) == [
        (403, "api_key was not provided: ask the partnership's administrators for one.")
    ]


def test_posting_with_an_unknown_key_is_forbidden(client, api_key):
    response = client.post(f"{BASE}/requests.json", {"api_key": api_key[:-1], "service_code": "drugs"})

    assert response.status_code == 403
    assert ClientApplication.objects.get().last_used_at is None


@pytest.mark.parametrize(
    ("data", "status", "description"),
    [
        ({}, 400, "service_code was not provided."),
        (
            {"service_code": "potholes", "lat": "53", "long": "-1"},
            404,
            "service_code “potholes” was not found.",
        ),
        ({"service_code": "drugs"}, 400, "Give the location: lat and long, or address_string."),
        ({"service_code": "drugs", "lat": "53.7"}, 400, "lat and long must both be given."),
        (
            {"service_code": "drugs", "lat": "north", "long": "-1"},
            400,
            "lat and long must be numbers (WGS84 degrees).",
        ),
        (
            {"service_code": "drugs", "lat": "nan", "long": "-1"},
            400,
            "lat must be between -90 and 90 and long between -180 and 180.",
        ),
        (
            {"service_code": "drugs", "lat": "91", "long": "-1"},
            400,
            "lat must be between -90 and 90 and long between -180 and 180.",
        ),
        (
            {"service_code": "drugs", "address_string": "Mill Lane", "description": "x" * 4001},
            400,
            "description is too long: at most 4000 characters.",
        ),
        (
            {"service_code": "drugs", "address_string": "Mill\x00Lane"},
            400,
            "address_string contains characters that are not allowed.",
        ),
        (
            {"service_code": "drugs", "address_string": "Mill Lane", "jurisdiction_id": "x" * 101},
            400,
            "jurisdiction_id is too long: at most 100 characters.",
        ),
        (
            {"service_code": "drugs", "address_string": "Mill Lane", "attribute[when]": "x" * 501},
            400,
            "attribute[when] is too long: at most 500 characters.",
        ),
    ],
)
def test_a_bad_request_is_refused_with_what_is_wrong(client, api_key, data, status, description):
    response = client.post(f"{BASE}/requests.xml", {"api_key": api_key, **data})

    assert response.status_code == status
    assert errors_of(response) == [(status, description)]


def test_a_request_body_over_64_kb_is_refused(client, api_key):
    response = client.post(
        f"{BASE}/requests.json", {"api_key": api_key, "service_code": "drugs", "padding": "x" * 70_000}
    )

    assert response.status_code == 400
    assert errors_of(response) == [(400, "The request is too large: at most 64 KB.")]


def test_errors_in_json_are_a_list_of_code_and_description(client):
    body = parse(client.get(f"{BASE}/services/nothing.json"))

    assert body == [{"code": 404, "description": "service_code “nothing” was not found."}]


@pytest.mark.parametrize(
    ("path", "fmt"), [("nothing.json", "json"), ("services/.xml", "xml"), ("requests", "xml")]
)
def test_a_path_that_is_no_resource_is_the_specs_404(client, path, fmt):
    response = client.get(f"{BASE}/{path}")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json" if fmt == "json" else "text/xml")
    assert errors_of(response) == [(404, "There is no such resource: see discovery.xml for what there is.")]


def test_characters_xml_cannot_carry_are_refused(client, api_key):
    response = client.post(
        f"{BASE}/requests.xml",
        {"api_key": api_key, "service_code": "drugs\ufffe", "address_string": "Mill Lane"},
    )

    assert response.status_code == 400
    assert errors_of(response) == [(400, "service_code contains characters that are not allowed.")]


def test_a_body_that_cannot_be_read_is_a_400_in_the_specs_format(client, api_key):
    response = client.generic(
        "POST", f"{BASE}/requests.json", b"--nothing\r\n", content_type="multipart/form-data; boundary="
    )

    assert response.status_code == 400
    assert errors_of(response) == [(400, "The request body could not be read: send it form-encoded (UTF-8).")]


def test_a_post_to_no_resource_is_the_specs_404_not_a_csrf_refusal(db):
    response = Client(enforce_csrf_checks=True).post(f"{BASE}/request.xml", {"service_code": "drugs"})

    assert response.status_code == 404
    assert errors_of(response)[0][0] == 404


def test_clients_post_without_a_csrf_token(db, api_key):
    response = Client(enforce_csrf_checks=True).post(f"{BASE}/requests.xml", {"api_key": api_key})

    assert response.status_code == 400
    assert errors_of(response) == [(400, "service_code was not provided.")]
