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


def test_the_demo_neighbourhood_has_events_updates_a_newsletter_and_subscribers_and_loads_once():
    from tandem.community.models import Event, Newsletter, Subscription, Update

    _load()
    counts = (
        Event.objects.count(),
        Update.objects.count(),
        Newsletter.objects.count(),
        Subscription.objects.count(),
    )
    _load()
    assert (
        Event.objects.count(),
        Update.objects.count(),
        Newsletter.objects.count(),
        Subscription.objects.count(),
    ) == counts
    assert Event.objects.filter(kind=Event.Kind.BEAT_SURGERY, series__isnull=False).count() >= 6
    assert Event.objects.filter(kind=Event.Kind.OPEN_MEETING).exists()
    newsletter = Newsletter.objects.get()
    assert newsletter.is_published and newsletter.sent_at is None
    assert newsletter.updates.filter(problem__status="resolved").exists()
    assert Update.objects.filter(status=Update.Status.PUBLISHED).count() >= 1
    confirmed = Subscription.objects.filter(status=Subscription.Status.CONFIRMED, area=newsletter.group.area)
    assert confirmed.count() == 3
    assert Subscription.objects.filter(status=Subscription.Status.PENDING).count() == 1
