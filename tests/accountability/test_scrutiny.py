import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from tandem.accountability import scrutiny
from tandem.accountability.deadlines import add_months
from tandem.accountability.models import ScrutinyReminder
from tandem.accountability.tasks import next_run_after, send_scrutiny_reminders
from tandem.meetings.models import Meeting
from tandem.partnership.presets import SCRUTINY_COMMITTEE
from tests.factories import make_group, make_group_type, make_meeting, make_membership, make_person

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(18, 0)))


@pytest.fixture
def committee(cast):
    group_type = make_group_type(partnership=cast.partnership, name=SCRUTINY_COMMITTEE.name, tier=3)
    group = make_group(
        partnership=cast.partnership,
        group_type=group_type,
        name="Castleford Crime and Disorder Scrutiny Committee",
        established_on=TODAY - dt.timedelta(days=800),
    )
    make_membership(group=group, person=make_person(name="Cllr Sam Scrutiny", email="sam@example.org"))
    make_membership(group=group, person=make_person(name="Cllr Lee Lapsed", email="lee@example.org"))
    make_membership(group=group, person=make_person(name="Cllr No Email"))
    make_membership(
        group=group,
        person=make_person(name="Cllr Former", email="former@example.org"),
        end_date=TODAY - dt.timedelta(days=30),
    )
    return group


def test_a_review_more_than_eleven_months_ago_with_none_scheduled_needs_attention(committee):
    last = add_months(TODAY, -11) - dt.timedelta(days=1)
    make_meeting(group=committee, starts_at=_at(last))

    state = scrutiny.scrutiny_state(committee)

    assert state.last_review_on == last
    assert state.due_on == add_months(last, 12)
    assert state.needs_attention
    assert not state.is_overdue
    assert state.message.startswith(
        f"The scrutiny committee has not reviewed the partnership since {last:%-d %B %Y}."
    )
    assert f"due by {state.due_on:%-d %B %Y}" in state.message


def test_a_review_ten_months_ago_needs_no_attention(committee):
    make_meeting(group=committee, starts_at=_at(add_months(TODAY, -10)))

    assert not scrutiny.scrutiny_state(committee).needs_attention


def test_a_meeting_scheduled_before_the_review_is_due_settles_it(committee):
    make_meeting(group=committee, starts_at=_at(add_months(TODAY, -11) - dt.timedelta(days=5)))
    make_meeting(group=committee, starts_at=_at(TODAY + dt.timedelta(days=3)))

    assert not scrutiny.scrutiny_state(committee).needs_attention


def test_a_meeting_scheduled_after_the_date_due_does_not_settle_it(committee):
    last = add_months(TODAY, -13)
    make_meeting(group=committee, starts_at=_at(last))
    make_meeting(group=committee, starts_at=_at(TODAY + dt.timedelta(days=20)))

    state = scrutiny.scrutiny_state(committee)

    assert state.needs_attention and state.is_overdue
    assert "was due by" in state.message and "is after that" in state.message


def test_a_cancelled_meeting_is_not_a_review(committee):
    make_meeting(
        group=committee, starts_at=_at(TODAY - dt.timedelta(days=30)), status=Meeting.Status.CANCELLED
    )

    state = scrutiny.scrutiny_state(committee)

    assert state.last_review_on is None
    assert state.due_on == add_months(committee.established_on, 12)
    assert state.needs_attention
    assert state.message.startswith("The scrutiny committee has not yet reviewed the partnership.")


def test_the_committees_page_says_the_review_is_due(client, cast, committee):
    client.force_login(cast.officer)

    response = client.get(reverse("partnership:group-detail", kwargs={"slug": committee.slug}))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Yearly review of the partnership" in page
    assert "The scrutiny committee has not yet reviewed the partnership." in page


def test_the_committees_page_gives_the_last_review_when_all_is_well(client, cast, committee):
    last = TODAY - dt.timedelta(days=60)
    make_meeting(group=committee, starts_at=_at(last))
    client.force_login(cast.officer)

    response = client.get(reverse("partnership:group-detail", kwargs={"slug": committee.slug}))

    assert f"Last reviewed {last:%-d %B %Y}; next review due by" in response.content.decode()


