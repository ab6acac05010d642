"""Fixtures for action plan tests: a strategy with priorities and a way to make actions."""

import datetime as dt

import pytest
from django.utils import timezone

from tandem.actionplans import services
from tandem.actionplans.models import Action
from tandem.strategy.models import StrategicPriority, Strategy


@pytest.fixture
def strategy(cast) -> Strategy:
    """Community Safety Strategy 2026–28 with three strategic priorities."""
    strategy = Strategy.objects.create(
        partnership=cast.partnership,
        title="Community Safety Strategy 2026–28",
        slug="community-safety-strategy-2026-28",
        starts_on=dt.date(2026, 4, 1),
        ends_on=dt.date(2029, 3, 31),
    )
    for position, title in enumerate(["Anti-social behaviour", "Rural crime", "Road safety"]):
        StrategicPriority.objects.create(
            strategy=strategy, title=title, slug=title.lower().replace(" ", "-"), position=position
        )
    return strategy


@pytest.fixture
def make_action(cast):
    """make_action(description=…, **fields): an action of cast.group led by its police
    representative, due in a fortnight, unless told otherwise."""

    def make(description: str = "Extra patrols on Mill Lane at dusk", **fields) -> Action:
        fields.setdefault("group", cast.group)
        fields.setdefault("issue", "Motorbikes racing on Mill Lane")
        if "lead" not in fields and "lead_organisation" not in fields:
            fields["lead"] = cast.police_rep.person
            fields["lead_organisation"] = cast.police
        fields.setdefault("due_on", timezone.localdate() + dt.timedelta(days=14))
        return services.action_create(description=description, by=cast.officer, **fields)

    return make
