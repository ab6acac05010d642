"""Demo strategy: the partnership's Community Safety Strategy 2025–28 (seed 004's priorities),
with outcomes, indicators and their quarterly figures up to the last full quarter.

Called by ``manage.py load_demo``; keyed on slugs and quarters, so a second run adds nothing.
The figures are made up (a deterministic random walk towards each target), not real data.
"""

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from tandem.partnership.models import Partnership
from tandem.problems.models import quarter_of
from tandem.strategy.models import Indicator, IndicatorValue, Outcome, StrategicPriority, Strategy

STARTS = dt.date(2025, 4, 1)
ENDS = dt.date(2028, 3, 31)

# (title, description, outcomes, indicators: (name, unit, baseline, target, direction, source, crime types))
PRIORITIES = [
    (
        "Anti-social behaviour",
        "Tackle persistent anti-social behaviour in the neighbourhoods where residents raise it most.",
        ["Fewer repeat reports of anti-social behaviour", "Residents feel listened to"],
        [
            (
                "Anti-social behaviour incidents reported",
                "incidents",
                370,
                310,
                "down",
                "incidents",
                ["Anti-social behaviour"],
            ),
            ("Residents who feel problems are dealt with", "%", 41, 55, "up", "manual", []),
        ],
    ),
    (
        "Rural crime",
        "Work with rural communities and the police on theft from farms, hare coursing and fly-tipping.",
        ["Rural communities report crime with confidence"],
        [("Fly-tipping reports", "reports", 155, 125, "down", "manual", [])],
    ),
    (
        "Drug-related crime",
        "Disrupt drug supply in the areas known for it and support people into treatment.",
        ["Less visible drug dealing", "More people in treatment"],
        [
            ("Drug offences recorded", "offences", 100, 115, "up", "incidents", ["Drugs"]),
            ("Referrals into drug treatment", "referrals", 30, 40, "up", "manual", []),
        ],
    ),
    (
        "Vulnerable people and scams",
        "Protect older and vulnerable residents from scams and doorstep crime, with Age UK and "
        "the People Board.",
        ["Fewer residents lose money to scams"],
        [("Scam victims supported", "people", 21, 35, "up", "manual", [])],
    ),
    (
        "Violence reduction and young people",
        "Work with the violence reduction network in schools and with young people under 25.",
        ["Fewer young people involved in violence"],
        [
            (
                "Violence and sexual offences recorded",
                "offences",
                1300,
                1200,
                "down",
                "incidents",
                ["Violence and sexual offences"],
            ),
        ],
    ),
    (
        "Road safety",
        "Reduce speeding, including motorbikes through villages, and keep cyclists safe.",
        ["Safer roads in residential areas"],
        [("Speeding complaints", "complaints", 75, 55, "down", "manual", [])],
    ),
]


def _slug(text: str) -> str:
    from django.utils.text import slugify

    return slugify(text)


def demo_load(*, partnership: Partnership, progress: Callable[[str], None], created: dict) -> None:
    progress("Community safety strategy")
    today = timezone.localdate()
    last_full_quarter_start = quarter_of(quarter_of(today)[0] - dt.timedelta(days=1))[0]
    with transaction.atomic():
        strategy, is_new = Strategy.objects.get_or_create(
            slug=f"{partnership.slug}-community-safety-strategy-2025-28",
            defaults={
                "partnership": partnership,
                "title": "Community Safety Strategy 2025–28",
                "starts_on": STARTS,
                "ends_on": ENDS,
                "approved_on": dt.date(2025, 3, 18),
                "summary": (
                    "How the partnership will assess and act on crime and disorder across the borough "
                    "over three years. It leads to an annual Community Safety Action Plan, compiled and "
                    "reviewed by the partnership each quarter."
                ),
            },
        )
        if is_new:
            created["strategies"] = created.get("strategies", 0) + 1
        for position, (title, description, outcomes, indicators) in enumerate(PRIORITIES):
            priority, is_new = StrategicPriority.objects.get_or_create(
                strategy=strategy,
                slug=_slug(title),
                defaults={"title": title, "description": description, "position": position},
            )
            if is_new:
                created["strategic priorities"] = created.get("strategic priorities", 0) + 1
            first_outcome = None
            for number, text in enumerate(outcomes):
                outcome, _ = Outcome.objects.get_or_create(
                    priority=priority, text=text, defaults={"position": number}
                )
                first_outcome = first_outcome or outcome
            for number, (name, unit, baseline, target, direction, source, crime_types) in enumerate(
                indicators
            ):
                indicator, is_new = Indicator.objects.get_or_create(
                    priority=priority,
                    name=name,
                    defaults={
                        "outcome": first_outcome,
                        "unit": unit,
                        "baseline": Decimal(baseline),
                        "baseline_label": "2024/25, a quarter on average",
                        "target": Decimal(target),
                        "direction": direction,
                        "source": source,
                        "crime_types": crime_types,
                        "position": number,
                    },
                )
                if is_new:
                    created["indicators"] = created.get("indicators", 0) + 1
                _figures(indicator, last_full_quarter_start, created)


def _figures(indicator: Indicator, last: dt.date, created: dict) -> None:
    """Quarterly figures from the strategy's start to the last full quarter: a walk from the
    baseline towards the target, with noise."""
    rng = random.Random(indicator.name)  # noqa: S311 (demo data, not security)
    have = set(indicator.values.values_list("period_start", flat=True))
    start = STARTS
    quarters = []
    while start <= last:
        quarters.append(start)
        start = quarter_of(start + dt.timedelta(days=95))[0]
    new = []
    for number, quarter in enumerate(quarters):
        if quarter in have:
            continue
        share = Decimal(number + 1) / Decimal(len(quarters) + 4)
        value = indicator.baseline + (indicator.target - indicator.baseline) * share
        value = value * Decimal(1 + rng.uniform(-0.06, 0.06))
        new.append(
            IndicatorValue(indicator=indicator, period_start=quarter, value=value.quantize(Decimal("1")))
        )
    IndicatorValue.objects.bulk_create(new)
    if new:
        created["indicator figures"] = created.get("indicator figures", 0) + len(new)
