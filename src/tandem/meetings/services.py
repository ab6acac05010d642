"""Changes to a group's meetings: scheduling, series, moving, cancelling, settings, the agenda and papers.

Each service is keyword-only, runs in one transaction, validates with ``full_clean()``
(raising ``ValidationError``) and saves only what it changed. Attendees are told about
moves and cancellations through ``tandem.meetings.circulation`` once the agenda is out.
"""

import calendar
import datetime as dt
import logging
import zipfile
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tandem.meetings.models import AgendaItem, Meeting, MeetingSeries, MeetingSettings, Paper
from tandem.meetings.selectors import standing_item_keys
from tandem.partnership.models import Group, Membership, Organisation, Person
from tandem.partnership.services import apply_changes

logger = logging.getLogger(__name__)

MAX_SERIES_MEETINGS = 104
MONTH_STEPS = {
    MeetingSeries.Frequency.MONTHLY: 1,
    MeetingSeries.Frequency.BIMONTHLY: 2,
    MeetingSeries.Frequency.QUARTERLY: 3,
}
DAY_STEPS = {MeetingSeries.Frequency.WEEKLY: 7, MeetingSeries.Frequency.FORTNIGHTLY: 14}

PAPER_TYPE_MESSAGE = "The file must be a PDF, Word, Excel, OpenDocument, CSV, text, PNG or JPEG file"
PAPER_SIZE_MESSAGE = f"The file must be smaller than {Paper.MAX_BYTES // (1024 * 1024)} MB"
# Content types browsers send for these files besides the canonical one.
PAPER_TYPE_ALIASES = {
    ".csv": {
        "application/vnd.ms-excel",
        "text/plain",
        "application/csv",
        "text/x-csv",
        "text/comma-separated-values",
    },
    ".jpg": {"image/pjpeg"},
    ".jpeg": {"image/pjpeg"},
}

MEETING_FIELDS = {
    "title",
    "starts_at",
    "ends_at",
    "venue_name",
    "venue_address",
    "venue_access_notes",
    "online_link",
    "is_public",
}
# Changing one of these changes what attendees have in their calendars.
CALENDAR_FIELDS = {"title", "starts_at", "ends_at", "venue_name", "venue_address", "online_link"}
ITEM_FIELDS = {
    "title",
    "description",
    "presenter",
    "presenter_organisation",
    "minutes_allowed",
    "is_confidential",
}


def _set_history_user(instance, by) -> None:
    if by is not None and getattr(by, "is_authenticated", False):
        instance._history_user = by


def _notify(meeting: Meeting, name: str, by=None) -> None:
    """Tell attendees through the circulation module (written separately); log if it is missing."""
    try:
        from tandem.meetings import circulation
    except ImportError:
        logger.warning("meetings.circulation is missing: attendees of meeting %s were not told", meeting.pk)
        return
    notify = getattr(circulation, name, None)
    if notify is None:
        logger.warning(
            "meetings.circulation.%s is missing: attendees of meeting %s were not told", name, meeting.pk
        )
        return
    notify(meeting=meeting, by=by)


# --- Scheduling -----------------------------------------------------------------------


def _standing_items(meeting: Meeting) -> None:
    group = meeting.group
    keys = standing_item_keys(group)
    for position, key in enumerate(keys, start=1):
        AgendaItem.objects.create(
            meeting=meeting, position=position, standing=key, title=AgendaItem.Standing(key).label
        )


@transaction.atomic
def meeting_schedule(
    *,
    group: Group,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    venue_name: str | None = None,
    venue_address: str | None = None,
    venue_access_notes: str | None = None,
    online_link: str = "",
    is_public: bool | None = None,
    title: str = "",
    series: MeetingSeries | None = None,
    by=None,
) -> Meeting:
    """A new meeting of the group, its venue defaulting to the group's, its agenda starting
    with the group's standing items."""
    if not group.is_open:
        raise ValidationError("This group has closed, so it cannot schedule meetings.")
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ValueError("Meeting times must be aware datetimes")
    if is_public is None:
        is_public = group.is_public and group.type.public_may_attend
    meeting = Meeting(
        group=group,
        series=series,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        venue_name=group.venue_name if venue_name is None else venue_name,
        venue_address=group.venue_address if venue_address is None else venue_address,
        venue_access_notes=group.venue_access_notes if venue_access_notes is None else venue_access_notes,
        online_link=online_link,
        is_public=is_public,
    )
    meeting.full_clean()
    _set_history_user(meeting, by)
    meeting.save()
    _standing_items(meeting)
    return meeting


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> dt.date | None:
    """The nth (1–4, or -1 for the last) given weekday of a month."""
    days = [
        dt.date(year, month, day)
        for day in range(1, calendar.monthrange(year, month)[1] + 1)
        if dt.date(year, month, day).weekday() == weekday
    ]
    if nth == -1:
        return days[-1]
    return days[nth - 1] if 1 <= nth <= len(days) else None


