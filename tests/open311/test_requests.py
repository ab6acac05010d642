"""POST and GET service requests, one request, and a token: residents' reports as an Open311
client sends and reads them. No name, email address or phone number is ever in an answer."""

import datetime as dt
import gzip
import json
import re

import pytest
from django.utils import timezone

from tandem.community.models import Report
from tandem.problems.services import problem_merge, problem_set_status

from .conftest import BASE, FIXTURES, children, errors_of, parse, post_request

pytestmark = pytest.mark.django_db

REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]
W3C_WITH_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")


def test_posting_a_request_makes_a_residents_report_and_answers_its_id(client, routed, api_key):
    response = post_request(
        client, api_key, first_name="Jo", last_name="Bloggs", email="jo@example.org", phone="07700 900123"
    )

    assert response.status_code == 200
    root = parse(response)
    assert root.tag == "service_requests"
    assert children(root[0]) == ["service_request_id", "service_notice", "account_id"]
    report = Report.objects.get()
    assert root.findtext("request/service_request_id") == report.reference
    assert root.findtext("request/account_id") == ""
    assert report.via == Report.Via.OPEN311
    assert report.client_name == "Castleford FixMyStreet"
    assert report.category.slug == "anti-social-behaviour"
    assert (report.latitude, report.longitude) == (53.7251, -1.3562)
    assert (report.name, report.email, report.phone) == ("Jo Bloggs", "jo@example.org", "07700 900123")
    assert report.status == Report.Status.ACCEPTED
    assert report.problem.group == routed.group


def test_the_specs_example_request_is_accepted_and_its_unknown_attributes_ignored(client, routed, api_key):
    body = (FIXTURES / "post_request_body.txt").read_text().strip()
    body = body.replace("api_key=xyz", f"api_key={api_key}").replace("service_code=001", "service_code=drugs")

    response = client.post(
        f"{BASE}/requests.json", body, content_type="application/x-www-form-urlencoded; charset=utf-8"
    )

    assert response.status_code == 200, response.content
    [answer] = parse(response)
    assert list(answer) == ["service_request_id", "service_notice", "account_id"]
    report = Report.objects.get(reference=answer["service_request_id"])
    assert report.location_text == "1234 5th street"
    assert report.description.startswith("A large sinkhole is destroying the street")
    assert (
        "Photo or video: http://farm3.static.flickr.com/2002/2212426634_5ed477a060.jpg" in report.description
    )
    assert report.name == "john smith"


def test_the_answer_to_when_joins_the_description_and_a_wrong_one_is_refused(client, routed, api_key):
    refused = post_request(client, api_key, **{"attribute[when]": "tuesdays"})

    assert refused.status_code == 400
    assert "attribute[when] must be one of daytime, evening" in errors_of(refused)[0][1]
    assert Report.objects.count() == 0

    assert post_request(client, api_key, **{"attribute[when]": "evening"}).status_code == 200
    assert Report.objects.get().description.endswith("When it happens: In the evening")


def test_a_report_the_community_app_refuses_is_a_400_with_its_reason(client, routed, api_key):
    response = post_request(client, api_key, description="   ")

    assert response.status_code == 400
    assert errors_of(response) == [(400, "Describe the problem.")]
    assert Report.objects.count() == 0


def _report(client, api_key, **data) -> Report:
    response = post_request(client, api_key, fmt="json", **data)
    assert response.status_code == 200, response.content
    return Report.objects.get(reference=parse(response)[0]["service_request_id"])


def test_get_requests_lists_published_reports_field_by_field_without_personal_data(client, routed, api_key):
    report = _report(
        client,
        api_key,
        first_name="Jo",
        last_name="Bloggs",
        email="jo@example.org",
        phone="07700 900123",
        address_string="Mill Lane",
    )

    xml = client.get(f"{BASE}/requests.xml")
    data = client.get(f"{BASE}/requests.json")

    for response in (xml, data):
        assert response.status_code == 200
        for secret in (b"Bloggs", b"jo@example.org", b"07700", report.token.encode()):
            assert secret not in response.content
    [request] = parse(xml).findall("request")
    assert children(request) == REQUEST_FIELDS
    assert request.findtext("service_request_id") == report.reference
    assert request.findtext("status") == "open"
    assert request.findtext("status_notes") == "open"
    assert request.findtext("service_code") == "anti-social-behaviour"
    assert request.findtext("agency_responsible") == "Oakfield Local Action Group"
    assert request.findtext("address") == "Mill Lane"
    assert W3C_WITH_OFFSET.match(request.findtext("requested_datetime"))
    [row] = parse(data)
    assert list(row) == REQUEST_FIELDS
    assert row["lat"] == 53.7251 and row["long"] == -1.3562
    assert row["expected_datetime"] is None and row["zipcode"] is None
    assert row["description"] == "Motorbikes on the playing field every evening"
    assert dt.datetime.fromisoformat(row["requested_datetime"]) == report.created_at.replace(microsecond=0)


