"""Reports from residents and how they reach a group.

A resident's report (from the web form, an Open311 client or typed in by an officer) is
checked, perhaps held for moderation, then routed by the partnership's routing rules to a
group, where it becomes a problem or raises the count of an open one. The resident follows
it by a private link; every change of the problem's status and every public update is a
``ReportUpdate``. When the problem is resolved the resident is asked whether it is fixed.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from tandem.partnership.models import Group, Partnership
from tandem.places.models import Area
from tandem.problems.models import Category, Problem, ProblemReport

__all__ = [
    "REFERENCE_ALPHABET",
    "FlaggedWord",
    "Report",
    "ReportFeedback",
    "ReportSupport",
    "ReportUpdate",
    "RoutingRule",
    "new_reference",
    "new_token",
    "report_photo_upload_to",
]

# No 0/O, 1/I/L, 5/S, 2/Z, 8/B: a reference read out over the phone cannot be misheard.
REFERENCE_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
REFERENCE_PREFIX = "TDM-"
REFERENCE_LENGTH = 6


def new_reference() -> str:
    return REFERENCE_PREFIX + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def new_token() -> str:
    return secrets.token_urlsafe(32)


def report_photo_upload_to(report: "Report", filename: str) -> str:
    # The stored name says nothing about the resident's file (its name may hold personal data).
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"report-photos/{secrets.token_hex(16)}.{extension}"


class RoutingRule(models.Model):
    """Reports in an area (and optionally of one category) go to a group.

    The most specific rule wins: the deepest area containing the report, a rule for its
    category before one for any category; a rule with no area is the partnership-wide
    fallback."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="routing_rules")
    area = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="routing_rules",
        help_text="Leave empty for the partnership-wide fallback.",
    )
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="routing_rules",
        help_text="Leave empty for every category.",
    )
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="routing_rules")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["partnership", "area__name", "category__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "area", "category"],
                name="community_routing_one_rule",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        where = self.area.name if self.area_id else "Anywhere"
        what = self.category.name if self.category_id else "any category"
        return f"{where}, {what} → {self.group}"

    def clean(self) -> None:
        if self.group_id and self.partnership_id and self.group.partnership_id != self.partnership_id:
            raise ValidationError({"group": "Choose a group of this partnership."})


class FlaggedWord(models.Model):
    """A word or phrase that holds a report for moderation (abuse, names of people …)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="flagged_words")
    word = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["partnership", "word"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "word"], name="community_flagged_word_once"),
        ]

    def __str__(self) -> str:
        return self.word

    def clean(self) -> None:
        self.word = (self.word or "").strip().lower()
        if not self.word:
            raise ValidationError({"word": "Enter a word or phrase."})


class Report(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for moderation"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    class Via(models.TextChoices):
        WEB = "web", "The website"
        OPEN311 = "open311", "An Open311 app"
        OFFICER = "officer", "An officer"

    class Outcome(models.TextChoices):
        NEW = "new", "A new problem"
        MERGED = "merged", "Merged into an existing problem"
        ME_TOO = "me_too", "Added to a problem the resident chose"
        BACK = "back", "Reopened a resolved problem"

    MAX_DESCRIPTION = 2000
    MAX_PHOTO_BYTES = 8 * 1024 * 1024

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="reports")
    reference = models.CharField(max_length=20, unique=True, default=new_reference, editable=False)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="community_reports")
    description = models.TextField(max_length=MAX_DESCRIPTION)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    location_text = models.CharField("where", max_length=300, blank=True)
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports")
    photo = models.FileField(upload_to=report_photo_upload_to, blank=True, max_length=200)
    # Personal data: never shown publicly; hidden from the group when anonymous.
    name = models.CharField(max_length=150, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    anonymous = models.BooleanField(
        default=False, help_text="The resident asked that the group is not told who they are."
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    via = models.CharField(max_length=20, choices=Via.choices, default=Via.WEB)
    client_name = models.CharField(
        max_length=150, blank=True, help_text="The Open311 application that sent it."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    moderation_reasons = models.JSONField(default=list, blank=True, help_text="Why it waits for moderation.")
    rejected_reason = models.TextField(blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    wanted_problem = models.ForeignKey(
        Problem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text='The problem the resident said "me too" or "it\'s back" to.',
    )
    problem = models.ForeignKey(
        Problem, null=True, blank=True, on_delete=models.SET_NULL, related_name="community_reports"
    )
    problem_report = models.OneToOneField(
        ProblemReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="community_report"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    feedback_requested_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["partnership", "status"]),
            models.Index(fields=["problem", "status"]),
            models.Index(fields=["updated_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="community_report_valid_point",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("community:report-follow", kwargs={"token": self.token})

    def clean(self) -> None:
        errors = {}
        if (self.latitude is None) != (self.longitude is None):
            errors["latitude"] = "Give both latitude and longitude, or neither."
        if self.latitude is None and not self.location_text.strip() and self.area_id is None:
            errors["location_text"] = "Say where the problem is: put a pin on the map, or type the place."
        if not self.description.strip():
            errors["description"] = "Describe the problem."
        if errors:
            raise ValidationError(errors)

    def open311_status(self) -> str:
        """ "open" or "closed", as Open311 GeoReport v2 has it."""
        return "closed" if self.extended_status() in CLOSED_EXTENDED else "open"

    def extended_status(self) -> str:
        """The FixMyStreet extended status (Open311 updates' ``external_status_code``, ``status_notes``)."""
        if self.status == self.Status.REJECTED:
            return "CLOSED"
        problem = self.problem
        if self.status == self.Status.PENDING or problem is None:
            return "OPEN"
        return problem_extended_status(problem)

    @property
    def shows_contact_to_group(self) -> bool:
        return not self.anonymous


CLOSED_EXTENDED = {
    "FIXED",
    "CLOSED",
    "DUPLICATE",
    "NOT_COUNCILS_RESPONSIBILITY",
    "NO_FURTHER_ACTION",
    "INTERNAL_REFERRAL",
}

# Problems' SARA statuses as FixMyStreet's extended statuses.
EXTENDED_BY_PROBLEM_STATUS = {
    Problem.Status.SCANNING: "OPEN",
    Problem.Status.ANALYSIS: "INVESTIGATING",
    Problem.Status.RESPONSE: "ACTION_SCHEDULED",
    Problem.Status.ASSESSMENT: "IN_PROGRESS",
    Problem.Status.RESOLVED: "FIXED",
    Problem.Status.CLOSED: "CLOSED",
}


def problem_extended_status(problem: Problem) -> str:
    if problem.merged_into_id:
        return "DUPLICATE"
    if problem.status == Problem.Status.CLOSED and _ended_without_action(problem):
        return "NO_FURTHER_ACTION"
    return EXTENDED_BY_PROBLEM_STATUS.get(problem.status, "OPEN")


def _ended_without_action(problem: Problem) -> bool:
    return "no further action" in (problem.closed_reason or "").lower()


class ReportUpdate(models.Model):
    """One public update on a report: its status at that moment and what the resident is told."""

    class Source(models.TextChoices):
        OFFICER = "officer", "An officer"
        STATUS_CHANGE = "status_change", "A change of status"
        CLIENT = "client", "An Open311 app"
        RESIDENT = "resident", "The resident"

    MAX_TEXT = 2000

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="updates")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    status = models.CharField(max_length=10, help_text='"open" or "closed" (Open311).')
    extended_status = models.CharField(max_length=40, help_text="FixMyStreet's extended status.")
    text = models.TextField(max_length=MAX_TEXT, blank=True, help_text="Public text.")
    source = models.CharField(max_length=20, choices=Source.choices)
    client_name = models.CharField(max_length=150, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["report", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.report}: {self.extended_status} {self.text[:60]}"


class ReportSupport(models.Model):
    """One resident's "me too" on a public problem: one per account, email or browser."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    email = models.EmailField(max_length=254, blank=True)
    browser_id = models.CharField(max_length=64, blank=True, help_text="From a signed cookie.")
    problem_report = models.OneToOneField(
        ProblemReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["problem", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["problem", "user"],
                condition=models.Q(user__isnull=False),
                name="community_support_user",
            ),
            models.UniqueConstraint(
                fields=["problem", "email"], condition=~models.Q(email=""), name="community_support_email"
            ),
            models.UniqueConstraint(
                fields=["problem", "browser_id"],
                condition=~models.Q(browser_id=""),
                name="community_support_browser",
            ),
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(email="") | ~models.Q(browser_id=""),
                name="community_support_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"Me too: {self.problem}"


class ReportFeedback(models.Model):
    """A resident's answer, after the problem was resolved: is it fixed, and how do they feel now."""

    class Fixed(models.TextChoices):
        YES = "yes", "Yes"
        PARTLY = "partly", "Partly"
        NO = "no", "No"

    class Feeling(models.IntegerChoices):
        VERY_BAD = 1, "Much worse than before"
        BAD = 2, "A little worse"
        SAME = 3, "No different"
        GOOD = 4, "A little better"
        VERY_GOOD = 5, "Much better than before"

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="feedback")
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="resident_feedback")
    fixed = models.CharField("is it fixed?", max_length=10, choices=Fixed.choices)
    feeling = models.PositiveSmallIntegerField("how do you feel about it now?", choices=Feeling.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["problem", "created_at"]
        verbose_name_plural = "report feedback"

    def __str__(self) -> str:
        return f"{self.report}: {self.fixed}, {self.feeling}"
