"""Circulating the agenda by email in the background, telling members of changes, and the log."""

import datetime as dt
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from tandem.meetings import circulation
from tandem.meetings.models import AgendaItem, Circulation, Meeting
from tests.factories import make_meeting, make_membership, make_organiser, make_person

CONFIDENTIAL = "Family at 12 Elm Close"


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def meeting(cast) -> Meeting:
    meeting = make_meeting(
        group=cast.group,
        starts_at=timezone.now() + dt.timedelta(days=10),
        venue_access_notes="Step-free entrance at the side.",
    )
    AgendaItem.objects.create(meeting=meeting, position=1, title="Speeding on Mill Road")
    AgendaItem.objects.create(meeting=meeting, position=2, title=CONFIDENTIAL, is_confidential=True)
    return meeting


def _members_with_email(cast) -> set[str]:
    # Chris Chair and Mary Member have email addresses; PC Paula Beat has none.
    return {"chris@example.org", "member@example.org"}


def _parts(message) -> dict[str, object]:
    """The MIME parts of a sent message, by content type."""
    return {part.get_content_type(): part for part in message.message().walk()}


def _circulate(meeting, by, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return circulation.meeting_circulate(meeting=meeting, by=by)


def test_circulating_emails_every_member_with_an_address_with_the_pack_and_invitation(
    cast, meeting, django_capture_on_commit_callbacks
):
    # when
    queued = _circulate(meeting, cast.officer, django_capture_on_commit_callbacks)

    # then
    assert len(queued) == 2
    assert {m.to[0] for m in mail.outbox} == _members_with_email(cast)
    assert len(mail.outbox) == 2
    message = mail.outbox[0]
    assert message.subject.startswith("Agenda: Oakfield Local Action Group meeting, ")
    assert "Speeding on Mill Road" in message.body
    assert "Step-free entrance at the side." in message.body
    assert f"/meetings/{meeting.pk}/" in message.body
    assert "Confidential item (details at the meeting page)" in message.body
    html = message.alternatives[0]
    assert html[1] == "text/html"
    parts = _parts(message)
    assert parts["application/pdf"].get_payload(decode=True).startswith(b"%PDF")
    invitation = parts["text/calendar"]
    assert invitation.get_param("method") == "REQUEST"
    assert invitation.get_filename() == "invite.ics"
    parsed = Calendar.from_ical(invitation.get_payload(decode=True))
    assert parsed["METHOD"] == "REQUEST"
    (event,) = parsed.walk("VEVENT")
    assert str(event["UID"]) == f"{meeting.uid}@tandem"
    meeting.refresh_from_db()
    assert meeting.circulated_at is not None
    assert set(Circulation.objects.values_list("status", flat=True)) == {Circulation.Status.SENT}


def test_no_email_names_a_confidential_item(cast, meeting, django_capture_on_commit_callbacks):
    _circulate(meeting, cast.officer, django_capture_on_commit_callbacks)

    for message in mail.outbox:
        assert CONFIDENTIAL not in message.message().as_string()
        assert CONFIDENTIAL not in message.alternatives[0][0]


def test_circulating_the_same_version_again_sends_nothing_more(
    cast, meeting, django_capture_on_commit_callbacks
):
    # given
    _circulate(meeting, cast.officer, django_capture_on_commit_callbacks)
    first_circulated = Meeting.objects.get(pk=meeting.pk).circulated_at

    # when
    queued = _circulate(meeting, cast.officer, django_capture_on_commit_callbacks)

    # then
    assert queued == []
    assert len(mail.outbox) == 2
    assert Circulation.objects.count() == 2
    assert Meeting.objects.get(pk=meeting.pk).circulated_at == first_circulated


def test_a_member_who_joins_later_is_sent_the_agenda_on_the_next_circulation(
    cast, meeting, django_capture_on_commit_callbacks
):
    _circulate(meeting, cast.officer, django_capture_on_commit_callbacks)
    make_membership(group=cast.group, person=make_person(name="Nina New", email="nina@example.org"))

    queued = _circulate(meeting, cast.officer, django_capture_on_commit_callbacks)

    assert [row.email for row in queued] == ["nina@example.org"]
    assert [m.to for m in mail.outbox[2:]] == [["nina@example.org"]]


@pytest.mark.parametrize("change", ["past", "cancelled"])
def test_it_refuses_to_circulate_a_past_or_cancelled_meeting(
    cast, change, django_capture_on_commit_callbacks
):
    if change == "past":
        meeting = make_meeting(group=cast.group, starts_at=timezone.now() - dt.timedelta(days=1))
    else:
        meeting = make_meeting(group=cast.group, status=Meeting.Status.CANCELLED)

    with pytest.raises(ValidationError) as raised:
        _circulate(meeting, cast.officer, django_capture_on_commit_callbacks)

    assert ("in the past" if change == "past" else "cancelled") in raised.value.messages[0]
    assert Circulation.objects.count() == 0
    assert mail.outbox == []
    assert Meeting.objects.get(pk=meeting.pk).circulated_at is None


def test_an_email_failure_is_recorded_and_sent_on_the_next_run(
    cast, meeting, django_capture_on_commit_callbacks
):
    # given: the mail server refuses everything
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        side_effect=ConnectionRefusedError("Connection refused by smtp.example.org"),
    ):
        _circulate(meeting, cast.officer, django_capture_on_commit_callbacks)

    # then: nothing went, and every row says why
    assert mail.outbox == []
    rows = list(Circulation.objects.all())
    assert {row.status for row in rows} == {Circulation.Status.FAILED}
    assert {row.attempts for row in rows} == {1}
    assert {row.last_error for row in rows} == {"Connection refused by smtp.example.org"}

    # when: the task runs again with the server back
    circulation.circulation_send(meeting_id=meeting.pk)

    # then
    assert len(mail.outbox) == 2
    rows = list(Circulation.objects.all())
    assert {row.status for row in rows} == {Circulation.Status.SENT}
    assert {row.attempts for row in rows} == {2}
    assert all(row.sent_at for row in rows)