def series_dates(
    *,
    frequency: str,
    weekday: int,
    week_of_month: int | None,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    count: int | None = None,
    skip_before: dt.date | None = None,
    limit: int = MAX_SERIES_MEETINGS,
) -> list[dt.date]:
    """The dates a pattern gives from ``starts_on``: until ``ends_on`` or ``count`` dates,
    a year when neither is given, never more than ``limit``. Dates before ``skip_before``
    (already past) are left out and not counted."""
    skip_before = max(starts_on, skip_before or starts_on)
    if ends_on is None and count is None:
        ends_on = _add_months(starts_on, 12) - dt.timedelta(days=1)
    wanted = min(count or limit, limit)
    dates: list[dt.date] = []
    if frequency in DAY_STEPS:
        day = starts_on + dt.timedelta(days=(weekday - starts_on.weekday()) % 7)
        while len(dates) < wanted and (ends_on is None or day <= ends_on):
            if day >= skip_before:
                dates.append(day)
            day += dt.timedelta(days=DAY_STEPS[frequency])
        return dates
    step = MONTH_STEPS[frequency]
    year, month = starts_on.year, starts_on.month
    for _ in range(limit * step + 12 * 50):
        if len(dates) >= wanted:
            break
        day = _nth_weekday(year, month, weekday, week_of_month or 1)
        if day is not None and ends_on is not None and day > ends_on:
            break
        if day is not None and day >= skip_before:
            dates.append(day)
        month += step
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return dates


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def series_times(series: MeetingSeries, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Start and end of a series' meeting on a day: local wall-clock times, whatever the clocks did."""
    start = dt.datetime.combine(day, series.start_time)
    end = start + dt.timedelta(minutes=series.duration_minutes)
    return timezone.make_aware(start), timezone.make_aware(end)


def _check_series(*, frequency, weekday, week_of_month, duration_minutes, starts_on, ends_on, count) -> None:
    errors = {}
    if frequency not in MeetingSeries.Frequency.values:
        errors["frequency"] = "Select how often the group meets"
    if weekday not in MeetingSeries.Weekday.values:
        errors["weekday"] = "Select the day of the week"
    if frequency in MONTH_STEPS and week_of_month not in (1, 2, 3, 4, -1):
        errors["week_of_month"] = "Select which week of the month"
    if not duration_minutes or not 1 <= duration_minutes <= 24 * 60:
        errors["duration_minutes"] = "A meeting must last between 1 minute and 24 hours"
    if ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = "The last date must be on or after the first date"
    if count is not None and not 1 <= count <= MAX_SERIES_MEETINGS:
        errors["count"] = f"Enter a number of meetings between 1 and {MAX_SERIES_MEETINGS}"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def series_create(
    *,
    group: Group,
    frequency: str,
    weekday: int,
    week_of_month: int | None,
    start_time: dt.time,
    duration_minutes: int,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    count: int | None = None,
    by=None,
) -> tuple[MeetingSeries, list[Meeting]]:
    """A repeating pattern and its meetings from ``starts_on``; dates already past are skipped."""
    _check_series(
        frequency=frequency,
        weekday=weekday,
        week_of_month=week_of_month,
        duration_minutes=duration_minutes,
        starts_on=starts_on,
        ends_on=ends_on,
        count=count,
    )
    series = MeetingSeries(
        group=group,
        frequency=frequency,
        weekday=weekday,
        week_of_month=week_of_month if frequency in MONTH_STEPS else None,
        start_time=start_time,
        duration_minutes=duration_minutes,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    series.full_clean()
    _set_history_user(series, by)
    series.save()
    meetings = []
    now = timezone.now()
    for day in series_dates(
        frequency=frequency,
        weekday=weekday,
        week_of_month=week_of_month,
        starts_on=starts_on,
        ends_on=ends_on,
        count=count,
        skip_before=timezone.localdate(),
    ):
        starts_at, ends_at = series_times(series, day)
        if starts_at < now:
            continue
        meetings.append(
            meeting_schedule(group=group, starts_at=starts_at, ends_at=ends_at, series=series, by=by)
        )
    if not meetings:
        raise ValidationError("The pattern gives no meetings in the future: check the dates.")
    if series.ends_on is None:
        series.ends_on = timezone.localtime(meetings[-1].starts_at).date()
        series.save(update_fields=["ends_on"])
    return series, meetings


@transaction.atomic
def meeting_move(*, meeting: Meeting, by=None, **data: Any) -> list[str]:
    """Change a meeting's time, venue or details. Attendees see a new SEQUENCE in their
    calendars and, if the agenda is out, are told."""
    if meeting.is_cancelled:
        raise ValidationError("This meeting has been cancelled, so it cannot be changed.")
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    changed = apply_changes(meeting, allowed=MEETING_FIELDS, data=data)
    if not changed:
        return []
    meeting.full_clean()
    notify = bool(set(changed) & CALENDAR_FIELDS)
    if notify:
        meeting.sequence += 1
        changed.append("sequence")
    _set_history_user(meeting, by)
    meeting.save(update_fields=[*changed, "updated_at"])
    if notify and meeting.circulated_at:
        _notify(meeting, "meeting_notify_change", by)
    return changed


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, reason: str, by=None) -> Meeting:
    """Cancel a meeting with a reason; calendars show it cancelled and, if the agenda is out,
    attendees are told."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise ValidationError("This meeting has already been cancelled.")
    if meeting.minutes_status != Meeting.MinutesStatus.NONE:
        raise ValidationError("Minutes have been recorded for this meeting, so it cannot be cancelled.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"cancellation_reason": "Enter the reason for cancelling the meeting"})
    meeting.status = Meeting.Status.CANCELLED
    meeting.cancellation_reason = reason
    meeting.sequence += 1
    meeting.full_clean()
    _set_history_user(meeting, by)
    meeting.save(update_fields=["status", "cancellation_reason", "sequence", "updated_at"])
    if meeting.circulated_at:
        _notify(meeting, "meeting_notify_cancellation", by)
    return meeting


@transaction.atomic
def meeting_settings_update(
    *, group: Group, circulation_clear_days: int, quorum: int, standing_items: list[str], by=None
) -> MeetingSettings:
    unknown = set(standing_items) - set(AgendaItem.Standing.values)
    if unknown:
        raise ValidationError({"standing_items": "Select standing items from the list"})
    if circulation_clear_days > 60:
        raise ValidationError({"circulation_clear_days": "Enter a number of days of 60 or fewer"})
    order = AgendaItem.Standing.values
    settings, _ = MeetingSettings.objects.get_or_create(group=group)
    settings.circulation_clear_days = circulation_clear_days
    settings.quorum = quorum
    settings.standing_items = sorted(set(standing_items), key=order.index)
    settings.full_clean()
    _set_history_user(settings, by)
    settings.save()
    return settings


# --- The agenda -----------------------------------------------------------------------


def _check_agenda_open(meeting: Meeting) -> None:
    if meeting.is_cancelled:
        raise ValidationError("This meeting has been cancelled, so its agenda cannot change.")
    if meeting.minutes_status == Meeting.MinutesStatus.APPROVED:
        raise ValidationError("The minutes of this meeting are approved, so its agenda cannot change.")


def _check_presenter(meeting: Meeting, presenter: Person | None) -> None:
    if presenter is None:
        return
    if not Membership.objects.current().filter(group_id=meeting.group_id, person=presenter).exists():
        raise ValidationError({"presenter": "Choose a current member of the group"})


def _renumber(items: list[AgendaItem]) -> None:
    for position, item in enumerate(items, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])


@transaction.atomic
def agenda_item_add(
    *,
    meeting: Meeting,
    title: str,
    description: str = "",
    presenter: Person | None = None,
    presenter_organisation: Organisation | None = None,
    minutes_allowed: int | None = None,
    is_confidential: bool = False,
    standing: str = "",
    by=None,
) -> AgendaItem:
    """A new item, placed last but before any other business."""
    _check_agenda_open(meeting)
    _check_presenter(meeting, presenter)
    items = list(AgendaItem.objects.select_for_update().filter(meeting=meeting).order_by("position", "pk"))
    item = AgendaItem(
        meeting=meeting,
        title=title,
        description=description,
        presenter=presenter,
        presenter_organisation=presenter_organisation,
        minutes_allowed=minutes_allowed,
        is_confidential=is_confidential,
        standing=standing,
        position=len(items) + 1,
    )
    item.full_clean()
    _set_history_user(item, by)
    item.save()
    tail = []
    while items and items[-1].standing == AgendaItem.Standing.ANY_OTHER_BUSINESS:
        tail.insert(0, items.pop())
    _renumber([*items, item, *tail])
    item.refresh_from_db(fields=["position"])
    return item


@transaction.atomic
def agenda_item_update(*, item: AgendaItem, data: dict[str, Any], by=None) -> list[str]:
    _check_agenda_open(item.meeting)
    if "presenter" in data:
        _check_presenter(item.meeting, data["presenter"])
    changed = apply_changes(item, allowed=ITEM_FIELDS, data=data)
    if changed:
        item.full_clean()
        _set_history_user(item, by)
        item.save(update_fields=changed)
    return changed


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, direction: str) -> AgendaItem:
    """Move an item one place up or down the agenda; positions are renumbered 1, 2, 3 …"""
    if direction not in ("up", "down"):
        raise ValidationError("Choose to move the item up or down")
    _check_agenda_open(item.meeting)
    items = list(
        AgendaItem.objects.select_for_update().filter(meeting_id=item.meeting_id).order_by("position", "pk")
    )
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    _renumber(items)
    item.refresh_from_db(fields=["position"])
    return item


def item_has_minutes(item: AgendaItem) -> bool:
    return bool(item.minutes.strip()) or item.decisions.exists() or item.actions_arising.exists()


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem) -> None:
    """Remove an item and its papers; refused once minutes were recorded against it."""
    _check_agenda_open(item.meeting)
    if item_has_minutes(item):
        raise ValidationError("Minutes have been recorded against this item, so it cannot be removed.")
    files = [paper.file for paper in item.papers.all()]
    meeting_id = item.meeting_id
    item.delete()
    _renumber(list(AgendaItem.objects.filter(meeting_id=meeting_id).order_by("position", "pk")))
    transaction.on_commit(lambda: [f.delete(save=False) for f in files])


# --- Papers ---------------------------------------------------------------------------


def _head(uploaded_file, size: int = 8192) -> bytes:
    uploaded_file.seek(0)
    head = uploaded_file.read(size)
    uploaded_file.seek(0)
    return head


def _zip_names(uploaded_file) -> tuple[set[str], bytes]:
    """The names in an Office/OpenDocument zip and its ``mimetype`` entry (empty when not a zip)."""
    uploaded_file.seek(0)
    try:
        with zipfile.ZipFile(uploaded_file) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype") if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return set(), b""
    finally:
        uploaded_file.seek(0)
    return names, mimetype


def _content_matches(uploaded_file, extension: str) -> bool:
    """Whether the first bytes (and for zips, the contents) are what the extension says."""
    head = _head(uploaded_file)
    if extension == ".pdf":
        return head.startswith(b"%PDF-")
    if extension == ".png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in (".jpg", ".jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if extension in (".docx", ".xlsx", ".odt", ".ods"):
        if not head.startswith(b"PK\x03\x04"):
            return False
        names, mimetype = _zip_names(uploaded_file)
        if extension == ".docx":
            return "[Content_Types].xml" in names and any(n.startswith("word/") for n in names)
        if extension == ".xlsx":
            return "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names)
        return mimetype.strip() == Paper.ALLOWED_TYPES[extension].encode()
    if extension in (".csv", ".txt"):
        if b"\x00" in head or head.startswith(b"MZ"):
            return False
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            # A multi-byte character cut at the end of the sample is fine; anything else is not text.
            if exc.start < len(head) - 4:
                try:
                    head.decode("cp1252")
                except UnicodeDecodeError:
                    return False
        return True
    return False


def paper_check(uploaded_file) -> tuple[str, str]:
    """(extension, content type to store) for an acceptable upload, or ValidationError on ``file``."""
    name = Path(getattr(uploaded_file, "name", "") or "").name
    extension = Path(name).suffix.lower()
    if extension not in Paper.ALLOWED_TYPES:
        raise ValidationError({"file": PAPER_TYPE_MESSAGE})
    expected = Paper.ALLOWED_TYPES[extension]
    declared = (getattr(uploaded_file, "content_type", "") or "").split(";")[0].strip().lower()
    if declared not in {expected, *PAPER_TYPE_ALIASES.get(extension, set())}:
        raise ValidationError({"file": PAPER_TYPE_MESSAGE})
    if not uploaded_file.size:
        raise ValidationError({"file": "The selected file is empty"})
    if uploaded_file.size > Paper.MAX_BYTES:
        raise ValidationError({"file": PAPER_SIZE_MESSAGE})
    if not _content_matches(uploaded_file, extension):
        raise ValidationError({"file": PAPER_TYPE_MESSAGE})
    return extension, expected


@transaction.atomic
def paper_add(*, item: AgendaItem, uploaded_file, title: str = "", by=None) -> Paper:
    """Attach a paper to an agenda item, after checking its type (name, declared type and
    first bytes) and size."""
    _check_agenda_open(item.meeting)
    _, content_type = paper_check(uploaded_file)
    title = (title or "").strip() or Path(uploaded_file.name).stem[:300]
    paper = Paper(
        item=item,
        title=title,
        file=uploaded_file,
        content_type=content_type,
        size=uploaded_file.size,
        uploaded_by=by if getattr(by, "is_authenticated", False) else None,
    )
    paper.full_clean()
    paper.save()
    return paper
