"""People at risk: information-sharing agreements, the cases opened under them, and the audit log.

Personal data about individuals lives here and nowhere else. Who may see a case is decided
in one place (``access.py``): staff of organisations that have signed a current agreement
covering the case's purpose *and* are involved in the case. Staff are named explicitly
(``AgencyStaff``): belonging to an organisation for case work is a decision an administrator
records, never inferred from group memberships. Every view, export and change is written to
``AuditEntry``, which the application can add to but never change or delete.
"""

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from tandem.meetings.models import AgendaItem
from tandem.partnership.models import Organisation, Partnership
from tandem.problems.models import Problem

DEFAULT_POWER = "Crime and Disorder Act 1998 s115"


class AgencyStaffQuerySet(models.QuerySet):
    def current(self, on: dt.date | None = None) -> "AgencyStaffQuerySet":
        on = on or timezone.localdate()
        return self.filter(start_date__lte=on).filter(Q(end_date__isnull=True) | Q(end_date__gte=on))


class AgencyStaff(models.Model):
    """A user who works for an organisation, for case work: the standing that case access needs."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agency_staff")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="case_staff")
    job_title = models.CharField(max_length=150, blank=True)
    start_date = models.DateField(default=timezone.localdate)
    end_date = models.DateField(null=True, blank=True)

    history = HistoricalRecords()
    objects = AgencyStaffQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "user__name"]
        verbose_name = "agency staff member"
        verbose_name_plural = "agency staff"
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="cases_agencystaff_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.organisation})"


class DataProtectionOfficer(models.Model):
    """A user who may search and export a partnership's case audit log."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="data_protection_officers"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_protection_roles"
    )
    appointed_on = models.DateField(default=timezone.localdate)

    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "user__name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "user"], name="cases_dpo_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user}, data protection officer for {self.partnership}"


class Purpose(models.Model):
    """What information is shared for: configuration, shipped with the usual purposes."""

    name = models.CharField(max_length=150, unique=True)
    slug = models.SlugField(max_length=150, unique=True)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


def agreement_upload_to(agreement: "Agreement", filename: str) -> str:
    return f"cases/agreements/{agreement.partnership_id}/{uuid.uuid4().hex}/{filename}"


class AgreementQuerySet(models.QuerySet):
    def in_force(self, on: dt.date | None = None) -> "AgreementQuerySet":
        """Signed by every party, started and not expired: the only agreements that share anything."""
        on = on or timezone.localdate()
        return self.filter(fully_signed_on__isnull=False, starts_on__lte=on, expires_on__gte=on)