def test_other_groups_pages_say_nothing_of_the_review(client, cast, committee):
    client.force_login(cast.officer)

    response = client.get(reverse("partnership:group-detail", kwargs={"slug": cast.group.slug}))

    assert "Yearly review of the partnership" not in response.content.decode()


def test_the_reminder_emails_the_current_members_once_for_each_date_due(committee):
    report = scrutiny.scrutiny_reminders_send()

    assert [state.group for state, _ in report.sent] == [committee]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.bcc) == ["lee@example.org", "sam@example.org"]
    assert message.to == []
    assert "The scrutiny committee has not yet reviewed the partnership." in message.body
    assert reverse("partnership:group-detail", kwargs={"slug": committee.slug}) in message.body
    assert ScrutinyReminder.objects.get().recipients == 2

    again = scrutiny.scrutiny_reminders_send()

    assert again.already_sent and not again.sent
    assert len(mail.outbox) == 1
    assert ScrutinyReminder.objects.count() == 1


def test_a_new_date_due_brings_a_new_reminder(committee):
    scrutiny.scrutiny_reminders_send()
    make_meeting(group=committee, starts_at=_at(add_months(TODAY, -11) - dt.timedelta(days=2)))

    report = scrutiny.scrutiny_reminders_send()

    assert len(report.sent) == 1
    assert len(mail.outbox) == 2
    assert ScrutinyReminder.objects.count() == 2


def test_no_reminder_when_the_review_is_not_due(committee):
    make_meeting(group=committee, starts_at=_at(TODAY - dt.timedelta(days=100)))

    report = scrutiny.scrutiny_reminders_send()

    assert not report.sent
    assert mail.outbox == []
    assert ScrutinyReminder.objects.count() == 0


def test_a_dry_run_sends_and_records_nothing(committee):
    report = scrutiny.scrutiny_reminders_send(dry_run=True)

    assert len(report.sent) == 1
    assert mail.outbox == []
    assert ScrutinyReminder.objects.count() == 0


def test_a_committee_without_members_with_email_is_reported_and_not_recorded(cast):
    group_type = make_group_type(partnership=cast.partnership, name=SCRUTINY_COMMITTEE.name)
    empty = make_group(partnership=cast.partnership, group_type=group_type, name="Empty committee")

    report = scrutiny.scrutiny_reminders_send()

    assert [state.group for state in report.no_members] == [empty]
    assert mail.outbox == []
    assert ScrutinyReminder.objects.count() == 0


def test_a_failed_send_is_not_recorded_so_the_next_run_retries(committee, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)

    report = scrutiny.scrutiny_reminders_send()

    assert report.failed and not report.sent
    assert ScrutinyReminder.objects.count() == 0


def test_the_command_sends_the_reminders(committee):
    out = StringIO()

    call_command("send_scrutiny_reminders", stdout=out)

    assert "Reminded 1 committee." in out.getvalue()
    assert len(mail.outbox) == 1


def test_the_command_refuses_a_bad_date_and_sends_nothing(committee):
    with pytest.raises(CommandError, match='"31-12-2026" is not a date'):
        call_command("send_scrutiny_reminders", "--today", "31-12-2026")
    assert mail.outbox == []
    assert ScrutinyReminder.objects.count() == 0


def test_the_command_refuses_enqueue_with_a_dry_run(committee):
    with pytest.raises(CommandError, match="takes no --dry-run"):
        call_command("send_scrutiny_reminders", "--enqueue", "--dry-run")
    assert mail.outbox == []


def test_the_task_sends_the_reminders(committee):
    result = send_scrutiny_reminders.call()

    assert result["sent"] == [committee.pk]
    assert len(mail.outbox) == 1


def test_the_next_run_is_seven_in_the_morning_london_time():
    from zoneinfo import ZoneInfo

    london = ZoneInfo("Europe/London")
    before = dt.datetime(2026, 6, 1, 6, 30, tzinfo=london)
    after = dt.datetime(2026, 6, 1, 7, 30, tzinfo=london)

    assert next_run_after(before) == dt.datetime(2026, 6, 1, 7, 0, tzinfo=london)
    assert next_run_after(after) == dt.datetime(2026, 6, 2, 7, 0, tzinfo=london)
