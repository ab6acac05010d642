"""Events, "you said, we did" updates, subscriptions and newsletters.

A neighbourhood is a places ``Area``: its page gathers what the groups working in it
publish. Events belong to a group (a beat surgery series is one ``EventSeries`` whose
occurrences are ordinary events, so one can be cancelled on its own). Updates and
newsletters belong to a group too; subscriptions to an area.
"""

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from tandem.actionplans.models import Action
from tandem.partnership.models import Group
from tandem.places.models import Area
from tandem.problems.models import Problem

__all__ = [
    "Event",
    "EventSeries",
    "Newsletter",
    "NewsletterDelivery",
    "Subscription",
    "Update",
    "new_token",
]


def new_token() -> str:
    """An unguessable token for a subscriber's links (256 bits)."""
    return secrets.token_urlsafe(32)


class EventKind(models.TextChoices):
    COMMUNITY_SAFETY = "community_safety", "Community safety event"
    CONSULTATION = "consultation", "Consultation or information event"
    OPEN_MEETING = "open_meeting", "Annual open meeting"
    BEAT_SURGERY = "beat_surgery", "Beat surgery"


class EventSeries(models.Model):
    """A repeating event, such as a PCSO's beat surgery every other Saturday morning."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", "Every week"
        FORTNIGHTLY = "fortnightly", "Every two weeks"
        MONTHLY = "monthly", "Every month"

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="event_series")
    frequency = models.CharField(max_length=20, choices=Frequency.choices)
    weekday = models.PositiveSmallIntegerField()
    week_of_month = models.SmallIntegerField(null=True, blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "event series"

    def __str__(self) -> str:
        return f"{self.group}: {self.get_frequency_display().lower()} from {self.starts_on}"


class Event(models.Model):
    Kind = EventKind

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="events")
    series = models.ForeignKey(
        EventSeries, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    description = models.TextField(blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    venue_name = models.CharField("place", max_length=200)
    venue_address = models.TextField("address", blank=True)
    hosts = models.CharField(
        "who will be there",
        max_length=300,
        blank=True,
        help_text="For example, PCSO Jo Smith and Councillor Sam Patel",
    )
    accessibility_notes = models.TextField(blank=True)
    is_cancelled = models.BooleanField(default=False)
    cancellation_reason = models.TextField(blank=True)
    # iCalendar identity, as for meetings: the UID never changes, SEQUENCE goes up on change.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["group", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="community_event_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}, {timezone.localtime(self.starts_at):%-d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("community:event-detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "The event must end after it starts."})


class Update(models.Model):
    """A "you said, we did" update: what residents raised and what the group did about it."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="community_updates")
    title = models.CharField(max_length=200)
    you_said = models.TextField("you said", help_text="What residents told the group.")
    we_did = models.TextField("we did", help_text="What was done, and what changed.")
    problem = models.ForeignKey(
        Problem, null=True, blank=True, on_delete=models.SET_NULL, related_name="community_updates"
    )
    action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.SET_NULL, related_name="community_updates"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["group", "status", "-published_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("community:update-detail", kwargs={"pk": self.pk})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Subscription(models.Model):
    """An email address that asked for a neighbourhood's news. Nothing is sent to it but the
    confirmation request until it is confirmed; every email carries its unsubscribe link."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="subscriptions")
    email = models.EmailField()
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["area", "email"], name="community_subscription_once"),
        ]
        indexes = [models.Index(fields=["area", "status"])]

    def __str__(self) -> str:
        return f"Subscription to {self.area_id} ({self.get_status_display()})"


class Newsletter(models.Model):
    """A group's newsletter made of its updates: a web page, an email and a printed flier."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="newsletters")
    title = models.CharField(max_length=200)
    introduction = models.TextField(blank=True)
    updates = models.ManyToManyField(Update, related_name="newsletters")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("community:newsletter-detail", kwargs={"pk": self.pk})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class NewsletterDelivery(models.Model):
    """One newsletter to one confirmed subscriber: queued, then sent or failed (with why)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    newsletter = models.ForeignKey(Newsletter, on_delete=models.CASCADE, related_name="deliveries")
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    email = models.EmailField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name_plural = "newsletter deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["newsletter", "subscription"], name="community_delivery_once_per_subscriber"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.newsletter} to subscriber {self.subscription_id}: {self.get_status_display()}"