def test_it_stops_trying_after_five_attempts(cast, meeting):
    person = cast.chair_person
    Circulation.objects.create(
        meeting=meeting,
        person=person,
        email=person.email,
        kind=Circulation.Kind.AGENDA,
        sequence=0,
        status=Circulation.Status.FAILED,
        attempts=circulation.MAX_ATTEMPTS,
        last_error="Mailbox unavailable",
    )

    result = circulation.circulation_send(meeting_id=meeting.pk)

    assert result == {"sent": 0, "failed": 0}
    assert mail.outbox == []


def test_a_moved_meeting_is_announced_with_the_updated_invitation(
    cast, meeting, django_capture_on_commit_callbacks
):
    # given
    _circulate(meeting, cast.officer, django_capture_on_commit_callbacks)
    meeting.starts_at += dt.timedelta(days=1)
    meeting.ends_at += dt.timedelta(days=1)
    meeting.sequence += 1
    meeting.save()

    # when
    with django_capture_on_commit_callbacks(execute=True):
        circulation.meeting_notify_change(meeting=meeting, by=cast.officer)

    # then
    changes = mail.outbox[2:]
    assert len(changes) == 2
    assert changes[0].subject.startswith("Meeting moved: ")
    (event,) = Calendar.from_ical(_parts(changes[0])["text/calendar"].get_payload(decode=True)).walk("VEVENT")
    assert event["SEQUENCE"] == 1
    assert event["DTSTART"].dt == meeting.starts_at.replace(microsecond=0)


def test_a_cancellation_is_announced_with_a_cancel_invitation(
    cast, meeting, django_capture_on_commit_callbacks
):
    _circulate(meeting, cast.officer, django_capture_on_commit_callbacks)
    meeting.status = Meeting.Status.CANCELLED
    meeting.cancellation_reason = "The hall is flooded."
    meeting.sequence += 1
    meeting.save()

    with django_capture_on_commit_callbacks(execute=True):
        circulation.meeting_notify_cancellation(meeting=meeting, by=cast.officer)

    cancellations = mail.outbox[2:]
    assert len(cancellations) == 2
    assert cancellations[0].subject.startswith("Meeting cancelled: ")
    assert "The hall is flooded." in cancellations[0].body
    invitation = _parts(cancellations[0])["text/calendar"]
    assert invitation.get_param("method") == "CANCEL"
    parsed = Calendar.from_ical(invitation.get_payload(decode=True))
    assert parsed["METHOD"] == "CANCEL"
    assert parsed.walk("VEVENT")[0]["STATUS"] == "CANCELLED"