def test_a_report_waiting_for_moderation_is_followed_but_not_published(client, routed, api_key):
    held = _report(client, api_key, description="See https://example.org/pictures of the dealers")
    assert held.status == Report.Status.PENDING

    assert parse(client.get(f"{BASE}/requests.json")) == []
    [row] = parse(client.get(f"{BASE}/requests/{held.reference}.json"))
    assert row["service_request_id"] == held.reference
    assert row["status"] == "open"
    assert row["description"] is None and row["lat"] is None and row["address"] is None


def test_the_status_follows_the_problem_with_the_extended_status_in_the_notes(client, routed, api_key):
    report = _report(client, api_key)
    problem_set_status(problem=report.problem, to_status="analysis", by=routed.officer)

    [row] = parse(client.get(f"{BASE}/requests/{report.reference}.json"))
    assert (row["status"], row["status_notes"]) == ("open", "investigating")

    report.problem.refresh_from_db()
    for status in ("response", "assessment", "resolved"):
        problem_set_status(problem=report.problem, to_status=status, by=routed.officer)
    [row] = parse(client.get(f"{BASE}/requests/{report.reference}.json"))
    assert (row["status"], row["status_notes"]) == ("closed", "fixed")
    assert parse(client.get(f"{BASE}/requests.json?status=open")) == []
    assert [r["service_request_id"] for r in parse(client.get(f"{BASE}/requests.json?status=closed"))] == [
        report.reference
    ]


