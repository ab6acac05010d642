import pytest
from django.urls import include, path
from rest_framework.routers import DefaultRouter
from rest_framework.test import APIClient

from tandem.problems import services
from tandem.problems.api import register
from tandem.problems.models import Category, Problem
from tandem.urls import urlpatterns as site_urlpatterns
from tests.factories import Cast

# Until the lead registers the problems API in tandem/api_urls.py, this module is the URLconf.
_router = DefaultRouter()
register(_router)
urlpatterns = [path("api/v1/", include(_router.urls)), *site_urlpatterns]
pytestmark = pytest.mark.urls(__name__)


@pytest.fixture
def api(cast: Cast):
    def client_for(role: str) -> APIClient:
        client = APIClient()
        user = cast.users()[role]
        if user is not None:
            client.force_login(user)
        return client

    return client_for


def make_problem(cast: Cast, **fields) -> Problem:
    fields.setdefault("title", "Motorbikes racing on the playing field")
    fields.setdefault("category", Category.objects.get(slug="anti-social-behaviour"))
    fields.setdefault("group", cast.group)
    return services.problem_create(partnership=cast.partnership, by=cast.officer, **fields)


def test_the_public_read_public_problems_without_who_raised_them(api, cast: Cast) -> None:
    make_problem(cast, title="Seen", raised_by_organisation=cast.police)
    make_problem(cast, title="Hidden", is_public=False)

    rows = api("public").get("/api/v1/problems/").json()["results"]

    assert [row["title"] for row in rows] == ["Seen"]
    assert rows[0]["raised_by_organisation"] is None
    assert rows[0]["raised_by"] is None


def test_members_see_their_groups_problems_with_who_raised_them(api, cast: Cast) -> None:
    make_problem(cast, title="Hidden", is_public=False, raised_by_organisation=cast.police)

    rows = api("member").get("/api/v1/problems/").json()["results"]

    assert [row["title"] for row in rows] == ["Hidden"]
    assert rows[0]["raised_by_organisation"] == cast.police.slug


def test_a_private_problem_is_not_found_for_the_public(api, cast: Cast) -> None:
    problem = make_problem(cast, is_public=False)
    assert api("public").get(f"/api/v1/problems/{problem.pk}/").status_code == 404
    assert api("officer").get(f"/api/v1/problems/{problem.pk}/").status_code == 200


def test_the_list_filters_and_refuses_bad_filters(api, cast: Cast) -> None:
    make_problem(cast, title="Noise", category=Category.objects.get(slug="noise"), area=cast.neighbourhood)
    make_problem(cast, title="ASB")
    client = api("public")

    def titles(query: str) -> list[str]:
        response = client.get(f"/api/v1/problems/?{query}")
        assert response.status_code == 200, response.json()
        return [row["title"] for row in response.json()["results"]]

    assert titles("category=noise") == ["Noise"]
    assert titles(f"area={cast.district.slug}") == ["Noise"]
    assert sorted(titles(f"group={cast.group.slug}&status=scanning")) == ["ASB", "Noise"]
    assert titles("status=closed") == []
    for bad in ("category=nope", "status=done", "group=oakfield-case-panel", "area=%00", "raised=0"):
        response = client.get(f"/api/v1/problems/?{bad}")
        assert response.status_code == 400, bad


def test_categories_are_listed(api, cast: Cast) -> None:
    rows = api("public").get("/api/v1/problem-categories/").json()["results"]
    assert "noise" in [row["slug"] for row in rows]


def test_an_officer_records_a_problem_through_the_service(api, cast: Cast) -> None:
    response = api("officer").post(
        "/api/v1/problems/",
        {
            "title": "Speeding on Mill Lane",
            "category": "speeding-road-safety",
            "group": cast.group.slug,
            "latitude": 53.75,
            "longitude": -1.35,
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    problem = Problem.objects.get()
    assert problem.status_changes.get().changed_by == cast.officer
    assert problem.reports.count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"title": "x", "category": "nope", "group": "oakfield-local-action-group"},
        {
            "title": "x",
            "category": "noise",
            "group": "oakfield-local-action-group",
            "latitude": 91,
            "longitude": 0,
        },
        {"title": "x", "category": "noise", "group": "oakfield-local-action-group", "latitude": 50},
        {
            "title": "x",
            "category": "noise",
            "group": "oakfield-local-action-group",
            "latitude": "nan",
            "longitude": 1,
        },
        {"title": "x" * 300, "category": "noise", "group": "oakfield-local-action-group"},
    ],
)
def test_bad_input_is_a_400_never_a_500(api, cast: Cast, body) -> None:
    response = api("officer").post("/api/v1/problems/", body, format="json")

    assert response.status_code == 400
    assert not Problem.objects.exists()


@pytest.mark.parametrize("role", ["public", "member", "outsider"])
def test_only_officers_change_problems(api, cast: Cast, role) -> None:
    problem = make_problem(cast)
    client = api(role)

    created = client.post("/api/v1/problems/", {"title": "x"}, format="json")
    changed = client.patch(f"/api/v1/problems/{problem.pk}/", {"title": "Changed"}, format="json")

    assert created.status_code in (401, 403)
    assert changed.status_code in (401, 403)
    problem.refresh_from_db()
    assert problem.title == "Motorbikes racing on the playing field"
    assert Problem.objects.count() == 1


def test_an_officer_changes_a_problem(api, cast: Cast) -> None:
    problem = make_problem(cast)

    response = api("officer").patch(f"/api/v1/problems/{problem.pk}/", {"title": "Changed"}, format="json")

    assert response.status_code == 200
    problem.refresh_from_db()
    assert problem.title == "Changed"


def test_an_administrator_can_create_a_problem_with_its_analysis_in_one_request(client, cast):
    from tandem.problems.models import Problem

    client.force_login(cast.administrator)

    response = client.post(
        "/api/v1/problems/",
        {
            "title": "Cars racing",
            "category": "vehicle-crime",
            "group": cast.group.slug,
            "raised_by": "resident",
            "victim": "Older residents",
            "offender": "",
            "location_analysis": "A long straight road",
        },
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    problem = Problem.objects.get(title="Cars racing")
    assert problem.victim == "Older residents"
    assert problem.location_analysis == "A long straight road"
    assert problem.reports.count() == 1