class Agreement(models.Model):
    """An information-sharing agreement between organisations of a partnership."""

    class LawfulBasis(models.TextChoices):
        CONSENT = "consent", "Article 6(1)(a): consent"
        CONTRACT = "contract", "Article 6(1)(b): contract"
        LEGAL_OBLIGATION = "legal_obligation", "Article 6(1)(c): legal obligation"
        VITAL_INTERESTS = "vital_interests", "Article 6(1)(d): vital interests"
        PUBLIC_TASK = "public_task", "Article 6(1)(e): public task"
        LEGITIMATE_INTERESTS = "legitimate_interests", "Article 6(1)(f): legitimate interests"

    class SpecialCondition(models.TextChoices):
        NONE = "", "No special category data is shared"
        EXPLICIT_CONSENT = "explicit_consent", "Article 9(2)(a): explicit consent"
        VITAL_INTERESTS = "vital_interests", "Article 9(2)(c): vital interests"
        SUBSTANTIAL_PUBLIC_INTEREST = (
            "substantial_public_interest",
            "Article 9(2)(g): substantial public interest (DPA 2018 Schedule 1 Part 2)",
        )
        HEALTH_SOCIAL_CARE = "health_social_care", "Article 9(2)(h): health or social care"
        SCH1_STATUTORY = "sch1_statutory", "DPA 2018 Schedule 1 paragraph 6: statutory purposes"
        SCH1_PREVENTING_CRIME = (
            "sch1_preventing_crime",
            "DPA 2018 Schedule 1 paragraph 10: preventing or detecting unlawful acts",
        )
        SCH1_SAFEGUARDING = (
            "sch1_safeguarding",
            "DPA 2018 Schedule 1 paragraph 18: safeguarding of children and individuals at risk",
        )

    class RetentionAction(models.TextChoices):
        DELETE = "delete", "Delete the case"
        ANONYMISE = "anonymise", "Anonymise the case (keep the counts)"

    ALLOWED_TYPES = {
        ".pdf": "application/pdf",
        ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }
    MAX_BYTES = 10 * 1024 * 1024

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="sharing_agreements")
    title = models.CharField(max_length=200)
    purpose = models.TextField(help_text="Why the organisations share information, in plain words.")
    purposes = models.ManyToManyField(
        Purpose, related_name="agreements", help_text="The kinds of case this agreement covers."
    )
    lawful_basis = models.CharField(
        "UK GDPR Article 6 lawful basis",
        max_length=30,
        choices=LawfulBasis.choices,
        default=LawfulBasis.PUBLIC_TASK,
    )
    special_category_condition = models.CharField(
        "Article 9 / DPA 2018 Schedule 1 condition",
        max_length=40,
        choices=SpecialCondition.choices,
        blank=True,
        help_text="Needed when health, ethnicity, religion, sexuality or similar data is shared.",
    )
    power = models.CharField("power to share", max_length=200, default=DEFAULT_POWER)
    data_categories = models.TextField(
        "categories of data", help_text="For example: names, addresses, dates of birth, incident history."
    )
    retention_months = models.PositiveSmallIntegerField(
        "retention period (months)", default=24, help_text="How long a closed case is kept."
    )
    retention_action = models.CharField(
        max_length=20, choices=RetentionAction.choices, default=RetentionAction.DELETE
    )
    starts_on = models.DateField(default=timezone.localdate)
    expires_on = models.DateField(help_text="After this date the agreement shares nothing.")
    review_on = models.DateField("review date")
    document = models.FileField(upload_to=agreement_upload_to, max_length=500, blank=True)
    document_name = models.CharField(max_length=255, blank=True)
    document_content_type = models.CharField(max_length=120, blank=True)
    document_size = models.PositiveIntegerField(null=True, blank=True)
    # Set when the last party signs; cleared when a party is added that has not signed yet.
    fully_signed_on = models.DateField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[purposes], excluded_fields=["fully_signed_on"])
    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-expires_on", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cases:agreement-detail", kwargs={"pk": self.pk})

    def is_in_force(self, on: dt.date | None = None) -> bool:
        on = on or timezone.localdate()
        return bool(self.fully_signed_on) and self.starts_on <= on <= self.expires_on

    @property
    def state_label(self) -> str:
        today = timezone.localdate()
        if not self.fully_signed_on:
            return "Awaiting signatures"
        if self.expires_on < today:
            return "Expired"
        if self.starts_on > today:
            return "Not started"
        return "In force"

    @property
    def review_overdue(self) -> bool:
        return self.review_on < timezone.localdate()

    def clean(self) -> None:
        errors = {}
        if self.starts_on and self.expires_on and self.expires_on < self.starts_on:
            errors["expires_on"] = "The agreement must expire after it starts."
        if self.retention_months is not None and not 1 <= self.retention_months <= 240:
            errors["retention_months"] = "Enter a retention period between 1 and 240 months."
        if errors:
            raise ValidationError(errors)


