"""The partnership's structure: organisations, people, group types, groups and memberships."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from tandem.places.models import Area


class Partnership(models.Model):
    """The root everything belongs to: one Community Safety Partnership and its district."""

    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=50, blank=True)
    slug = models.SlugField(max_length=100, unique=True)
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        related_name="partnerships",
        help_text="The district it covers.",
    )
    description = models.TextField(blank=True)
    website = models.URLField(blank=True)
    email = models.EmailField("contact email", blank=True)
    phone = models.CharField("contact telephone", max_length=40, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partnership:overview-detail", kwargs={"slug": self.slug})


class StakeholderKind(models.Model):
    """A kind of stakeholder a group should include: "Registered social landlord", "Youth group"…

    Configuration, not code: presets install the lists from the seeds and administrators edit them.
    """

    name = models.CharField(max_length=150, unique=True)
    slug = models.SlugField(max_length=150, unique=True)
    description = models.CharField(max_length=300, blank=True)
    gap_label = models.CharField(
        max_length=150,
        blank=True,
        help_text='How a missing one is described, e.g. "No youth representation".',
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def gap_text(self) -> str:
        return self.gap_label or f"No {self.name[0].lower()}{self.name[1:]}"


class Organisation(models.Model):
    """An agency or community organisation that people represent in groups."""

    class Sector(models.TextChoices):
        POLICE = "police", "Police"
        LOCAL_AUTHORITY = "local_authority", "District, county or unitary council"
        PARISH_COUNCIL = "parish_council", "Town or parish council"
        FIRE = "fire", "Fire and rescue"
        HEALTH = "health", "Health"
        HOUSING = "housing", "Housing provider"
        EDUCATION = "education", "School or college"
        PROBATION = "probation", "Probation and justice"
        VOLUNTARY = "voluntary", "Voluntary and community"
        FAITH = "faith", "Faith group"
        BUSINESS = "business", "Local business"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    sector = models.CharField(max_length=30, choices=Sector.choices)
    stakeholder_kind = models.ForeignKey(
        StakeholderKind,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organisations",
        help_text="The kind of stakeholder its representatives count as.",
    )
    partnerships = models.ManyToManyField(Partnership, blank=True, related_name="organisations")
    description = models.TextField(blank=True)
    website = models.URLField(blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partnership:organisation-detail", kwargs={"slug": self.slug})


class Person(models.Model):
    """Someone who takes part in groups. Personal data: contact details are not public."""

    name = models.CharField(max_length=150)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    job_title = models.CharField(max_length=150, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        help_text="The account this person signs in with, if any.",
    )
    show_name_publicly = models.BooleanField(
        default=False,
        help_text="Residents' names appear on public pages only with their agreement.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partnership:person-detail", kwargs={"pk": self.pk})


class GroupType(models.Model):
    """What kind of group this is, as configured by a preset: NAP, JAG, LAG, CAG, CLS, board…"""

    class Period(models.TextChoices):
        MONTH = "month", "Month"
        QUARTER = "quarter", "Quarter"
        YEAR = "year", "Year"

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        FORTNIGHTLY = "fortnightly", "Fortnightly"
        MONTHLY = "monthly", "Monthly"
        BIMONTHLY = "bimonthly", "Every two months"
        QUARTERLY = "quarterly", "Quarterly"
        TWICE_YEARLY = "twice_yearly", "Twice a year"
        ANNUALLY = "annually", "Annually"
        AS_NEEDED = "as_needed", "As needed"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="group_types")
    name = models.CharField(max_length=150)
    short_name = models.CharField(max_length=20, blank=True)
    slug = models.SlugField(max_length=150)
    description = models.TextField(blank=True)
    preset = models.CharField(max_length=50, blank=True, help_text="The preset that installed it.")
    tier = models.PositiveSmallIntegerField(
        default=0, help_text="0 for the most local groups, higher for those they escalate to."
    )
    escalates_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="escalated_from"
    )
    priorities_per_period = models.PositiveSmallIntegerField(
        default=0,
        help_text="How many priorities a group sets each period (0: it does not set them).",
    )
    priority_period = models.CharField(max_length=10, choices=Period.choices, default=Period.QUARTER)
    meeting_frequency = models.CharField(max_length=20, choices=Frequency.choices, default=Frequency.MONTHLY)
    meeting_start_time = models.TimeField(null=True, blank=True)
    meeting_duration_minutes = models.PositiveSmallIntegerField(default=120)
    public_may_attend = models.BooleanField(default=False)
    essentials = models.JSONField(
        default=list,
        blank=True,
        help_text="Keys of the essentials every group of this type must have (see Essential).",
    )
    recommended_stakeholders = models.ManyToManyField(StakeholderKind, blank=True, related_name="group_types")

    history = HistoricalRecords(m2m_fields=[recommended_stakeholders])

    class Meta:
        ordering = ["partnership", "tier", "name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "slug"], name="partnership_grouptype_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def cadence_text(self) -> str:
        text = self.get_meeting_frequency_display()
        if self.meeting_start_time:
            text += f", {self.meeting_start_time:%H:%M}"
            hours, minutes = divmod(self.meeting_duration_minutes, 60)
            length = []
            if hours:
                length.append(f"{hours} hour{'s' if hours != 1 else ''}")
            if minutes:
                length.append(f"{minutes} minutes")
            if length:
                text += f" for {' '.join(length)}"
        return text

    def clean(self) -> None:
        unknown = set(self.essentials or []) - set(Essential.values)
        if unknown:
            raise ValidationError({"essentials": f"Unknown essentials: {', '.join(sorted(unknown))}"})
        if self.escalates_to_id and self.escalates_to_id == self.pk:
            raise ValidationError({"escalates_to": "A group type cannot escalate to itself."})


class Essential(models.TextChoices):
    """What a group must have to work (seed 000: venue, chair, note taker, treasurer, link)."""

    VENUE = "venue", "A venue"
    CHAIR = "chair", "A chairperson"
    NOTE_TAKER = "note_taker", "A note taker"
    TREASURER_OR_ACCOUNTABLE_BODY = (
        "treasurer_or_accountable_body",
        "A treasurer or an accountable body that holds its funds",
    )
    PARENT_LINK = "parent_link", "A link to the group it escalates to"
    SUPPORT_OFFICER = "support_officer", "A partnership support officer"
    COMMUNITY_LEAD = "community_lead", "A community lead"


class Group(models.Model):
    """A group that meets: a NAP, a JAG, a Local Action Group, a CAG, a board…"""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="groups")
    type = models.ForeignKey(GroupType, on_delete=models.PROTECT, related_name="groups")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT, related_name="groups")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The group it escalates to.",
    )
    purpose = models.TextField(blank=True)
    theme = models.CharField(
        max_length=100, blank=True, help_text='For example "Safer & Stronger" or "Health & People".'
    )
    venue_name = models.CharField(max_length=200, blank=True)
    venue_address = models.TextField(blank=True)
    venue_access_notes = models.TextField(
        blank=True, help_text="Step-free access, hearing loop, parking, public transport."
    )
    accountable_body = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="accountable_for",
        help_text="The organisation that holds the group's funds, if it has no treasurer.",
    )
    cadence = models.CharField(
        max_length=200,
        blank=True,
        help_text='When it meets, if not its type\'s usual: "second Tuesday of each month, 18:00".',
    )
    is_public = models.BooleanField(
        default=True,
        help_text="Public groups are listed on the public site with their members' roles.",
    )
    established_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("partnership:group-detail", kwargs={"slug": self.slug})

    @property
    def cadence_text(self) -> str:
        return self.cadence or self.type.cadence_text

    @property
    def is_open(self) -> bool:
        return self.closed_on is None or self.closed_on > timezone.localdate()

    def clean(self) -> None:
        errors = {}
        if self.type_id and self.partnership_id and self.type.partnership_id != self.partnership_id:
            errors["type"] = "Choose a group type of this partnership."
        if self.parent_id:
            if self.pk and self.parent_id == self.pk:
                errors["parent"] = "A group cannot escalate to itself."
            else:
                ancestor = self.parent
                while ancestor is not None:
                    if self.pk and ancestor.pk == self.pk:
                        errors["parent"] = "A group cannot escalate to one of the groups below it."
                        break
                    ancestor = ancestor.parent
            if self.partnership_id and self.parent.partnership_id != self.partnership_id:
                errors["parent"] = "The group it escalates to must be in the same partnership."
        if self.closed_on and self.established_on and self.closed_on < self.established_on:
            errors["closed_on"] = "A group cannot close before it was established."
        if errors:
            raise ValidationError(errors)


class MembershipQuerySet(models.QuerySet):
    def current(self, on: dt.date | None = None) -> "MembershipQuerySet":
        on = on or timezone.localdate()
        return self.filter(start_date__lte=on).filter(
            models.Q(end_date__isnull=True) | models.Q(end_date__gte=on)
        )


class Membership(models.Model):
    """A person's place in a group: their role, whom they represent, and when."""

    class Role(models.TextChoices):
        CHAIR = "chair", "Chair"
        VICE_CHAIR = "vice_chair", "Vice-chair"
        NOTE_TAKER = "note_taker", "Note taker"
        TREASURER = "treasurer", "Treasurer"
        MEMBER = "member", "Member"
        AGENCY_REPRESENTATIVE = "agency_representative", "Agency representative"
        SUPPORT_OFFICER = "support_officer", "Facilitator or support officer"
        COMMUNITY_LEAD = "community_lead", "Community lead"

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices, default=Role.MEMBER)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
        help_text="The organisation they represent in this group, if any.",
    )
    stakeholder_kind = models.ForeignKey(
        StakeholderKind,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="memberships",
        help_text="What they count as for representation (defaults to their organisation's kind).",
    )
    start_date = models.DateField(default=timezone.localdate)
    end_date = models.DateField(null=True, blank=True)

    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["group", "role", "person__name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="partnership_membership_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_role_display()}, {self.group}"

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return self.start_date <= today and (self.end_date is None or self.end_date >= today)

    @property
    def effective_stakeholder_kind(self) -> StakeholderKind | None:
        if self.stakeholder_kind_id:
            return self.stakeholder_kind
        return self.organisation.stakeholder_kind if self.organisation_id else None

    def clean(self) -> None:
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date must be on or after the start date."})
