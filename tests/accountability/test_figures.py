import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from tandem.accountability import services
from tandem.accountability.figures import Figure, figures_chart, year_figures
from tandem.accountability.models import Review
from tests.factories import make_membership, make_person

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
YEAR = TODAY.year


def _application(cast, *, met=None, review=False, recommendation=False, received_on=None):
    received_on = received_on or TODAY - dt.timedelta(days=2)
    application = services.application_submit(
        area=cast.neighbourhood,
        summary="Noise.",
        applicant_name="Secret Person",
        via="phone",
        received_on=received_on,
        by=cast.officer,
        complaints=[{"incident_on": received_on, "reported_on": received_on, "reported_to": "Police"}],
    )
    if met is not None:
        services.threshold_decide(
            application=application, met=met, decided_on=TODAY, reason="Decided.", by=cast.officer
        )
    if review:
        row = services.review_open(application=application, panel=[cast.police], by=cast.officer)
        row.held_on = TODAY
        row.save(update_fields=["held_on"])
        if recommendation:
            make_membership(group=cast.group, person=make_person(), organisation=cast.police)
            services.recommendation_add(
                review=row,
                description="Patrols",
                lead_organisation=cast.police,
                due_on=TODAY + dt.timedelta(days=30),
                by=cast.officer,
            )
    return application


def _by_key(figures):
    return {figure.key: figure.value for figure in figures}


def test_the_year_counts_applications_threshold_not_met_reviews_and_reviews_with_recommendations(cast):
    _application(cast)
    _application(cast, met=False)
    _application(cast, met=True, review=True)
    _application(cast, met=True, review=True, recommendation=True)
    _application(cast, received_on=dt.date(YEAR - 1, 6, 1))  # last year's: not counted
    assert _by_key(year_figures(cast.partnership, YEAR)) == {
        "applications": 4,
        "not_met": 1,
        "reviews": 2,
        "with_recommendations": 1,
    }
    assert _by_key(year_figures(cast.partnership, YEAR - 1))["applications"] == 1
    assert Review.objects.count() == 2


def test_the_chart_scales_bars_to_the_largest_figure_and_draws_an_empty_year():
    chart = figures_chart([Figure("a", "A", 4), Figure("b", "B", 2), Figure("c", "C", 0)])
    assert chart.bars[1].width == chart.bars[0].width / 2 and chart.bars[2].width == 0
    assert all(bar.width == 0 for bar in figures_chart([Figure("a", "A", 0)]).bars)


def test_the_public_page_shows_the_counts_in_a_chart_and_a_table_and_no_personal_data(
    client, cast, django_assert_max_num_queries
):
    application = _application(cast, met=False)
    with django_assert_max_num_queries(10):
        response = client.get(f"/partnership/{cast.partnership.slug}/case-review-figures/{YEAR}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html and 'id="figures"' in html
    assert "Applications that did not meet the threshold" in html
    assert "Secret Person" not in html and application.reference not in html


def test_the_csv_download_has_the_four_measures(client, cast):
    _application(cast, met=False)
    response = client.get(f"/partnership/{cast.partnership.slug}/case-review-figures/{YEAR}.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert rows[0] == ["partnership", "year", "measure", "number"]
    assert [row[3] for row in rows[1:]] == ["1", "1", "0", "0"]
    assert "Secret Person" not in response.content.decode()


def test_a_year_before_the_act_or_an_unknown_partnership_is_not_found(client, cast):
    assert client.get(f"/partnership/{cast.partnership.slug}/case-review-figures/1999/").status_code == 404
    assert client.get(f"/partnership/nowhere/case-review-figures/{YEAR}/").status_code == 404


def test_the_index_lists_each_partnership_s_years(client, cast):
    _application(cast, received_on=dt.date(YEAR - 1, 6, 1))
    html = client.get("/case-review/figures/").content.decode()
    assert f"case-review-figures/{YEAR - 1}/" in html and f"case-review-figures/{YEAR}/" in html
