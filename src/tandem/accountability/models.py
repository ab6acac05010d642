"""ASB Case Reviews (the Community Trigger), their reviews and escalations, and each
partnership's settings for them.

An application holds personal data about the applicant and the victim: only officers see it,
and nothing of it is ever published. The published figures are counts.
"""

import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from tandem.partnership.models import Group, Organisation, Partnership
from tandem.places.models import Area

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")

# What the outcome letter's template may name; tandem.accountability.letters fills them in.
LETTER_PLACEHOLDERS = {
    "reference": "the application's reference, e.g. CR2026-00012",
    "applicant_name": "the applicant's name",
    "received_on": "the date the application was received",
    "decision": "whether the threshold was met, in words",
    "decision_on": "the date of the threshold decision",
    "decision_reason": "the reason the officer recorded for the decision",
    "review_on": "the date of the review meeting",
    "recommendations": "the recommendations, one a line, with who leads and by when",
    "escalation_body": "who reviews the handling if the applicant is dissatisfied",
    "partnership": "the partnership's name",
    "today": "the date the letter is produced",
}

DEFAULT_LETTER = """Dear {applicant_name}

ASB Case Review {reference}

Thank you for your application for an ASB Case Review, which we received on {received_on}.

On {decision_on} we decided that {decision}. {decision_reason}

The review panel met on {review_on}. It made these recommendations:

{recommendations}

If you are not satisfied with the way your application or the review was handled, you can ask \
for it to be looked at again by {escalation_body}. Reply to this letter, quoting your reference, \
within 20 working days.

Yours sincerely

{partnership}
"""


def check_placeholders(text: str) -> None:
    unknown = sorted(set(PLACEHOLDER.findall(text)) - set(LETTER_PLACEHOLDERS))
    if unknown:
        names = ", ".join("{" + name + "}" for name in unknown)
        raise ValidationError({"letter_template": f"These placeholders are not known: {names}"})


