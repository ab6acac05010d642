"""Meetings of a group: schedule, agenda and papers, circulation, attendance, minutes.

Minutes are recorded per agenda item (points noted), with decisions ("RESOLVED
that …") and actions arising kept as rows so that the action plan can take them
over without re-typing. Minutes stay draft until a decision of a later meeting
approves them; after approval they change only through a recorded correction.
"""

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from tandem.partnership.models import Group, Organisation, Person


class MeetingSettings(models.Model):
    """How a group runs its meetings: circulation deadline, quorum, standing agenda items."""

    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="meeting_settings")
    circulation_clear_days = models.PositiveSmallIntegerField(
        default=5,
        help_text="Clear days before a meeting by which its agenda must be circulated "
        "(not counting the day of circulation or the day of the meeting).",
    )
    quorum = models.PositiveSmallIntegerField(
        default=3, help_text="How many members must be present for the meeting to take decisions."
    )
    standing_items = models.JSONField(
        default=list,
        blank=True,
        help_text="Keys of the standing items every new agenda starts with (see AgendaItem.Standing).",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "meeting settings"

    def __str__(self) -> str:
        return f"Meeting settings for {self.group}"


class MeetingSeries(models.Model):
    """A repeating pattern of meetings: "second Tuesday of each month, 18:00–20:00"."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", "Every week"
        FORTNIGHTLY = "fortnightly", "Every two weeks"
        MONTHLY = "monthly", "Every month"
        BIMONTHLY = "bimonthly", "Every two months"
        QUARTERLY = "quarterly", "Every three months"

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="meeting_series")
    frequency = models.CharField(max_length=20, choices=Frequency.choices, default=Frequency.MONTHLY)
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    week_of_month = models.SmallIntegerField(
        null=True,
        blank=True,
        help_text="For monthly patterns: 1 to 4 for the first to fourth, -1 for the last.",
    )
    start_time = models.TimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=120)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "meeting series"

    def __str__(self) -> str:
        return f"{self.group}: {self.describe()}"

    def describe(self) -> str:
        day = self.get_weekday_display()
        end = (
            dt.datetime.combine(dt.date(2000, 1, 1), self.start_time)
            + dt.timedelta(minutes=self.duration_minutes)
        ).time()
        times = f"{self.start_time:%H:%M}–{end:%H:%M}"
        if self.frequency in (self.Frequency.WEEKLY, self.Frequency.FORTNIGHTLY):
            return f"{self.get_frequency_display().lower()} on {day}, {times}"
        ordinal = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}.get(
            self.week_of_month or 1, "first"
        )
        period = {"monthly": "each month", "bimonthly": "every two months", "quarterly": "every three months"}
        return f"{ordinal} {day} of {period[self.frequency]}, {times}"


class Meeting(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"

    class MinutesStatus(models.TextChoices):
        NONE = "none", "Not started"
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved"

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="meetings")
    series = models.ForeignKey(
        MeetingSeries, null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings"
    )
    title = models.CharField(max_length=200, blank=True, help_text="Leave blank to use the group's name.")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    venue_name = models.CharField(max_length=200, blank=True)
    venue_address = models.TextField(blank=True)
    venue_access_notes = models.TextField(blank=True)
    online_link = models.URLField(blank=True, help_text="A link to join online, if the meeting is hybrid.")
    is_public = models.BooleanField(
        default=True, help_text="Public meetings are listed on the public site with their public agenda."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    cancellation_reason = models.TextField(blank=True)
    # iCalendar identity: the UID never changes; SEQUENCE goes up on every change attendees see.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    circulated_at = models.DateTimeField(null=True, blank=True)
    minutes_status = models.CharField(
        max_length=20, choices=MinutesStatus.choices, default=MinutesStatus.NONE
    )
    minutes_approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["group", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="meetings_meeting_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{self.display_title}, {local:%-d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting-detail", kwargs={"pk": self.pk})

    @property
    def display_title(self) -> str:
        return self.title or f"{self.group.name} meeting"

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    def circulation_deadline(self, clear_days: int) -> dt.date:
        """The last day the agenda may go out: `clear_days` whole days between it and the meeting."""
        return timezone.localtime(self.starts_at).date() - dt.timedelta(days=clear_days + 1)

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The meeting must end after it starts."})


class AgendaItem(models.Model):
    class Standing(models.TextChoices):
        APOLOGIES = "apologies", "Apologies for absence"
        PREVIOUS_MINUTES = "previous_minutes", "Minutes of the last meeting"
        MATTERS_ARISING = "matters_arising", "Matters arising"
        PRIORITIES = "priorities", "The group's priorities"
        ACTION_PLAN_REVIEW = "action_plan_review", "Action plan review"
        ANY_OTHER_BUSINESS = "any_other_business", "Any other business"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    standing = models.CharField(max_length=30, choices=Standing.choices, blank=True)
    presenter = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="agenda_items"
    )
    presenter_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="agenda_items"
    )
    minutes_allowed = models.PositiveSmallIntegerField(null=True, blank=True)
    is_confidential = models.BooleanField(
        default=False,
        help_text="Confidential items (personal data about individuals) never appear on public "
        "pages, feeds, public PDFs or the API.",
    )
    # Minutes for this item: the points noted. Decisions and actions arising are rows below.
    minutes = models.TextField("points noted", blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "position", "pk"]

    def __str__(self) -> str:
        return self.title


def paper_upload_to(paper: "Paper", filename: str) -> str:
    return f"papers/{paper.item.meeting_id}/{uuid.uuid4().hex}/{filename}"


class Paper(models.Model):
    """A document linked to an agenda item (a report, a map, last meeting's minutes)."""

    ALLOWED_TYPES = {
        ".pdf": "application/pdf",
        ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".odt": "application/vnd.oasis.opendocument.text",
        ".ods": "application/vnd.oasis.opendocument.spreadsheet",
        ".csv": "text/csv",
        ".txt": "text/plain",
        ".png": "image/png",
        ".jpg": "image/jpeg",
        ".jpeg": "image/jpeg",
    }
    MAX_BYTES = 20 * 1024 * 1024

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="papers")
    title = models.CharField(max_length=300)
    file = models.FileField(upload_to=paper_upload_to, max_length=500)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "pk"]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        APOLOGIES = "apologies", "Apologies"
        ABSENT = "absent", "Absent"
        GUEST = "guest", "Guest"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="attendance"
    )
    guest_name = models.CharField(max_length=150, blank=True, help_text="For a guest with no person record.")
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attendance",
        help_text="The organisation they represented at this meeting.",
    )
    status = models.CharField(max_length=20, choices=Status.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "status", "person__name", "guest_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"],
                condition=models.Q(person__isnull=False),
                name="meetings_attendance_once_per_person",
            ),
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | ~models.Q(guest_name=""),
                name="meetings_attendance_person_or_guest",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person or self.guest_name}: {self.get_status_display()}"


