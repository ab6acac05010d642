"""The demo shows the problem-solving chain at different stages, and loads only once."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from tandem.problems.models import Escalation, Priority, Problem, quarter_of

pytestmark = pytest.mark.django_db


def _load():
    with open("/dev/null", "w") as quiet:
        call_command("load_demo", stdout=quiet)


def test_the_demo_shows_the_chain_from_priorities_to_a_community_led_solution_group():
    _load()
    counts = (Problem.objects.count(), Priority.objects.count(), Escalation.objects.count())
    _load()

    assert (Problem.objects.count(), Priority.objects.count(), Escalation.objects.count()) == counts
    this_quarter = quarter_of(timezone.localdate())[0]
    per_group = Priority.objects.filter(period_start=this_quarter).values_list("group", flat=True)
    assert per_group and all(list(per_group).count(group) <= 3 for group in set(per_group))
    assert Priority.objects.filter(period_start=this_quarter, carried_over_from__isnull=False).exists()
    assert Escalation.objects.filter(decision="").exists()
    accepted = Escalation.objects.filter(decision=Escalation.Decision.ACCEPT).first()
    assert accepted.problem.group == accepted.to_group
    cls = Escalation.objects.get(decision=Escalation.Decision.ESTABLISH_CLS)
    assert cls.established_group.slug == "sale-west-cls"
    assert cls.problem.times_raised >= 1
    assert {Problem.Status.SCANNING, Problem.Status.RESOLVED} <= set(
        Problem.objects.values_list("status", flat=True)
    )