def test_changes_to_a_meeting_never_circulated_send_nothing(
    cast, meeting, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert circulation.meeting_notify_change(meeting=meeting) == []
        assert circulation.meeting_notify_cancellation(meeting=meeting) == []

    assert mail.outbox == []
    assert Circulation.objects.count() == 0


# --- The pages ----------------------------------------------------------------------------


def test_the_confirm_page_lists_recipients_and_members_without_email(client, cast, meeting):
    client.force_login(make_organiser(cast))

    response = client.get(reverse("meetings:meeting-circulate", kwargs={"pk": meeting.pk}))

    content = response.content.decode()
    assert response.status_code == 200
    assert "member@example.org" in content
    assert "PC Paula Beat" in content  # no email address: warned
    assert Circulation.objects.count() == 0


def test_an_organiser_circulates_from_the_page(client, cast, meeting, django_capture_on_commit_callbacks):
    client.force_login(make_organiser(cast))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("meetings:meeting-circulate", kwargs={"pk": meeting.pk}))

    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:circulation-log", kwargs={"pk": meeting.pk})
    assert len(mail.outbox) == 2


def test_circulating_a_past_meeting_from_the_page_shows_the_error(client, cast):
    meeting = make_meeting(group=cast.group, starts_at=timezone.now() - dt.timedelta(days=2))
    client.force_login(cast.officer)

    response = client.post(reverse("meetings:meeting-circulate", kwargs={"pk": meeting.pk}))

    assert response.status_code == 400
    assert "in the past" in response.content.decode()
    assert Circulation.objects.count() == 0


@pytest.mark.parametrize("role", ["member", "outsider"])
def test_people_who_do_not_run_the_group_cannot_circulate(client, cast, meeting, role):
    client.force_login(getattr(cast, role))

    response = client.post(reverse("meetings:meeting-circulate", kwargs={"pk": meeting.pk}))

    assert response.status_code == 403
    assert Circulation.objects.count() == 0
    assert Meeting.objects.get(pk=meeting.pk).circulated_at is None


def test_visitors_are_asked_to_sign_in_to_circulate(client, cast, meeting):
    response = client.post(reverse("meetings:meeting-circulate", kwargs={"pk": meeting.pk}))

    assert response.status_code == 302
    assert Circulation.objects.count() == 0


def test_the_log_shows_failures_with_their_error_and_an_organiser_retries_them(
    client, cast, meeting, django_capture_on_commit_callbacks
):
    # given
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        side_effect=OSError("Mailbox unavailable"),
    ):
        _circulate(meeting, cast.officer, django_capture_on_commit_callbacks)
    client.force_login(make_organiser(cast))

    # when
    page = client.get(reverse("meetings:circulation-log", kwargs={"pk": meeting.pk}))

    # then
    content = page.content.decode()
    assert page.status_code == 200
    assert "govuk-tag--red" in content
    assert "Mailbox unavailable" in content
    assert "Retry failed emails" in content

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("meetings:circulation-log", kwargs={"pk": meeting.pk}))

    # then
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    assert set(Circulation.objects.values_list("status", flat=True)) == {Circulation.Status.SENT}


def test_a_member_sees_the_log_but_cannot_retry(client, cast, meeting):
    Circulation.objects.create(
        meeting=meeting,
        person=cast.chair_person,
        email="chris@example.org",
        kind=Circulation.Kind.AGENDA,
        sequence=0,
        status=Circulation.Status.FAILED,
        attempts=1,
        last_error="Mailbox unavailable",
    )
    client.force_login(cast.member)

    assert client.get(reverse("meetings:circulation-log", kwargs={"pk": meeting.pk})).status_code == 200
    response = client.post(reverse("meetings:circulation-log", kwargs={"pk": meeting.pk}))

    assert response.status_code == 403
    assert Circulation.objects.get().status == Circulation.Status.FAILED


def test_the_log_is_not_found_for_outsiders(client, cast, meeting):
    client.force_login(cast.outsider)

    assert client.get(reverse("meetings:circulation-log", kwargs={"pk": meeting.pk})).status_code == 404


def test_a_pack_that_cannot_be_built_is_recorded_as_a_failure(
    cast, meeting, django_capture_on_commit_callbacks
):
    with mock.patch("tandem.meetings.packs.agenda_pdf", side_effect=RuntimeError("Font missing")):
        _circulate(meeting, cast.officer, django_capture_on_commit_callbacks)

    assert mail.outbox == []
    errors = set(Circulation.objects.values_list("last_error", flat=True))
    assert errors == {"Could not build the agenda pack or invitation: Font missing"}
    assert set(Circulation.objects.values_list("status", flat=True)) == {Circulation.Status.FAILED}
