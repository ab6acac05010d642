"""Group action plans that prove whether they worked, the partnership's annual plan and its
quarterly reviews, and group funds.

An action's columns are the ones seed 000 asks for, in its order: the issue to be
resolved (a problem, or free text), the action, who leads it (a person and their
organisation, or an organisation alone), the date for completion, and an evaluation
(did it work?). "Overdue" is never stored: it is derived from the completion date and
the status (``Action.display_status``).

The annual Community Safety Action Plan is compiled from the groups' actions tagged
with a strategic priority (``strategy`` app), plus partnership-level actions (no
group); the partnership reorders and approves it. Each quarter it is reviewed.
"""

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from tandem.partnership.models import Group, Organisation, Partnership, Person
from tandem.strategy.models import StrategicPriority, Strategy


class Action(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        ON_TRACK = "on_track", "On track"
        AT_RISK = "at_risk", "At risk"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    # Shown, never stored: an open action past its completion date.
    OVERDUE = "overdue"
    OPEN_STATUSES = (Status.NOT_STARTED, Status.ON_TRACK, Status.AT_RISK)

    class Worked(models.TextChoices):
        YES = "yes", "Yes"
        PARTLY = "partly", "Partly"
        NO = "no", "No"
        TOO_EARLY = "too_early", "Too early to tell"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="actions")
    group = models.ForeignKey(
        Group,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions",
        help_text="Leave empty for a partnership-level action.",
    )
    reference = models.CharField(
        max_length=30, blank=True, help_text="The group's own number for it, if any."
    )
    # 1. The issue to be resolved.
    problem = models.ForeignKey(
        "problems.Problem", null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    issue = models.TextField("issue to be resolved", blank=True)
    # 2. The action to be carried out.
    description = models.TextField("action to be carried out")
    # 3. Who leads it.
    lead = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions_led"
    )
    lead_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions_led"
    )
    supporting_organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="actions_supported"
    )
    # 4. The date for completion.
    start_on = models.DateField(null=True, blank=True)
    due_on = models.DateField("date for completion", null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    completed_on = models.DateField(null=True, blank=True)
    # 5. The evaluation: did it work?
    worked = models.CharField("did it work?", max_length=20, choices=Worked.choices, blank=True)
    evaluation_evidence = models.TextField("what the evidence says", blank=True)
    evaluation_learning = models.TextField("what we learned", blank=True)
    evaluated_on = models.DateField(null=True, blank=True)
    evaluate_by = models.DateField(
        null=True, blank=True, help_text="When it is done but too soon to judge: when it will be evaluated."
    )

    strategic_priority = models.ForeignKey(
        StrategicPriority, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    is_public = models.BooleanField(
        default=True,
        help_text='Public actions and their outcomes show on the public site ("you said, we did").',
    )
    budget = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    arising_from = models.OneToOneField(
        "meetings.ActionArising",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plan_action",
        help_text="The action arising in a meeting's minutes that it was created from.",
    )
    imported_from = models.ForeignKey(
        "ActionImport", null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["group", "status", "due_on"]),
            models.Index(fields=["partnership", "strategic_priority"]),
            models.Index(fields=["lead", "status", "due_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_on__isnull=True)
                | models.Q(due_on__isnull=True)
                | models.Q(due_on__gte=models.F("start_on")),
                name="actionplans_action_dates",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="done")
                | ~models.Q(worked="")
                | models.Q(evaluate_by__isnull=False),
                name="actionplans_done_needs_evaluation",
            ),
            models.CheckConstraint(
                condition=models.Q(problem__isnull=False) | ~models.Q(issue=""),
                name="actionplans_action_has_issue",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:80]

    def get_absolute_url(self) -> str:
        return reverse("actionplans:action-detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def is_overdue_on(self, day: dt.date) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < day

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(timezone.localdate())

    @property
    def display_status(self) -> str:
        """The status to show: "overdue" replaces an open status past the completion date."""
        return self.OVERDUE if self.is_overdue else self.status

    @property
    def display_status_label(self) -> str:
        return "Overdue" if self.is_overdue else self.get_status_display()

    @property
    def issue_text(self) -> str:
        return self.problem.title if self.problem_id and not self.issue else self.issue

    def clean(self) -> None:
        errors = {}
        if self.start_on and self.due_on and self.due_on < self.start_on:
            errors["due_on"] = "The date for completion must be on or after the start date."
        if not self.problem_id and not (self.issue or "").strip():
            errors["issue"] = "Enter the issue the action resolves, or choose a problem."
        if not self.lead_id and not self.lead_organisation_id:
            errors["lead"] = "Choose who leads the action: a person, an organisation, or both."
        if self.status == self.Status.DONE and not self.worked and not self.evaluate_by:
            errors["worked"] = (
                "An action cannot be marked done without an evaluation. Say whether it worked, or give "
                "the date by which it will be evaluated."
            )
        if self.group_id and self.partnership_id and self.group.partnership_id != self.partnership_id:
            errors["group"] = "Choose a group of this partnership."
        if errors:
            raise ValidationError(errors)


class ActionUpdate(models.Model):
    """A dated progress update. Internal ones are for the group and officers only."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    text = models.TextField()
    status = models.CharField(
        max_length=20,
        choices=Action.Status.choices,
        blank=True,
        help_text="The status it set, if it changed.",
    )
    is_internal = models.BooleanField(
        default=False, help_text="Internal notes never appear on the public site."
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Set when the lead posted it from the link in their digest email.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["action", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class ActionImport(models.Model):
    """An action plan uploaded from .xlsx or .csv: mapped, previewed, then confirmed (or not)."""

    class Status(models.TextChoices):
        PREVIEW = "preview", "Waiting for confirmation"
        IMPORTED = "imported", "Imported"
        DISCARDED = "discarded", "Discarded"

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="action_imports")
    file_name = models.CharField(max_length=255)
    content_hash = models.CharField(
        max_length=64, help_text="SHA-256 of the file: the same file imports once."
    )
    header_row = models.PositiveIntegerField(default=1)
    mapping = models.JSONField(default=dict, help_text="Tandem field → column heading in the file.")
    rows = models.JSONField(
        default=list, help_text="The parsed rows, with their row numbers, for the preview."
    )
    errors = models.JSONField(default=list, help_text="Bad rows: row number and reason.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREVIEW)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "content_hash"],
                condition=models.Q(status="imported"),
                name="actionplans_import_once",
            ),
        ]

    def __str__(self) -> str:
        return self.file_name


class DigestSent(models.Model):
    """One weekly digest email to one person: how "one email per person per week" is kept."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    week_start = models.DateField()
    action_count = models.PositiveIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-week_start", "person"]
        constraints = [
            models.UniqueConstraint(fields=["person", "week_start"], name="actionplans_digest_once"),
        ]

    def __str__(self) -> str:
        return f"Digest for {self.person_id}, week of {self.week_start}"


class Reminder(models.Model):
    """A reminder that an action marked done with an "evaluate by" date still needs its evaluation."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=30, default="evaluation")
    due_on = models.DateField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["action", "kind", "due_on"], name="actionplans_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} reminder for action {self.action_id} on {self.due_on}"


# --- The annual Community Safety Action Plan and its quarterly reviews ------------------


class AnnualPlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="annual_plans")
    strategy = models.ForeignKey(Strategy, on_delete=models.PROTECT, related_name="annual_plans")
    title = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    approved_on = models.DateField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approval_decision = models.ForeignKey(
        "meetings.Decision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The partnership's recorded decision approving it.",
    )
    approval_text = models.TextField(blank=True, help_text="The decision as recorded.")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "starts_on"], name="actionplans_plan_per_year"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="actionplans_plan_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("actionplans:plan-detail", kwargs={"pk": self.pk})


class AnnualPlanEntry(models.Model):
    """One action in the annual plan, under a strategic priority, in the partnership's order."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="entries")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="plan_entries")
    strategic_priority = models.ForeignKey(
        StrategicPriority, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["plan", "strategic_priority__position", "position", "pk"]
        verbose_name_plural = "annual plan entries"
        constraints = [
            models.UniqueConstraint(fields=["plan", "action"], name="actionplans_entry_once"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}: action {self.action_id}"


class QuarterlyReview(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        FINAL = "final", "Final"

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="reviews")
    period_start = models.DateField(help_text="The first day of the quarter reviewed.")
    period_end = models.DateField()
    summary = models.TextField(blank=True)
    recommendation = models.TextField(
        blank=True, help_text='The draft recommendation, in the form "RESOLVED that …".'
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "period_start"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "period_start"], name="actionplans_review_once"),
        ]

    def __str__(self) -> str:
        return f"{self.plan}: review of {self.period_start:%B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("actionplans:review-detail", kwargs={"pk": self.pk})


class ReviewNarrative(models.Model):
    """The review's narrative for one strategic priority."""

    review = models.ForeignKey(QuarterlyReview, on_delete=models.CASCADE, related_name="narratives")
    strategic_priority = models.ForeignKey(StrategicPriority, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["review", "strategic_priority"], name="actionplans_narrative_once"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


# --- Group funds ------------------------------------------------------------------------


def receipt_upload_to(entry: "LedgerEntry", filename: str) -> str:
    return f"receipts/{entry.group_id}/{uuid.uuid4().hex}/{filename}"


class LedgerEntry(models.Model):
    """Money in (grants, donations) or out (spending) of a group's funds, in pounds and pence."""

    class Kind(models.TextChoices):
        GRANT = "grant", "Grant received"
        DONATION = "donation", "Donation received"
        OTHER_INCOME = "other_income", "Other income"
        SPENDING = "spending", "Spending"

    INCOME = (Kind.GRANT, Kind.DONATION, Kind.OTHER_INCOME)

    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="ledger_entries")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    date = models.DateField()
    amount = models.DecimalField(
        max_digits=12, decimal_places=2, help_text="Always positive; the kind says which way."
    )
    counterparty = models.CharField(
        "payer or payee", max_length=200, help_text="Who paid the money in, or who was paid."
    )
    description = models.CharField("what for", max_length=300)
    action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.SET_NULL, related_name="ledger_entries"
    )
    receipt = models.FileField(upload_to=receipt_upload_to, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["group", "date", "pk"]
        verbose_name_plural = "ledger entries"
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="actionplans_ledger_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} £{self.amount} on {self.date}"

    @property
    def is_income(self) -> bool:
        return self.kind in self.INCOME

    @property
    def signed_amount(self):
        return self.amount if self.is_income else -self.amount