class CaseReviewSettings(models.Model):
    """A partnership's local threshold, response times, escalation route and letter template."""

    partnership = models.OneToOneField(
        Partnership, on_delete=models.CASCADE, related_name="case_review_settings"
    )
    complaints_needed = models.PositiveSmallIntegerField(
        "complaints about separate incidents needed",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    window_months = models.PositiveSmallIntegerField(
        "in the last (months)", default=6, validators=[MinValueValidator(1), MaxValueValidator(24)]
    )
    report_within_months = models.PositiveSmallIntegerField(
        "each reported within (months of the incident)",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    hate_incident_suffices = models.BooleanField(
        "one incident or crime motivated by hate meets the threshold", default=True
    )
    response_working_days = models.PositiveSmallIntegerField(
        "threshold decision due within (working days)",
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    escalation_body = models.CharField(
        "escalation route",
        max_length=200,
        default="the Police and Crime Commissioner",
        help_text="Who looks again at a review the applicant is not satisfied with.",
    )
    ccfa_response_days = models.PositiveSmallIntegerField(
        "Councillor Call for Action: responses due within (days)",
        default=28,
        validators=[MinValueValidator(1), MaxValueValidator(180)],
    )
    letter_template = models.TextField("outcome letter", default=DEFAULT_LETTER, max_length=20000)

    class Meta:
        verbose_name = "Case Review settings"
        verbose_name_plural = "Case Review settings"

    def __str__(self) -> str:
        return f"Case Review settings of {self.partnership}"

    def clean(self) -> None:
        check_placeholders(self.letter_template)


def _token() -> str:
    return secrets.token_urlsafe(24)


class Application(models.Model):
    """An application for an ASB Case Review."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received: threshold to decide"
        NOT_MET = "not_met", "Threshold not met"
        MET = "met", "Threshold met: review to hold"
        REVIEWED = "reviewed", "Review held"
        OUTCOME_SENT = "outcome_sent", "Outcome sent"
        ESCALATED = "escalated", "Escalated: applicant dissatisfied"
        CLOSED = "closed", "Closed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Via(models.TextChoices):
        WEB = "web", "Online form"
        PHONE = "phone", "Telephone"
        EMAIL = "email", "Email"
        LETTER = "letter", "Letter"
        IN_PERSON = "in_person", "In person"

    class Relationship(models.TextChoices):
        VICTIM = "victim", "I am the victim"
        COUNCILLOR = "councillor", "Councillor"
        MP = "mp", "Member of Parliament"
        RELATIVE = "relative", "Relative"
        CARER = "carer", "Carer"
        OTHER = "other", "Someone else acting for the victim"

    CLOSED_STATUSES = (Status.CLOSED, Status.WITHDRAWN)
    MAX_TEXT = 5000

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="case_reviews")
    reference = models.CharField(max_length=20, unique=True, blank=True)
    token = models.CharField(max_length=40, unique=True, default=_token, editable=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    via = models.CharField(max_length=20, choices=Via.choices, default=Via.WEB)
    received_on = models.DateField(default=timezone.localdate)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="case_reviews")
    location_text = models.CharField("street or place", max_length=300, blank=True)
    summary = models.TextField("what has been happening", max_length=MAX_TEXT)

    applicant_name = models.CharField(max_length=150)
    applicant_email = models.EmailField(max_length=254, blank=True)
    applicant_phone = models.CharField(max_length=40, blank=True)
    applicant_address = models.TextField(max_length=500, blank=True)
    relationship = models.CharField(max_length=20, choices=Relationship.choices, default=Relationship.VICTIM)
    victim_name = models.CharField(max_length=150, blank=True)
    victim_contact = models.CharField("victim's address or telephone", max_length=300, blank=True)
    consent = models.BooleanField("the victim consents to the application", default=False)

    due_on = models.DateField("threshold decision due", null=True, blank=True)
    decision_on = models.DateField("threshold decided on", null=True, blank=True)
    threshold_met = models.BooleanField(null=True, blank=True)
    decision_reason = models.TextField(max_length=MAX_TEXT, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome_sent_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["partnership", "received_on"])]

    def __str__(self) -> str:
        return self.reference or f"Application {self.pk}"

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.decision_on is None and self.due_on is not None and self.due_on < timezone.localdate()

    def clean(self) -> None:
        errors = {}
        if self.relationship != self.Relationship.VICTIM:
            if not self.victim_name.strip():
                errors["victim_name"] = "Enter the victim's name"
            if not self.consent:
                errors["consent"] = "Confirm that the victim consents to the application"
        if self.received_on and self.received_on > timezone.localdate():
            errors["received_on"] = "The date received cannot be in the future"
        if errors:
            raise ValidationError(errors)


class Complaint(models.Model):
    """A complaint about one incident: when it happened, when and to whom it was reported."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="complaints")
    incident_on = models.DateField("date of the incident")
    reported_on = models.DateField("date reported")
    reported_to = models.CharField("reported to", max_length=200)
    reference = models.CharField("reference number", max_length=100, blank=True)
    hate_motivated = models.BooleanField("motivated by hate", default=False)
    description = models.CharField("what happened", max_length=1000, blank=True)

    class Meta:
        ordering = ["incident_on", "reported_on", "pk"]

    def __str__(self) -> str:
        return f"{self.incident_on:%-d %B %Y}, reported to {self.reported_to}"

    def clean(self) -> None:
        errors = {}
        if self.incident_on and self.reported_on and self.reported_on < self.incident_on:
            errors["reported_on"] = "The date reported cannot be before the date of the incident"
        today = timezone.localdate()
        if self.incident_on and self.incident_on > today:
            errors["incident_on"] = "The date of the incident cannot be in the future"
        if self.reported_on and self.reported_on > today:
            errors.setdefault("reported_on", "The date reported cannot be in the future")
        if errors:
            raise ValidationError(errors)


class StatusChange(models.Model):
    """One step of an application's status: who, when and why."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Application.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Application.Status.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(max_length=Application.MAX_TEXT, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.application}: {self.from_status or '—'} → {self.to_status}"


class Review(models.Model):
    """The case review itself: the panel of agencies, its meeting and what it found."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="review")
    group = models.ForeignKey(
        Group,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="case_reviews",
        help_text="The panel's group, whose meeting holds the review.",
    )
    panel = models.ManyToManyField(Organisation, related_name="case_review_panels", blank=True)
    meeting = models.ForeignKey(
        "meetings.Meeting", null=True, blank=True, on_delete=models.SET_NULL, related_name="case_reviews"
    )
    held_on = models.DateField("review held on", null=True, blank=True)
    findings = models.TextField(max_length=Application.MAX_TEXT, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Review of {self.application}"


class Recommendation(models.Model):
    """A recommendation of a review: an action in the partnership's action plan."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="recommendations")
    action = models.OneToOneField(
        "actionplans.Action", on_delete=models.PROTECT, related_name="case_review_recommendation"
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Recommendation of {self.review.application}"


class Dissatisfaction(models.Model):
    """The applicant is not satisfied: the escalation to the configured body, and its outcome."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="dissatisfaction")
    received_on = models.DateField()
    reason = models.TextField(max_length=Application.MAX_TEXT)
    escalated_to = models.CharField(max_length=200)
    escalated_on = models.DateField()
    outcome = models.TextField(max_length=Application.MAX_TEXT, blank=True)
    outcome_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Dissatisfaction with {self.application}"

    def clean(self) -> None:
        errors = {}
        if self.received_on and self.escalated_on and self.escalated_on < self.received_on:
            errors["escalated_on"] = (
                "The date escalated cannot be before the date the dissatisfaction was received"
            )
        if self.outcome_on and self.escalated_on and self.outcome_on < self.escalated_on:
            errors["outcome_on"] = "The date of the outcome cannot be before the date escalated"
        if errors:
            raise ValidationError(errors)


class CouncillorCall(models.Model):
    """A Councillor Call for Action: a ward councillor refers a local crime and disorder matter
    to the crime and disorder scrutiny committee (Police and Justice Act 2006, s19)."""

    class Status(models.TextChoices):
        REFERRED = "referred", "Referred: committee to decide"
        ACCEPTED = "accepted", "Accepted: committee considering"
        DECLINED = "declined", "Declined"
        REPORTED = "reported", "Reported: responses awaited"
        CLOSED = "closed", "Closed"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="councillor_calls")
    reference = models.CharField(max_length=20, unique=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REFERRED)
    councillor_name = models.CharField("councillor", max_length=150)
    councillor_email = models.EmailField("councillor's email", max_length=254, blank=True)
    ward = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="councillor_calls")
    matter = models.TextField("the local crime and disorder matter", max_length=Application.MAX_TEXT)
    referred_on = models.DateField(default=timezone.localdate)
    decision_on = models.DateField(null=True, blank=True)
    decision_reason = models.TextField(max_length=Application.MAX_TEXT, blank=True)
    report = models.TextField("the committee's report", max_length=20000, blank=True)
    reported_on = models.DateField(null=True, blank=True)
    responses_due_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-referred_on", "-pk"]

    def __str__(self) -> str:
        return self.reference or f"Councillor Call for Action {self.pk}"


class CallRecommendation(models.Model):
    """A recommendation of the committee's report to one responsible authority, and its response."""

    call = models.ForeignKey(CouncillorCall, on_delete=models.CASCADE, related_name="recommendations")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("recommendation", max_length=2000)
    response = models.TextField(max_length=Application.MAX_TEXT, blank=True)
    responded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Recommendation of {self.call} to {self.organisation}"

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        due = self.call.responses_due_on
        return self.responded_on is None and due is not None and due < today


class ScrutinyReminder(models.Model):
    """A reminder emailed to a crime and disorder scrutiny committee's members that its yearly
    review of the partnership is due: one for each committee and due date, so a daily run sends
    it once (see tandem.accountability.scrutiny)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="scrutiny_reminders")
    due_on = models.DateField(null=True, blank=True, help_text="Empty when the committee has no date yet.")
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["group", "due_on"], name="accountability_scrutiny_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"Scrutiny reminder to {self.group} (due {self.due_on or 'now'})"
