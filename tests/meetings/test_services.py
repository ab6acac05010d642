"""The meetings services: scheduling, series, moving, cancelling, the agenda and papers."""

import calendar
import datetime as dt
import io
import zipfile
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tandem.meetings import selectors, services
from tandem.meetings.models import AgendaItem, Decision, Meeting, MeetingSeries, MeetingSettings, Paper
from tests.factories import make_meeting

LONDON = ZoneInfo("Europe/London")
S = AgendaItem.Standing


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _at(day: dt.date, hour: int = 18) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _future(days: int = 30) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


# --- Scheduling --------------------------------------------------------------------------


def test_a_meeting_takes_the_groups_venue_and_public_setting(cast):
    starts = _at(_future())
    meeting = services.meeting_schedule(
        group=cast.group, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), by=cast.officer
    )
    assert meeting.venue_name == "Oakfield Village Hall"
    assert meeting.is_public  # a public group whose type lets the public attend
    board_meeting = services.meeting_schedule(
        group=cast.board, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), by=cast.officer
    )
    assert not board_meeting.is_public  # the board's type does not let the public attend


def test_a_new_agenda_starts_with_the_default_standing_items_any_other_business_last(cast):
    starts = _at(_future())
    meeting = services.meeting_schedule(
        group=cast.group, starts_at=starts, ends_at=starts + dt.timedelta(hours=2)
    )
    assert [i.standing for i in meeting.items.order_by("position")] == [
        S.APOLOGIES,
        S.PREVIOUS_MINUTES,
        S.MATTERS_ARISING,
        S.ACTION_PLAN_REVIEW,
        S.ANY_OTHER_BUSINESS,
    ]
    assert [i.position for i in meeting.items.order_by("position")] == [1, 2, 3, 4, 5]


def test_a_group_that_sets_priorities_gets_a_priorities_item(cast):
    cast.lag_type.priorities_per_period = 3
    cast.lag_type.save()
    starts = _at(_future())
    meeting = services.meeting_schedule(
        group=cast.group, starts_at=starts, ends_at=starts + dt.timedelta(hours=2)
    )
    keys = list(meeting.items.order_by("position").values_list("standing", flat=True))
    assert keys.index(S.PRIORITIES) == 3 and keys[-1] == S.ANY_OTHER_BUSINESS


def test_the_groups_own_standing_items_are_used_in_the_usual_order(cast):
    services.meeting_settings_update(
        group=cast.group,
        circulation_clear_days=7,
        quorum=4,
        standing_items=["any_other_business", "apologies"],
    )
    starts = _at(_future())
    meeting = services.meeting_schedule(
        group=cast.group, starts_at=starts, ends_at=starts + dt.timedelta(hours=2)
    )
    assert list(meeting.items.values_list("standing", flat=True)) == ["apologies", "any_other_business"]


def test_settings_refuse_unknown_standing_items(cast):
    with pytest.raises(ValidationError):
        services.meeting_settings_update(
            group=cast.group, circulation_clear_days=5, quorum=3, standing_items=["x"]
        )
    assert not MeetingSettings.objects.exists()


def test_a_meeting_must_end_after_it_starts(cast):
    starts = _at(_future())
    with pytest.raises(ValidationError):
        services.meeting_schedule(group=cast.group, starts_at=starts, ends_at=starts)
    assert not Meeting.objects.exists()


# --- Series ------------------------------------------------------------------------------