def test_the_filters_by_id_service_and_dates(client, routed, api_key):
    first = _report(client, api_key)
    second = _report(
        client, api_key, service_code="drugs", lat="53.70", long="-1.30", description="Dealing by the shop"
    )
    third = _report(
        client, api_key, service_code="noise", lat="53.74", long="-1.33", description="Music at 3am"
    )
    Report.objects.filter(pk=third.pk).update(created_at=timezone.now() - dt.timedelta(days=120))

    def ids(query: str) -> list[str]:
        response = client.get(f"{BASE}/requests.json?{query}")
        assert response.status_code == 200, response.content
        return [row["service_request_id"] for row in parse(response)]

    assert ids("") == [second.reference, first.reference]
    assert ids(f"service_request_id={first.reference},{third.reference}") == [
        first.reference,
        third.reference,
    ]
    overriding = f"service_request_id={third.reference}&service_code=drugs&status=nonsense&start_date=never"
    assert ids(overriding) == [third.reference]
    assert ids("service_code=drugs,noise") == [second.reference]
    old = (timezone.now() - dt.timedelta(days=150)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(f"start_date={old}") == [third.reference]
    assert ids(f"end_date={old}") == []


@pytest.mark.parametrize(
    ("query", "description"),
    [
        (
            "start_date=2010-01-01T00:00:00Z&end_date=2010-06-01T00:00:00Z",
            "start_date and end_date may not span more than 90 days.",
        ),
        ("start_date=2010-06-01T00:00:00Z&end_date=2010-01-01T00:00:00Z", "end_date is before start_date."),
        ("start_date=yesterday", "start_date must be a W3C datetime, for example 2010-01-01T00:00:00Z."),
        ("end_date=2010-02-30T00:00:00Z", "end_date is not a real date and time."),
        ("status=pending", "status must be open or closed (or both, comma separated)."),
        (
            "service_request_id=" + ",".join(["x"] * 101),
            "service_request_id lists too many values: at most 100.",
        ),
    ],
)
def test_bad_filters_are_refused(client, db, query, description):
    response = client.get(f"{BASE}/requests.xml?{query}")

    assert response.status_code == 400
    assert errors_of(response) == [(400, description)]


def test_unknown_requests_and_tokens_are_not_found(client, db):
    assert errors_of(client.get(f"{BASE}/requests/TDM-NOSUCH.json")) == [
        (404, "service_request_id “TDM-NOSUCH” was not found.")
    ]
    assert errors_of(client.get(f"{BASE}/tokens/nothing.xml")) == [(404, "token was not found.")]


def test_a_token_gives_its_request_id_in_the_examples_shape(client, routed, api_key):
    report = _report(client, api_key)

    xml = parse(client.get(f"{BASE}/tokens/{report.token}.xml"))
    [row] = parse(client.get(f"{BASE}/tokens/{report.token}.json"))

    assert children(xml[0]) == ["service_request_id", "token"]
    assert xml.findtext("request/service_request_id") == report.reference
    assert row == {"service_request_id": report.reference, "token": report.token}


def test_requests_are_read_in_two_queries_however_many_then_kept_until_a_report_changes(
    client, routed, api_key, django_assert_num_queries
):
    for n in range(5):
        _report(client, api_key, lat=f"53.{70 + n}", description=f"Problem number {n} on the estate")

    with django_assert_num_queries(2):  # what changed last, then the reports
        rows = parse(client.get(f"{BASE}/requests.json"))
    with django_assert_num_queries(1):  # nothing changed: the same answer
        again = parse(client.get(f"{BASE}/requests.json"))

    assert len(rows) == 5 and again == rows
    newest = _report(client, api_key, lat="53.80", description="A new one on the estate")
    assert parse(client.get(f"{BASE}/requests.json"))[0]["service_request_id"] == newest.reference
    problem_set_status(problem=newest.problem, to_status="analysis", by=routed.officer)
    assert parse(client.get(f"{BASE}/requests.json"))[0]["status_notes"] == "investigating"


def test_a_merge_shows_at_once_in_a_kept_answer(client, routed, api_key):
    kept = _report(client, api_key, lat="53.70", description="Graffiti on the underpass")
    duplicate = _report(client, api_key, lat="53.79", description="Spray paint under the bridge")
    assert kept.problem_id != duplicate.problem_id
    problem_set_status(problem=kept.problem, to_status="analysis", by=routed.officer)
    before = {row["service_request_id"]: row for row in parse(client.get(f"{BASE}/requests.json"))}
    assert before[duplicate.reference]["status_notes"] == "open"

    problem_merge(source=duplicate.problem, target=kept.problem, by=routed.officer)

    after = {row["service_request_id"]: row for row in parse(client.get(f"{BASE}/requests.json"))}
    assert after[duplicate.reference]["status_notes"] == "investigating"
    duplicate.refresh_from_db()
    assert duplicate.problem_id == kept.problem_id


def test_a_kept_answer_is_sent_gzipped_to_clients_that_accept_it(client, routed, api_key):
    for n in range(3):
        _report(client, api_key, lat=f"53.{70 + n}", description=f"Problem number {n} on the estate")
    plain = client.get(f"{BASE}/requests.json")
    zipped = client.get(f"{BASE}/requests.json", HTTP_ACCEPT_ENCODING="gzip, deflate, br")

    assert "Content-Encoding" not in plain
    assert zipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped["Vary"] and "Accept-Encoding" in plain["Vary"]
    assert gzip.decompress(zipped.content) == plain.content
    assert len(json.loads(plain.content)) == 3
    assert zipped["ETag"] != plain["ETag"]  # two representations, two entity tags


def test_a_client_holding_the_current_answer_is_told_not_modified_until_a_report_changes(
    client, routed, api_key
):
    report = _report(client, api_key)
    first = client.get(f"{BASE}/requests.xml")
    etag = first["ETag"]

    again = client.get(f"{BASE}/requests.xml", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    assert again["Access-Control-Allow-Origin"] == "*"  # browser apps revalidate across origins
    assert client.get(f"{BASE}/requests.xml", HTTP_IF_NONE_MATCH=f"W/{etag}").status_code == 304

    problem_set_status(problem=report.problem, to_status="analysis", by=routed.officer)
    changed = client.get(f"{BASE}/requests.xml", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert parse(changed).findtext("request/status_notes") == "investigating"
