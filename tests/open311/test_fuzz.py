"""Property-based: whatever a client puts in the query string, the path or a POST body, the answer
is a well-formed document or the spec's error list, with a 2xx or 4xx status — never a 500."""

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import BASE, parse

pytestmark = pytest.mark.django_db

NAMES = [
    "jurisdiction_id",
    "service_request_id",
    "service_code",
    "start_date",
    "end_date",
    "status",
    "api_key",
    "lat",
    "long",
    "address_string",
    "description",
    "update_id",
    "updated_datetime",
    "attribute[when]",
    "attribute[when][]",
    "media_url",
    "email",
]
DATES = st.one_of(
    st.datetimes().map(lambda moment: moment.isoformat()),
    st.sampled_from(
        ["2010-01-01T00:00:00Z", "2026-13-01T00:00:00Z", "2026-02-30", "2026-01-01T25:00:00+99:99"]
    ),
)
VALUES = st.one_of(
    st.text(max_size=60),
    DATES,
    st.sampled_from(
        ["open", "closed", "open,closed", "OPEN", "drugs", "noise,drugs", "53.7", "-1.3", "nan", "1e400"]
    ),
    st.text(alphabet="0123456789,.-+:TZ", max_size=30),
)
PARAMS = st.dictionaries(st.sampled_from(NAMES), VALUES, max_size=6)
GET_PATHS = [
    "discovery.{fmt}",
    "services.{fmt}",
    "services/{segment}.{fmt}",
    "requests.{fmt}",
    "requests/{segment}.{fmt}",
    "tokens/{segment}.{fmt}",
    "servicerequestupdates.{fmt}",
]
SEGMENT = st.text(
    alphabet=st.characters(blacklist_characters="/?#%", blacklist_categories=["Cs"]), min_size=1, max_size=40
)
FORMAT = st.sampled_from(["xml", "json", "XML", "html", "x"])
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _answer_is_well_formed(response) -> None:
    assert response.status_code in (200, 400, 403, 404, 405, 429), response.status_code
    body = parse(response)
    if response.status_code >= 400:
        rows = (
            body if isinstance(body, list) else [{"code": e.findtext("code")} for e in body.findall("error")]
        )
        assert rows and all(row["code"] for row in rows)


@FUZZ
@given(template=st.sampled_from(GET_PATHS), segment=SEGMENT, fmt=FORMAT, params=PARAMS)
def test_no_query_string_or_path_makes_a_server_error(template, segment, fmt, params):
    response = Client().get(f"{BASE}/" + template.format(segment=segment, fmt=fmt), params)

    _answer_is_well_formed(response)


@FUZZ
@given(path=st.sampled_from(["requests", "servicerequestupdates"]), fmt=FORMAT, params=PARAMS)
def test_no_post_body_makes_a_server_error(path, fmt, params, api_key):
    data = {"api_key": api_key, **params} if "api_key" not in params else params
    response = Client().post(f"{BASE}/{path}.{fmt}", data)

    _answer_is_well_formed(response)