def test_second_tuesday_for_twelve_months_keeps_18_00_across_the_clock_changes(cast):
    year = timezone.localdate().year + 1
    series, meetings = services.series_create(
        group=cast.group,
        frequency=MeetingSeries.Frequency.MONTHLY,
        weekday=MeetingSeries.Weekday.TUESDAY,
        week_of_month=2,
        start_time=dt.time(18, 0),
        duration_minutes=120,
        starts_on=dt.date(year, 9, 1),
    )
    assert len(meetings) == 12
    months = [(year, m) for m in range(9, 13)] + [(year + 1, m) for m in range(1, 9)]
    expected = [
        next(dt.date(y, m, d) for d in range(8, 15) if dt.date(y, m, d).weekday() == calendar.TUESDAY)
        for y, m in months
    ]
    assert [m.starts_at.astimezone(LONDON).date() for m in meetings] == expected
    for meeting in meetings:
        local_start, local_end = meeting.starts_at.astimezone(LONDON), meeting.ends_at.astimezone(LONDON)
        assert (local_start.hour, local_start.minute, local_end.hour) == (18, 0, 20)
        summer = local_start.dst() != dt.timedelta(0)
        assert meeting.starts_at.astimezone(dt.UTC).hour == (17 if summer else 18)
        assert meeting.series == series
    # September is summer time, December winter time: the clocks did change in between
    assert meetings[0].starts_at.astimezone(dt.UTC).hour == 17
    assert meetings[3].starts_at.astimezone(dt.UTC).hour == 18
    assert "second Tuesday of each month, 18:00–20:00" in series.describe()


def test_the_last_thursday_of_the_month(cast):
    year = timezone.localdate().year + 1
    _, meetings = services.series_create(
        group=cast.group,
        frequency="monthly",
        weekday=3,
        week_of_month=-1,
        start_time=dt.time(19, 0),
        duration_minutes=90,
        starts_on=dt.date(year, 1, 1),
        count=6,
    )
    dates = [m.starts_at.astimezone(LONDON).date() for m in meetings]
    assert len(dates) == 6
    for day in dates:
        assert day.weekday() == 3
        assert day.day > calendar.monthrange(day.year, day.month)[1] - 7


def test_fortnightly_meetings_are_two_weeks_apart(cast):
    _, meetings = services.series_create(
        group=cast.group,
        frequency="fortnightly",
        weekday=0,
        week_of_month=None,
        start_time=dt.time(10, 0),
        duration_minutes=60,
        starts_on=_future(),
        count=5,
    )
    dates = [m.starts_at.astimezone(LONDON).date() for m in meetings]
    assert all(d.weekday() == 0 for d in dates)
    assert {(b - a).days for a, b in zip(dates, dates[1:], strict=False)} == {14}


def test_a_series_skips_dates_already_past(cast):
    today = timezone.localdate()
    _, meetings = services.series_create(
        group=cast.group,
        frequency="weekly",
        weekday=today.weekday(),
        week_of_month=None,
        start_time=dt.time(23, 59),
        duration_minutes=1,
        starts_on=today - dt.timedelta(days=60),
        count=3,
    )
    assert len(meetings) == 3
    assert all(m.starts_at > timezone.now() for m in meetings)


def test_a_monthly_series_needs_the_week_of_the_month(cast):
    with pytest.raises(ValidationError) as info:
        services.series_create(
            group=cast.group,
            frequency="monthly",
            weekday=1,
            week_of_month=None,
            start_time=dt.time(18, 0),
            duration_minutes=120,
            starts_on=_future(),
        )
    assert "week_of_month" in info.value.error_dict
    assert not MeetingSeries.objects.exists() and not Meeting.objects.exists()


# --- Moving and cancelling ---------------------------------------------------------------------


def test_moving_a_meeting_bumps_its_sequence(cast):
    meeting = make_meeting(group=cast.group)
    new_start = meeting.starts_at + dt.timedelta(days=7)
    changed = services.meeting_move(
        meeting=meeting, starts_at=new_start, ends_at=new_start + dt.timedelta(hours=2)
    )
    meeting.refresh_from_db()
    assert meeting.sequence == 1 and meeting.starts_at == new_start
    assert "starts_at" in changed


def test_saving_without_changes_keeps_the_sequence(cast):
    meeting = make_meeting(group=cast.group)
    assert services.meeting_move(meeting=meeting, starts_at=meeting.starts_at, ends_at=meeting.ends_at) == []
    meeting.refresh_from_db()
    assert meeting.sequence == 0


def test_moving_a_circulated_meeting_tells_attendees(cast, monkeypatch):
    from tandem.meetings import circulation

    told = []
    monkeypatch.setattr(
        circulation, "meeting_notify_change", lambda *, meeting, by=None: told.append(meeting.pk)
    )
    meeting = make_meeting(group=cast.group, circulated_at=timezone.now())
    services.meeting_move(meeting=meeting, venue_name="The Library")
    assert told == [meeting.pk]


