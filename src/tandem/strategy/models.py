"""The partnership's Community Safety Strategy: strategic priorities, outcomes and indicators.

A strategy covers a few years (e.g. 2021–23). Each strategic priority (rural crime, ASB,
road safety …) has the outcomes the partnership wants and indicators that measure them.
An indicator is a named measure with a baseline, a target and a direction; its figures
are entered each quarter, or — for incident-based indicators — counted from the
evidence app's incidents once that exists (``source = incidents``).

Action plans (the ``actionplans`` app, which builds on this one) tag actions with a
strategic priority; the annual plan and the quarterly review live there.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from tandem.partnership.models import Partnership


class Strategy(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="strategies")
    title = models.CharField(max_length=200, help_text='For example "Community Safety Strategy 2021–23".')
    slug = models.SlugField(max_length=200, unique=True)
    starts_on = models.DateField()
    ends_on = models.DateField()
    summary = models.TextField(blank=True)
    approved_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "-starts_on"]
        verbose_name_plural = "strategies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="strategy_strategy_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("strategy:strategy-detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The strategy must end after it starts."})


class StrategicPriority(models.Model):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="priorities")
    title = models.CharField(max_length=200, help_text='For example "Rural crime".')
    slug = models.SlugField(max_length=200)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["strategy", "position", "pk"]
        verbose_name_plural = "strategic priorities"
        constraints = [
            models.UniqueConstraint(fields=["strategy", "slug"], name="strategy_priority_slug"),
        ]

    def __str__(self) -> str:
        return self.title


class Outcome(models.Model):
    """What the partnership wants to be true, e.g. "Fewer rural burglaries"."""

    priority = models.ForeignKey(StrategicPriority, on_delete=models.CASCADE, related_name="outcomes")
    text = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["priority", "position", "pk"]

    def __str__(self) -> str:
        return self.text


class Indicator(models.Model):
    """A named measure with a baseline, a target and the direction that counts as better."""

    class Direction(models.TextChoices):
        DOWN = "down", "Lower is better"
        UP = "up", "Higher is better"
        MAINTAIN = "maintain", "Keep at or near the target"

    class Source(models.TextChoices):
        MANUAL = "manual", "Entered each quarter"
        INCIDENTS = "incidents", "Counted from recorded incidents"
        SURVEY = "survey", "Counted from a survey question (% giving one of the two best answers)"

    priority = models.ForeignKey(StrategicPriority, on_delete=models.CASCADE, related_name="indicators")
    outcome = models.ForeignKey(
        Outcome, null=True, blank=True, on_delete=models.SET_NULL, related_name="indicators"
    )
    name = models.CharField(max_length=200, help_text='For example "Rural burglaries reported".')
    unit = models.CharField(max_length=50, blank=True, help_text='For example "incidents" or "%".')
    baseline = models.DecimalField(max_digits=12, decimal_places=2)
    baseline_label = models.CharField(
        max_length=100, blank=True, help_text='When the baseline was measured, e.g. "2020/21".'
    )
    target = models.DecimalField(max_digits=12, decimal_places=2)
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.DOWN)
    tolerance = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=0,
        help_text="For 'keep at the target': how far from it still counts as on target.",
    )
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.MANUAL)
    crime_types = models.JSONField(
        default=list,
        blank=True,
        help_text='For incident-based indicators: the police.uk "Crime type" values.',
    )
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["priority", "position", "pk"]

    def __str__(self) -> str:
        return self.name


class IndicatorValue(models.Model):
    """An indicator's figure for one quarter."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    period_start = models.DateField(help_text="The first day of the quarter.")
    value = models.DecimalField(max_digits=12, decimal_places=2)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "period_start"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period_start"], name="strategy_value_once"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.period_start:%b %Y})"
