"""The demo has residents' reports at each stage, and loads only once."""

import pytest
from django.core.management import call_command

from tandem.community.models import Report, ReportFeedback, ReportSupport, RoutingRule

pytestmark = pytest.mark.django_db


def _load():
    with open("/dev/null", "w") as quiet:
        call_command("load_demo", stdout=quiet)


def test_the_demo_has_a_new_a_me_too_a_held_and_a_resolved_report_and_loads_once():
    _load()
    counts = (Report.objects.count(), RoutingRule.objects.count(), ReportSupport.objects.count())
    _load()
    assert (Report.objects.count(), RoutingRule.objects.count(), ReportSupport.objects.count()) == counts
    outcomes = set(Report.objects.values_list("outcome", flat=True))
    assert {Report.Outcome.NEW, Report.Outcome.ME_TOO} <= outcomes
    assert Report.objects.filter(status=Report.Status.PENDING).exists()
    feedback = ReportFeedback.objects.get()
    assert feedback.problem.status == "resolved"
    assert RoutingRule.objects.filter(area=None).count() == 1