def test_moving_an_uncirculated_meeting_tells_no_one(cast, monkeypatch):
    from tandem.meetings import circulation

    told = []
    monkeypatch.setattr(
        circulation, "meeting_notify_change", lambda *, meeting, by=None: told.append(meeting.pk)
    )
    meeting = make_meeting(group=cast.group)
    services.meeting_move(meeting=meeting, venue_name="The Library")
    assert told == []


def test_cancelling_records_the_reason_and_bumps_the_sequence(cast, monkeypatch):
    from tandem.meetings import circulation

    told = []
    monkeypatch.setattr(
        circulation, "meeting_notify_cancellation", lambda *, meeting, by=None: told.append(meeting.pk)
    )
    meeting = make_meeting(group=cast.group, circulated_at=timezone.now())
    services.meeting_cancel(meeting=meeting, reason="The hall is flooded")
    meeting.refresh_from_db()
    assert meeting.is_cancelled and meeting.cancellation_reason == "The hall is flooded"
    assert meeting.sequence == 1 and told == [meeting.pk]
    with pytest.raises(ValidationError):
        services.meeting_cancel(meeting=meeting, reason="Again")
    with pytest.raises(ValidationError):
        services.meeting_move(meeting=meeting, venue_name="Elsewhere")


def test_cancelling_needs_a_reason(cast):
    meeting = make_meeting(group=cast.group)
    with pytest.raises(ValidationError):
        services.meeting_cancel(meeting=meeting, reason="  ")
    meeting.refresh_from_db()
    assert not meeting.is_cancelled and meeting.sequence == 0


# --- Overlaps ------------------------------------------------------------------------------


def test_an_overlapping_meeting_at_the_same_venue_is_found(cast):
    meeting = make_meeting(group=cast.group)
    other = make_meeting(
        group=cast.board,
        starts_at=meeting.starts_at + dt.timedelta(hours=1),
        venue_name="oakfield village hall",
    )
    after = make_meeting(group=cast.board, starts_at=meeting.ends_at)  # starts as the first ends
    make_meeting(group=cast.board, starts_at=meeting.starts_at, venue_name="The Library")
    cancelled = make_meeting(group=cast.board, starts_at=meeting.starts_at, status=Meeting.Status.CANCELLED)
    found = list(selectors.overlapping_meetings(meeting=meeting))
    assert found == [other]
    assert after not in found and cancelled not in found
    by_times = selectors.overlapping_meetings(
        starts_at=meeting.starts_at, ends_at=meeting.ends_at, venue_name="Oakfield Village Hall"
    )
    assert set(by_times) == {meeting, other}


# --- The agenda ----------------------------------------------------------------------------


def test_a_new_item_goes_before_any_other_business(cast):
    starts = _at(_future())
    meeting = services.meeting_schedule(
        group=cast.group, starts_at=starts, ends_at=starts + dt.timedelta(hours=2)
    )
    item = services.agenda_item_add(meeting=meeting, title="Speeding on Church Lane", minutes_allowed=15)
    titles = list(meeting.items.order_by("position").values_list("title", flat=True))
    assert titles[-2:] == ["Speeding on Church Lane", "Any other business"]
    assert item.position == len(titles) - 1


def test_items_move_up_and_down_and_positions_stay_consecutive(cast):
    meeting = make_meeting(group=cast.group)
    a = services.agenda_item_add(meeting=meeting, title="A")
    b = services.agenda_item_add(meeting=meeting, title="B")
    c = services.agenda_item_add(meeting=meeting, title="C")
    services.agenda_item_move(item=c, direction="up")
    assert list(meeting.items.values_list("title", flat=True)) == ["A", "C", "B"]
    services.agenda_item_move(item=a, direction="up")  # already first: nothing moves
    services.agenda_item_move(item=a, direction="down")
    assert list(meeting.items.values_list("title", flat=True)) == ["C", "A", "B"]
    assert list(meeting.items.values_list("position", flat=True)) == [1, 2, 3]
    services.agenda_item_remove(item=b)
    assert list(meeting.items.values_list("position", flat=True)) == [1, 2]


