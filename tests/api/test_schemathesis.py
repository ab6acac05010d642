"""Property-based run over every operation of the schema: no input gives a server error.

Schemathesis generates valid and invalid requests from the API's OpenAPI schema
and sends them to the Django WSGI application, on the test database with the
`cast` data, once as an anonymous visitor and once as a partnership
administrator (HTTP basic authentication). Each operation gets a fresh cast.
"""

import base64
import json
import zlib

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, models
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from tandem.meetings.models import ActionArising, AgendaItem, Attendance, Decision, Meeting
from tandem.partnership.models import (
    Group,
    GroupType,
    Membership,
    Organisation,
    Partnership,
    Person,
    StakeholderKind,
)
from tandem.places.models import Area
from tandem.problems.models import Category, Escalation, Priority, Problem
from tandem.strategy.models import Strategy
from tests.factories import PASSWORD, Cast, make_meeting


def _load_schema(*, coverage: bool) -> schemathesis.BaseSchema:
    # Generated in-process (no database needed at collection time): the same document that
    # /api/v1/schema/ serves, which tests/api/test_schema.py checks.
    document = SchemaGenerator().get_schema(request=None, public=True)
    config = schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": coverage}}})
    loaded = schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(document)), config=config)
    loaded.app = get_wsgi_application()
    return loaded


# The coverage phase (boundary and invalid values for every field) matters where writes are
# allowed; anonymous writes are refused before the body is read, so the public run only fuzzes.
public_schema = _load_schema(coverage=False)
administrator_schema = _load_schema(coverage=True)

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


def _pick(keys: list, seed: str, value):
    """A real key most of the time, else the generated value; chosen from the case itself, so
    a failing example replays exactly."""
    index = zlib.crc32(seed.encode()) % (len(keys) + 1)
    return keys[index] if index < len(keys) else value


def _keys(model: type[models.Model], field: str = "slug") -> list:
    return list(model.objects.order_by("pk").values_list(field, flat=True))


def _aim_at_real_rows(case) -> None:
    """Point most generated paths and references at rows that exist, so that reads and writes
    get past "not found" and reach the services and the database."""
    collection = case.path.split("/")[3]
    seed = f"{case.method} {case.path} {case.path_parameters!r} {case.query!r} {case.body!r}"
    for name, value in list((case.path_parameters or {}).items()):
        field = "slug" if name == "slug" else "pk"
        case.path_parameters[name] = _pick(_keys(COLLECTIONS[collection], field), seed + name, value)
    if isinstance(case.body, dict):
        references = {**REFERENCES, "parent": (COLLECTIONS[collection], "slug")}
        for name, value in list(case.body.items()):
            if name in references and isinstance(value, str | int):
                model, field = references[name]
                case.body[name] = _pick(_keys(model, field), seed + name, value)


COLLECTIONS = {
    "areas": Area,
    "partnerships": Partnership,
    "stakeholder-kinds": StakeholderKind,
    "group-types": GroupType,
    "organisations": Organisation,
    "groups": Group,
    "memberships": Membership,
    "meetings": Meeting,
    "agenda-items": AgendaItem,
    "attendance": Attendance,
    "decisions": Decision,
    "actions-arising": ActionArising,
    "problem-categories": Category,
    "problems": Problem,
    "priorities": Priority,
    "escalations": Escalation,
    "strategies": Strategy,
}
REFERENCES = {
    "partnership": (Partnership, "slug"),
    "type": (GroupType, "slug"),
    "area": (Area, "slug"),
    "group": (Group, "slug"),
    "person": (Person, "pk"),
    "organisation": (Organisation, "slug"),
    "accountable_body": (Organisation, "slug"),
    "stakeholder_kind": (StakeholderKind, "slug"),
    "meeting": (Meeting, "pk"),
    "category": (Category, "slug"),
    "raised_by_organisation": (Organisation, "slug"),
}


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Like Django's test client, keep the connection open between requests: the WSGI handler
    would otherwise close it after each one (and with it the test's transaction, on PostgreSQL)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def a_minuted_meeting(cast: Cast) -> Meeting:
    """Something for the meetings endpoints to find: a meeting with items, minutes and attendance."""
    meeting = make_meeting(group=cast.group, minutes_status=Meeting.MinutesStatus.APPROVED)
    item = AgendaItem.objects.create(meeting=meeting, position=1, title="Speeding", minutes="Noted.")
    AgendaItem.objects.create(meeting=meeting, position=2, title="A family", is_confidential=True)
    Decision.objects.create(meeting=meeting, item=item, text="RESOLVED that a speed watch be set up.")
    ActionArising.objects.create(meeting=meeting, item=item, description="Book it", lead=cast.chair_person)
    Attendance.objects.create(meeting=meeting, person=cast.chair_person, status=Attendance.Status.PRESENT)
    return meeting


def _basic(email: str) -> dict[str, str]:
    token = base64.b64encode(f"{email}:{PASSWORD}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@public_schema.parametrize()
@SETTINGS
def test_it_gives_no_server_error_to_the_public(case, cast: Cast) -> None:
    _aim_at_real_rows(case)
    response = case.call()
    case.validate_response(response, checks=[not_a_server_error])


@administrator_schema.parametrize()
@SETTINGS
def test_it_gives_no_server_error_to_an_administrator(case, cast: Cast) -> None:
    _aim_at_real_rows(case)
    response = case.call(headers=_basic(cast.administrator.email))
    case.validate_response(response, checks=[not_a_server_error])
