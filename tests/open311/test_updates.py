"""FixMyStreet's extension: GET servicerequestupdates (what changed since a date, with the
extended statuses) and POST servicerequestupdates (a comment from the client's site)."""

import datetime as dt

import pytest
from django.utils import timezone

from tandem.community.models import Report, ReportUpdate
from tandem.open311.models import ReceivedUpdate
from tandem.problems.services import problem_set_status

from .conftest import BASE, children, errors_of, parse, post_request
from .test_spec_examples import spec_xml

pytestmark = pytest.mark.django_db

STATUS_REFUSED = (
    "status must be one of OPEN, CLOSED, FIXED, IN_PROGRESS, ACTION_SCHEDULED, INVESTIGATING, DUPLICATE, "
    "NOT_COUNCILS_RESPONSIBILITY, NO_FURTHER_ACTION, INTERNAL_REFERRAL."
)


@pytest.fixture
def report(client, routed, api_key) -> Report:
    response = post_request(client, api_key, fmt="json")
    return Report.objects.get(reference=parse(response)[0]["service_request_id"])


def _update(client, key, report, fmt="xml", **data):
    fields = {
        "api_key": key,
        "service_request_id": report.reference,
        "update_id": "fms-1001",
        "status": "OPEN",
        "updated_datetime": "2026-12-03T10:00:00Z",
        "description": "Still happening every night this week",
        "first_name": "Jo",
        "last_name": "Bloggs",
        "email": "jo@example.org",
        **data,
    }
    return client.post(f"{BASE}/servicerequestupdates.{fmt}", fields)


def test_updates_since_a_date_carry_the_extended_status(client, routed, report):
    problem_set_status(problem=report.problem, to_status="analysis", by=routed.officer)
    since = (timezone.now() - dt.timedelta(hours=1)).isoformat(timespec="seconds")

    xml = parse(client.get(f"{BASE}/servicerequestupdates.xml", {"start_date": since}))
    rows = parse(client.get(f"{BASE}/servicerequestupdates.json", {"start_date": since}))

    assert xml.tag == "service_request_updates"
    spec = spec_xml("servicerequestupdates.xml")
    assert children(xml[0]) == children(spec[0])
    last = rows[-1]
    assert list(last) == children(spec[0])
    assert last["service_request_id"] == report.reference
    assert (last["status"], last["external_status_code"]) == ("investigating", "INVESTIGATING")
    assert last["update_id"] == str(ReportUpdate.objects.filter(report=report).latest("pk").pk)
    assert [row["update_id"] for row in rows] == sorted((row["update_id"] for row in rows), key=int)
    later = (timezone.now() + dt.timedelta(minutes=1)).isoformat(timespec="seconds")
    assert parse(client.get(f"{BASE}/servicerequestupdates.json", {"start_date": later})) == []


def test_updates_of_unpublished_reports_are_not_listed(client, routed, api_key):
    post_request(client, api_key, description="Look at https://example.org/ for the dealers")
    assert Report.objects.get().status == Report.Status.PENDING

    assert parse(client.get(f"{BASE}/servicerequestupdates.json")) == []


def test_posting_an_update_adds_a_comment_and_answers_its_id(client, report, api_key):
    response = _update(client, api_key, report)

    assert response.status_code == 200, response.content
    root = parse(response)
    assert [child.tag for child in root.iter()] == ["service_request_updates", "request_update", "update_id"]
    assert [child.tag for child in spec_xml("post_update.xml").iter()] == [child.tag for child in root.iter()]
    update = ReportUpdate.objects.get(pk=root.findtext("request_update/update_id"))
    assert update.text == "Still happening every night this week"
    assert update.source == ReportUpdate.Source.CLIENT
    assert update.client_name == "Castleford FixMyStreet"
    assert update.extended_status == report.extended_status()
    listed = client.get(f"{BASE}/servicerequestupdates.json")
    assert b"Bloggs" not in listed.content and b"jo@example.org" not in listed.content


def test_posting_the_same_update_again_adds_nothing(client, report, api_key):
    first = parse(_update(client, api_key, report, fmt="json"))
    count = ReportUpdate.objects.count()

    again = parse(_update(client, api_key, report, fmt="json"))

    assert again == first == [{"update_id": first[0]["update_id"]}]
    assert ReportUpdate.objects.count() == count
    assert ReceivedUpdate.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "status", "description"),
    [
        ({"api_key": ""}, 403, "api_key was not provided: ask the partnership's administrators for one."),
        ({"service_request_id": "TDM-NOSUCH"}, 404, "service_request_id “TDM-NOSUCH” was not found."),
        (
            {"status": "MAYBE"},
            400,
            STATUS_REFUSED,
        ),
        ({"update_id": ""}, 400, "update_id was not provided."),
        ({"description": ""}, 400, "description was not provided."),
        (
            {"updated_datetime": "last night"},
            400,
            "updated_datetime must be a W3C datetime, for example 2010-01-01T00:00:00Z.",
        ),
    ],
)
def test_a_bad_update_is_refused_and_nothing_is_added(client, report, api_key, data, status, description):
    count = ReportUpdate.objects.count()

    response = _update(client, api_key, report, **data)

    assert response.status_code == status
    assert errors_of(response) == [(status, description)]
    assert ReportUpdate.objects.count() == count
    assert ReceivedUpdate.objects.count() == 0