def test_an_item_with_minutes_cannot_be_removed(cast):
    meeting = make_meeting(group=cast.group)
    item = services.agenda_item_add(meeting=meeting, title="Youth shelter")
    Decision.objects.create(meeting=meeting, item=item, text="RESOLVED that a shelter be built")
    with pytest.raises(ValidationError, match="cannot be removed"):
        services.agenda_item_remove(item=item)
    assert AgendaItem.objects.filter(pk=item.pk).exists()


def test_the_presenter_must_be_a_current_member(cast):
    meeting = make_meeting(group=cast.group)
    from tests.factories import make_person

    with pytest.raises(ValidationError):
        services.agenda_item_add(meeting=meeting, title="X", presenter=make_person())
    assert not meeting.items.exists()
    item = services.agenda_item_add(meeting=meeting, title="X", presenter=cast.chair_person)
    assert item.presenter == cast.chair_person


# --- Papers --------------------------------------------------------------------------------


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("report.pdf", b"%PDF-1.7\n%test", "application/pdf"),
        ("report.docx", _docx(), DOCX),
        ("map.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 20, "image/png"),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 20, "image/jpeg"),
        ("figures.csv", b"area,count\nOakfield,12\n", "application/vnd.ms-excel"),
        ("notes.txt", "Points to raise: £5 fund".encode(), "text/plain"),
    ],
)
def test_papers_of_the_allowed_types_are_kept(cast, name, content, content_type):
    item = services.agenda_item_add(meeting=make_meeting(group=cast.group), title="Reports")
    paper = services.paper_add(
        item=item, uploaded_file=SimpleUploadedFile(name, content, content_type), title="", by=cast.officer
    )
    assert paper.size == len(content)
    assert paper.content_type == Paper.ALLOWED_TYPES["." + name.rsplit(".", 1)[1]]
    assert paper.title == name.rsplit(".", 1)[0]
    with paper.file.open("rb") as handle:
        assert handle.read() == content


EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\0" * 100


@pytest.mark.parametrize(
    ("name", "content", "content_type", "message"),
    [
        ("virus.exe", EXE, "application/x-msdownload", services.PAPER_TYPE_MESSAGE),
        ("report.pdf", EXE, "application/pdf", services.PAPER_TYPE_MESSAGE),  # a renamed .exe
        ("report.docx", b"PK\x03\x04" + b"\0" * 40, DOCX, services.PAPER_TYPE_MESSAGE),  # not a real zip
        ("report.docx", _docx().replace(b"word/", b"evil/"), DOCX, services.PAPER_TYPE_MESSAGE),
        ("notes.txt", EXE, "text/plain", services.PAPER_TYPE_MESSAGE),
        ("report.pdf", b"%PDF-1.7", "application/x-msdownload", services.PAPER_TYPE_MESSAGE),
        ("report.pdf", b"", "application/pdf", "The selected file is empty"),
    ],
)
def test_papers_of_the_wrong_type_are_refused_and_nothing_is_saved(
    cast, media, name, content, content_type, message
):
    item = services.agenda_item_add(meeting=make_meeting(group=cast.group), title="Reports")
    with pytest.raises(ValidationError) as info:
        services.paper_add(item=item, uploaded_file=SimpleUploadedFile(name, content, content_type), title="")
    assert info.value.message_dict["file"] == [message]
    assert not Paper.objects.exists()
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_a_paper_over_20_mb_is_refused(cast, media):
    item = services.agenda_item_add(meeting=make_meeting(group=cast.group), title="Reports")
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.7" + b"\0" * Paper.MAX_BYTES, "application/pdf")
    with pytest.raises(ValidationError) as info:
        services.paper_add(item=item, uploaded_file=big, title="Big")
    assert info.value.message_dict["file"] == ["The file must be smaller than 20 MB"]
    assert not Paper.objects.exists()
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))