class Decision(models.Model):
    """A decision in a meeting's minutes: "RESOLVED that …", with the vote if there was one."""

    class Kind(models.TextChoices):
        RESOLUTION = "resolution", "Resolution"
        MINUTES_APPROVAL = "minutes_approval", "Approval of minutes"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.RESOLUTION)
    text = models.TextField(help_text='What was decided, e.g. "RESOLVED that the Panel …".')
    votes_for = models.PositiveSmallIntegerField(null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField(null=True, blank=True)
    abstentions = models.PositiveSmallIntegerField(null=True, blank=True)
    approves_minutes_of = models.OneToOneField(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approved_by_decision",
        help_text="For an approval of minutes: the earlier meeting whose minutes this approves.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class ActionArising(models.Model):
    """An action arising from a meeting: what, who leads, by when. The action plan takes these over."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions_arising")
    item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions_arising"
    )
    description = models.TextField("action")
    lead = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions_arising"
    )
    lead_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions_arising"
    )
    due_on = models.DateField("to be done by", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "pk"]
        verbose_name_plural = "actions arising"

    def __str__(self) -> str:
        return self.description[:80]


class MinutesCorrection(models.Model):
    """A change to minutes after their approval: never silent, always recorded."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="corrections")
    item = models.ForeignKey(AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField()
    previous_text = models.TextField(blank=True)
    new_text = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "recorded_at"]

    def __str__(self) -> str:
        return f"Correction to {self.meeting}"


class Circulation(models.Model):
    """One email about a meeting to one recipient. Unique per meeting, person, kind and sequence,
    so sending again never sends twice; failures are kept with their error and retried."""

    class Kind(models.TextChoices):
        AGENDA = "agenda", "Agenda"
        CHANGE = "change", "Meeting moved"
        CANCELLATION = "cancellation", "Meeting cancelled"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="circulations")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="circulations")
    email = models.EmailField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    sequence = models.PositiveIntegerField(help_text="The meeting's SEQUENCE when this was queued.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    queued_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "person__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person", "kind", "sequence"], name="meetings_circulation_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.email}: {self.get_status_display()}"
