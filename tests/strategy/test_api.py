"""/api/v1/strategies/: public, read-only, nested priorities, outcomes and indicators with their status."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import include, path
from rest_framework.routers import DefaultRouter
from rest_framework.test import APIClient

from tandem.strategy import api, services
from tandem.urls import urlpatterns as site_urlpatterns

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

# The collection, wired here until the lead adds it to tandem.api_urls.
_router = DefaultRouter()
api.register(_router)
urlpatterns = [path("test-api/", include(_router.urls)), *site_urlpatterns]


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


def test_anyone_reads_a_strategy_with_its_priorities_outcomes_and_indicators(
    api_client, cast, strategy, indicator
):
    outcome = services.outcome_create(priority=indicator.priority, text="Fewer rural burglaries")
    services.indicator_update(indicator=indicator, data={"outcome": outcome})
    services.value_record(indicator=indicator, period_start=dt.date(2025, 4, 1), value=Decimal(125))
    services.value_record(
        indicator=indicator, period_start=dt.date(2025, 7, 1), value=Decimal("101.5"), note="Q2"
    )

    response = api_client.get(f"/test-api/strategies/{strategy.slug}/")

    assert response.status_code == 200
    data = response.json()
    assert (data["title"], data["partnership"], data["starts_on"]) == (
        "Community Safety Strategy 2025–28",
        cast.partnership.slug,
        "2025-04-01",
    )
    assert data["url"].endswith(strategy.get_absolute_url())
    [priority] = data["priorities"]
    assert (priority["title"], priority["outcomes"]) == (
        "Rural crime",
        [{"id": outcome.pk, "text": "Fewer rural burglaries", "position": 0}],
    )
    [row] = priority["indicators"]
    assert row["name"] == "Rural burglaries reported" and row["outcome"] == outcome.pk
    assert (row["baseline"], row["target"], row["direction"]) == ("120.00", "90.00", "down")
    assert row["latest"] == {"period_start": "2025-07-01", "value": "101.50", "note": "Q2"}
    assert (row["status"], row["status_text"]) == ("improving", "Improving, not yet on target")


def test_an_indicator_without_figures_has_no_latest_value(api_client, strategy, indicator):
    row = api_client.get(f"/test-api/strategies/{strategy.slug}/").json()["priorities"][0]["indicators"][0]
    assert (row["latest"], row["status"]) == (None, "no_data")


def test_the_list_filters_by_partnership_and_reads_in_a_fixed_number_of_queries(api_client, cast, strategy):
    for p in range(5):
        priority = services.priority_create(strategy=strategy, title=f"Priority {p}")
        services.outcome_create(priority=priority, text="An outcome")
        for i in range(4):
            indicator = services.indicator_create(
                priority=priority, name=f"Indicator {i}", baseline=Decimal(10), target=Decimal(5)
            )
            services.value_record(indicator=indicator, period_start=dt.date(2025, 4, 1), value=Decimal(7))

    with CaptureQueriesContext(connection) as queries:
        rows = api_client.get("/test-api/strategies/", {"partnership": cast.partnership.slug}).json()[
            "results"
        ]

    assert [row["slug"] for row in rows] == [strategy.slug]
    assert sum(len(p["indicators"]) for p in rows[0]["priorities"]) == 20
    assert len(queries) <= 7
    assert api_client.get("/test-api/strategies/", {"partnership": "elsewhere"}).json()["results"] == []
    assert api_client.get("/test-api/strategies/", {"partnership": "not a slug!"}).status_code == 400


def test_it_is_read_only(api_client, cast, strategy):
    api_client.force_authenticate(cast.administrator)

    assert api_client.post("/test-api/strategies/", {"title": "New"}, format="json").status_code == 405
    assert api_client.delete(f"/test-api/strategies/{strategy.slug}/").status_code == 405
    assert api_client.get("/test-api/strategies/no-such-strategy/").status_code == 404