class Signatory(models.Model):
    """A party to an agreement, and its signature once given (who signed, when)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="signatories")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="sharing_signatures"
    )
    signed_on = models.DateField(null=True, blank=True)
    signer_name = models.CharField(max_length=150, blank=True)
    signer_role = models.CharField("signer's job title", max_length=150, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement", "organisation__name"]
        verbose_name_plural = "signatories"
        constraints = [
            models.UniqueConstraint(fields=["agreement", "organisation"], name="cases_signatory_once"),
            models.CheckConstraint(
                condition=Q(signed_on__isnull=True) | ~Q(signer_name=""), name="cases_signature_has_signer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.agreement}"


class InterventionType(models.Model):
    """An intervention agencies can use (warning letter, CPW, CPN, civil injunction …): configuration."""

    name = models.CharField(max_length=150, unique=True)
    slug = models.SlugField(max_length=150, unique=True)
    description = models.CharField(max_length=300, blank=True)
    for_victims = models.BooleanField(default=False, help_text="Support for a victim rather than a sanction.")
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Questionnaire(models.Model):
    """A scored risk assessment: each question adds its score when answered yes."""

    name = models.CharField(max_length=150, unique=True)
    slug = models.SlugField(max_length=150, unique=True)
    description = models.TextField(blank=True)
    medium_from = models.PositiveSmallIntegerField(help_text="A total at or above this is medium risk.")
    high_from = models.PositiveSmallIntegerField(help_text="A total at or above this is high risk.")
    standard_review_days = models.PositiveSmallIntegerField(default=28)
    medium_review_days = models.PositiveSmallIntegerField(default=14)
    high_review_days = models.PositiveSmallIntegerField(default=7)
    is_default = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.medium_from is not None and self.high_from is not None and self.high_from <= self.medium_from:
            raise ValidationError({"high_from": "The high-risk threshold must be above the medium one."})


class Question(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=300)
    score = models.PositiveSmallIntegerField(default=1, help_text="Added to the total when answered yes.")
    makes_high = models.BooleanField(
        default=False, help_text="A yes makes the risk high whatever the total (e.g. thoughts of self-harm)."
    )

    class Meta:
        ordering = ["questionnaire", "position", "pk"]

    def __str__(self) -> str:
        return self.text


class Subject(models.Model):
    """Someone (or a household) a case is about. Not a partnership.Person: those are group members."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="case_subjects")
    name = models.CharField(max_length=200)
    date_of_birth = models.DateField(null=True, blank=True)
    address = models.TextField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    notes = models.TextField(
        blank=True, help_text="Needs that agencies should know: language, disability, preferred contact."
    )
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Case(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        MONITORING = "monitoring", "Monitoring"
        CLOSED = "closed", "Closed"

    TRANSITIONS = {
        Status.OPEN: {Status.MONITORING, Status.CLOSED},
        Status.MONITORING: {Status.OPEN, Status.CLOSED},
        Status.CLOSED: {Status.OPEN},
    }

    class About(models.TextChoices):
        PERSON = "person", "A person"
        HOUSEHOLD = "household", "A household"
        LOCATION = "location", "A location"

    class ClosureReason(models.TextChoices):
        RESOLVED = "resolved", "The problem was resolved"
        RISK_REDUCED = "risk_reduced", "The risk has reduced to a level agencies manage alone"
        MOVED_AWAY = "moved_away", "The person moved out of the area"
        DECLINED = "declined", "Support was declined"
        REFERRED = "referred", "Referred to another service"
        OTHER = "other", "Another reason"

    class Risk(models.TextChoices):
        STANDARD = "standard", "Standard"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="cases")
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="cases")
    purpose = models.ForeignKey(Purpose, on_delete=models.PROTECT, related_name="cases")
    title = models.CharField(max_length=200, help_text="A short description; avoid full names.")
    summary = models.TextField(blank=True)
    about = models.CharField(max_length=20, choices=About.choices, default=About.PERSON)
    location = models.CharField(max_length=300, blank=True, help_text="For a case about a place.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    opened_on = models.DateField(default=timezone.localdate)
    lead_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="led_cases")
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="led_cases"
    )
    risk_level = models.CharField(max_length=20, choices=Risk.choices, blank=True, editable=False)
    risk_review_on = models.DateField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    closure_reason = models.CharField(max_length=30, choices=ClosureReason.choices, blank=True)
    closure_outcome = models.TextField(blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)
    problems = models.ManyToManyField(Problem, blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_on", "-pk"]
        indexes = [models.Index(fields=["status", "closed_at"], name="cases_case_retention")]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("cases:case-detail", kwargs={"pk": self.pk})

    @property
    def reference(self) -> str:
        return f"CASE-{self.pk:05d}" if self.pk else "CASE-new"

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    def clean(self) -> None:
        errors = {}
        if self.agreement_id and self.partnership_id and self.agreement.partnership_id != self.partnership_id:
            errors["agreement"] = "Choose an agreement of this partnership."
        if self.about == self.About.LOCATION and not self.location.strip():
            errors["location"] = "Enter the location the case is about."
        if errors:
            raise ValidationError(errors)


class CaseAgency(models.Model):
    """An organisation involved in a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="agencies")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="case_involvements")
    added_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["case", "organisation__name"]
        verbose_name_plural = "case agencies"
        constraints = [
            models.UniqueConstraint(fields=["case", "organisation"], name="cases_caseagency_once"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} on {self.case.reference}"


class CaseSubject(models.Model):
    class Role(models.TextChoices):
        VICTIM = "victim", "Victim"
        VULNERABLE = "vulnerable", "Vulnerable person"
        PERPETRATOR = "perpetrator", "Perpetrator"
        ALLEGED_PERPETRATOR = "alleged_perpetrator", "Alleged perpetrator"
        HOUSEHOLD_MEMBER = "household_member", "Household member"
        WITNESS = "witness", "Witness"
        CARER = "carer", "Carer or relative"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="subject_roles")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="case_roles")
    role = models.CharField(max_length=30, choices=Role.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "role", "subject__name"]
        constraints = [
            models.UniqueConstraint(fields=["case", "subject", "role"], name="cases_casesubject_once"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.get_role_display()})"


class RiskAssessment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="risk_assessments")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="assessments")
    answers = models.JSONField(default=dict, help_text="Question id → true for the questions answered yes.")
    score = models.PositiveSmallIntegerField()
    level = models.CharField(max_length=20, choices=Case.Risk.choices)
    assessed_on = models.DateField(default=timezone.localdate)
    review_on = models.DateField()
    notes = models.TextField(blank=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "-assessed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_level_display()} risk ({self.score}) on {self.assessed_on:%-d %B %Y}"


class TimelineEntry(models.Model):
    class Kind(models.TextChoices):
        CONTACT = "contact", "Contact"
        NOTE = "note", "Note"
        VISIT = "visit", "Home visit"
        REFERRAL = "referral", "Referral"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="timeline")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NOTE)
    happened_at = models.DateTimeField(default=timezone.now)
    text = models.TextField()
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", help_text="The organisation that owns it."
    )
    is_shared = models.BooleanField(
        "shared with the other agencies",
        default=True,
        help_text="Unshared entries are seen only by the owning organisation's staff.",
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "-happened_at", "-pk"]
        verbose_name_plural = "timeline entries"
        indexes = [models.Index(fields=["case", "happened_at"], name="cases_timeline_by_case")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.case.reference}"


class Task(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="case_tasks")
    description = models.CharField(max_length=500)
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    done_on = models.DateField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "status", "due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"], name="cases_task_due")]

    def __str__(self) -> str:
        return self.description

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_on < timezone.localdate()

    def clean(self) -> None:
        if self.status == self.Status.CANCELLED and not self.cancel_reason.strip():
            raise ValidationError({"cancel_reason": "Enter why the task is cancelled."})


class Intervention(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "", "Not known yet"
        COMPLIED = "complied", "Complied / worked"
        PARTLY = "partly", "Partly worked"
        BREACHED = "breached", "Breached / did not work"
        WITHDRAWN = "withdrawn", "Withdrawn"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="interventions")
    type = models.ForeignKey(InterventionType, on_delete=models.PROTECT, related_name="interventions")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey(
        Subject, null=True, blank=True, on_delete=models.SET_NULL, related_name="interventions"
    )
    started_on = models.DateField(default=timezone.localdate)
    ends_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    notes = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["case", "-started_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.type} on {self.case.reference}"

    def clean(self) -> None:
        if self.ends_on and self.started_on and self.ends_on < self.started_on:
            raise ValidationError({"ends_on": "The end date must be on or after the start date."})


class CaseStatusChange(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Case.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Case.Status.choices)
    reason = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.case.reference}: {self.from_status or 'new'} → {self.to_status}"


class CaseAgendaItem(models.Model):
    """A confidential agenda item at which the case was discussed; its minutes join the case timeline."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="agenda_links")
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "created_at"]
        constraints = [models.UniqueConstraint(fields=["case", "item"], name="cases_caseagendaitem_once")]

    def __str__(self) -> str:
        return f"{self.case.reference} at {self.item}"


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Audit entries cannot be changed.")

    def delete(self):
        raise PermissionError("Audit entries cannot be deleted.")


class AuditEntry(models.Model):
    """One thing someone did (or tried to do) with case data. Append-only.

    The case is recorded by number and reference, not as a foreign key, so the entry outlives
    the case when retention deletes it.
    """

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        LIST = "list", "Listed"
        CREATE = "create", "Created"
        CHANGE = "change", "Changed"
        STATUS = "status", "Changed status"
        EXPORT = "export", "Exported"
        REFUSED = "refused", "Refused access"
        DELETE = "delete", "Deleted (retention)"
        ANONYMISE = "anonymise", "Anonymised (retention)"
        SEARCH_LOG = "search_log", "Searched the audit log"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user_label = models.CharField(max_length=300, blank=True, help_text="Who, kept if the account goes.")
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    case_number = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    object_type = models.CharField(max_length=50, blank=True)
    object_id = models.CharField(max_length=50, blank=True)
    description = models.CharField(max_length=500, blank=True)
    path = models.CharField(max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["user", "at"], name="cases_audit_by_user")]

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.user_label}: {self.get_action_display()} {self.case_reference}"
        )

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit entries cannot be deleted.")

    @property
    def case_reference(self) -> str:
        return f"CASE-{self.case_number:05d}" if self.case_number else ""
