"""Problems (SARA), the priorities groups set from them, and escalation up the chain of groups.

A problem is owned by one group. Each time it is raised again the raised count goes
up (persistence). Its status follows SARA, and every change of status is a row
with who, when and why. A group whose type sets priorities picks its top N
problems per period. A problem it cannot solve is escalated to the group above,
which records a decision — possibly establishing a Community Led Solution group.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from tandem.partnership.models import Group, Organisation, Partnership, Person
from tandem.places.models import Area


class Category(models.Model):
    """A kind of problem (ASB, speeding, fly-tipping …), mapped to police.uk crime types."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.CharField(max_length=300, blank=True)
    police_uk_crime_types = models.JSONField(
        default=list,
        blank=True,
        help_text='The police.uk "Crime type" values that count as evidence for this category.',
    )
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Problem(models.Model):
    class Status(models.TextChoices):
        SCANNING = "scanning", "Scanning"
        ANALYSIS = "analysis", "Analysis"
        RESPONSE = "response", "Response"
        ASSESSMENT = "assessment", "Assessment"
        RESOLVED = "resolved", "Resolved"
        CLOSED = "closed", "Closed"

    OPEN_STATUSES = (Status.SCANNING, Status.ANALYSIS, Status.RESPONSE, Status.ASSESSMENT)

    class RaisedBy(models.TextChoices):
        RESIDENT = "resident", "A resident"
        AGENCY = "agency", "An agency"
        MEETING = "meeting", "A meeting"
        DATA = "data", "Data"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="problems")
    group = models.ForeignKey(
        Group, on_delete=models.PROTECT, related_name="problems", help_text="The group that owns it."
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="problems")
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.SET_NULL, related_name="problems")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    location_text = models.CharField(
        "where",
        max_length=300,
        blank=True,
        help_text='A place people know, e.g. "the alley behind Mill Lane".',
    )
    outside_partnership = models.BooleanField(
        default=False, editable=False, help_text="Its map pin falls outside every area of the partnership."
    )
    raised_by = models.CharField(max_length=20, choices=RaisedBy.choices, default=RaisedBy.RESIDENT)
    raised_by_person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="problems_raised",
        help_text="Personal data: never shown publicly.",
    )
    raised_by_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="problems_raised"
    )
    first_raised_on = models.DateField(default=timezone.localdate)
    last_raised_on = models.DateField(default=timezone.localdate)
    times_raised = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCANNING)
    closed_reason = models.TextField(blank=True)
    is_public = models.BooleanField(
        default=True, help_text="Public problems appear on the public site (without who raised them)."
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_problems"
    )
    # The problem analysis triangle.
    victim = models.TextField("victim", blank=True, help_text="Who is harmed, and how.")
    offender = models.TextField("offender", blank=True, help_text="Who causes it, and why.")
    location_analysis = models.TextField("location", blank=True, help_text="What about the place allows it.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-last_raised_on", "-pk"]
        indexes = [
            models.Index(fields=["partnership", "status"]),
            models.Index(fields=["group", "status"]),
            models.Index(fields=["category", "status"]),
            models.Index(fields=["area", "status"]),
            models.Index(fields=["-last_raised_on", "-id"], name="problems_newest_first"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="problems_problem_valid_point",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("problems:problem-detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def clean(self) -> None:
        errors = {}
        if (self.latitude is None) != (self.longitude is None):
            errors["latitude"] = "Give both latitude and longitude, or neither."
        if self.last_raised_on and self.first_raised_on and self.last_raised_on < self.first_raised_on:
            errors["last_raised_on"] = "It cannot be last raised before it was first raised."
        if self.status == self.Status.CLOSED and not self.closed_reason.strip():
            errors["closed_reason"] = "Say why the problem is closed."
        if self.group_id and self.partnership_id and self.group.partnership_id != self.partnership_id:
            errors["group"] = "Choose a group of this partnership."
        if errors:
            raise ValidationError(errors)


class ProblemReport(models.Model):
    """One time the problem was raised: the first report and every one after it."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="reports")
    raised_on = models.DateField(default=timezone.localdate)
    raised_by = models.CharField(max_length=20, choices=Problem.RaisedBy.choices)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    contact_consent = models.BooleanField(
        "agreed to be contacted",
        default=False,
        help_text="The person who raised it agreed to be contacted about it (their contact details are "
        "kept only with this agreement).",
    )
    merged_from = models.ForeignKey(
        Problem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Set when this report came with a problem merged into this one.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["problem", "raised_on", "pk"]

    def __str__(self) -> str:
        return f"{self.problem} raised on {self.raised_on}"


class ProblemStatusChange(models.Model):
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Problem.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Problem.Status.choices)
    reason = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["problem", "changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.problem}: {self.from_status or 'new'} → {self.to_status}"


class ProblemNote(models.Model):
    """Analysis notes and updates, in order."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["problem", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class Priority(models.Model):
    """One of a group's top N problems for a period (a quarter by default)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="priorities")
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="priorities")
    period_start = models.DateField()
    period_end = models.DateField()
    rank = models.PositiveSmallIntegerField(default=1)
    reason = models.TextField(help_text="Why the group chose it.")
    carried_over_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_over_to"
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["group", "-period_start", "rank"]
        verbose_name_plural = "priorities"
        constraints = [
            models.UniqueConstraint(
                fields=["group", "problem", "period_start"], name="problems_priority_once"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="problems_priority_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group}: {self.problem} ({self.period_start:%b %Y})"

    @property
    def is_current(self) -> bool:
        return self.period_start <= timezone.localdate() <= self.period_end


def quarter_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar quarter a day falls in: (first day, last day)."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = dt.date(day.year, first_month, 1)
    next_start = dt.date(day.year + (first_month == 10), (first_month + 2) % 12 + 1, 1)
    return start, next_start - dt.timedelta(days=1)


class Escalation(models.Model):
    """A problem sent up the chain, and the receiving group's decision on it."""

    class Decision(models.TextChoices):
        ACCEPT = "accept", "Accept: the group above takes it on"
        REFER_BACK = "refer_back", "Refer back with advice"
        NO_FURTHER_ACTION = "no_further_action", "No further action"
        ESTABLISH_CLS = "establish_cls", "Establish a Community Led Solution group"

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="escalations")
    from_group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="escalations_sent")
    to_group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="escalations_received")
    reason = models.TextField()
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    escalated_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(max_length=30, choices=Decision.choices, blank=True)
    decision_notes = models.TextField(blank=True, help_text="The advice, or the reasons for the decision.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    established_group = models.ForeignKey(
        Group,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="established_by_escalations",
        help_text="The Community Led Solution group set up for the problem, if one was.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["problem", "escalated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["problem"], condition=models.Q(decision=""), name="problems_one_open_escalation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.problem} → {self.to_group}"

    @property
    def is_open(self) -> bool:
        return not self.decision


class PriorityPoll(models.Model):
    """A public vote: residents rank candidate problems to help a group choose its priorities.

    The group still decides; the poll's counts are evidence for that decision."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="priority_polls")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="What the vote is for, shown to residents.")
    period_start = models.DateField(help_text="The first day of the period the priorities are for.")
    opens_on = models.DateField(default=timezone.localdate)
    closes_on = models.DateField()
    candidates = models.ManyToManyField(Problem, related_name="priority_polls")
    max_ranks = models.PositiveSmallIntegerField(
        default=3, help_text="How many problems each resident may rank."
    )
    closed_at = models.DateTimeField(null=True, blank=True, help_text="Set when it was closed early.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["group", "-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")), name="problems_poll_dates"
            ),
            models.CheckConstraint(condition=models.Q(max_ranks__gte=1), name="problems_poll_ranks"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("problems:poll-detail", kwargs={"pk": self.pk})

    def is_open_on(self, day: dt.date) -> bool:
        return self.closed_at is None and self.opens_on <= day <= self.closes_on

    @property
    def is_open(self) -> bool:
        return self.is_open_on(timezone.localdate())

    @property
    def has_closed(self) -> bool:
        return self.closed_at is not None or self.closes_on < timezone.localdate()


class PriorityPollRanking(models.Model):
    """One voter's rank for one candidate (1 = most important). Voters are never shown."""

    poll = models.ForeignKey(PriorityPoll, on_delete=models.CASCADE, related_name="rankings")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["poll", "voter", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "voter", "problem"], name="problems_ranking_once"),
            models.UniqueConstraint(fields=["poll", "voter", "rank"], name="problems_ranking_rank_once"),
            models.CheckConstraint(condition=models.Q(rank__gte=1), name="problems_ranking_rank"),
        ]

    def __str__(self) -> str:
        return f"{self.poll}: #{self.rank} {self.problem_id}"


class ProblemAgendaItem(models.Model):
    """A problem on a meeting's agenda: how its timeline knows where it was discussed."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="agenda_links")
    item = models.ForeignKey("meetings.AgendaItem", on_delete=models.CASCADE, related_name="problem_links")
    escalation = models.ForeignKey(
        Escalation, null=True, blank=True, on_delete=models.SET_NULL, related_name="agenda_links"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["problem", "added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["problem", "item"], name="problems_agenda_link_once"),
        ]

    def __str__(self) -> str:
        return f"{self.problem_id} on item {self.item_id}"
