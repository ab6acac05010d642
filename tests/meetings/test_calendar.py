"""iCalendar feeds and invitations: every output is parsed back with icalendar and checked."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from tandem.meetings import calendar
from tandem.meetings.models import AgendaItem, Meeting
from tests.factories import make_meeting, make_membership, make_person, make_user

LONDON = ZoneInfo("Europe/London")


def _at(days: int, hour: int = 18) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


@pytest.fixture
def meeting(cast) -> Meeting:
    meeting = make_meeting(
        group=cast.group,
        starts_at=_at(10),
        venue_address="1 Church Lane\nOakfield\nOK1 2AB",
        venue_access_notes="Step-free entrance at the side.",
    )
    AgendaItem.objects.create(meeting=meeting, position=1, title="Apologies for absence")
    AgendaItem.objects.create(meeting=meeting, position=2, title="Speeding on Mill Road")
    AgendaItem.objects.create(
        meeting=meeting, position=3, title="Family at 12 Elm Close", is_confidential=True
    )
    return meeting


def _parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def _events(parsed: Calendar) -> list:
    return parsed.walk("VEVENT")


def test_the_invitation_has_every_field_a_calendar_program_needs(client, cast, meeting):
    # when
    parsed = _parse(client.get(reverse("meetings:meeting-ics", kwargs={"pk": meeting.pk})))

    # then
    assert parsed["PRODID"] == calendar.PRODID
    assert parsed["VERSION"] == "2.0"
    assert parsed["CALSCALE"] == "GREGORIAN"
    assert parsed["METHOD"] == "REQUEST"
    assert parsed["X-WR-CALNAME"] == meeting.display_title
    (timezone_component,) = parsed.walk("VTIMEZONE")
    assert timezone_component["TZID"] == "Europe/London"
    assert timezone_component.walk("STANDARD") and timezone_component.walk("DAYLIGHT")
    (event,) = _events(parsed)
    assert str(event["UID"]) == f"{meeting.uid}@tandem"
    assert event["DTSTAMP"].dt.tzinfo is not None
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert event["DTEND"].params["TZID"] == "Europe/London"
    assert event["DTSTART"].dt == meeting.starts_at
    assert event["DTEND"].dt == meeting.ends_at
    assert event["DTSTART"].dt.astimezone(LONDON).hour == 18
    assert event["SUMMARY"] == "Oakfield Local Action Group meeting"
    assert event["LOCATION"] == "Oakfield Village Hall, 1 Church Lane, Oakfield, OK1 2AB"
    description = str(event["DESCRIPTION"])
    assert "1. Apologies for absence" in description
    assert "2. Speeding on Mill Road" in description
    assert "Step-free entrance at the side." in description
    assert f"{settings.SITE_URL}/meetings/{meeting.pk}/" in description
    assert str(event["URL"]) == f"{settings.SITE_URL}/meetings/{meeting.pk}/"
    assert event["SEQUENCE"] == 0
    assert event["STATUS"] == "CONFIRMED"
    assert event["LAST-MODIFIED"].dt == meeting.updated_at.replace(microsecond=0)


def test_the_public_invitation_leaves_out_confidential_items_entirely(client, cast, meeting):
    response = client.get(reverse("meetings:meeting-ics", kwargs={"pk": meeting.pk}))

    assert b"Elm Close" not in response.content
    assert b"Confidential" not in response.content


def test_a_members_invitation_says_only_that_there_is_a_confidential_item(client, cast, meeting):
    client.force_login(cast.member)

    response = client.get(reverse("meetings:meeting-ics", kwargs={"pk": meeting.pk}))

    (event,) = _events(_parse(response))
    assert b"Elm Close" not in response.content
    assert "3. Confidential item (details at the meeting page)" in str(event["DESCRIPTION"])


def test_moving_a_meeting_keeps_its_uid_and_bumps_the_sequence(client, cast, meeting):
    # given
    before = _events(_parse(client.get(reverse("meetings:meeting-ics", kwargs={"pk": meeting.pk}))))[0]

    # when
    meeting.starts_at = _at(11, 19)
    meeting.ends_at = meeting.starts_at + dt.timedelta(hours=2)
    meeting.sequence += 1
    meeting.save()
    after = _events(_parse(client.get(reverse("meetings:meeting-ics", kwargs={"pk": meeting.pk}))))[0]

    # then
    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1 == 1
    assert after["DTSTART"].dt.astimezone(LONDON).hour == 19


def test_a_cancelled_meeting_is_sent_as_a_cancellation(client, cast, meeting):
    meeting.status = Meeting.Status.CANCELLED
    meeting.cancellation_reason = "The hall is flooded."
    meeting.sequence = 2
    meeting.save()

    parsed = _parse(client.get(reverse("meetings:meeting-ics", kwargs={"pk": meeting.pk})))

    assert parsed["METHOD"] == "CANCEL"
    (event,) = _events(parsed)
    assert event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 2
    assert "The hall is flooded." in str(event["DESCRIPTION"])


def test_a_meeting_of_a_private_group_has_no_invitation_for_the_public(client, cast):
    private = make_meeting(group=cast.private_group, starts_at=_at(3))

    response = client.get(reverse("meetings:meeting-ics", kwargs={"pk": private.pk}))

    assert response.status_code == 404


def test_the_group_feed_lists_public_meetings_and_shows_cancellations(client, cast, meeting):
    # given
    cancelled = make_meeting(group=cast.group, starts_at=_at(40), status=Meeting.Status.CANCELLED, sequence=1)
    hidden = make_meeting(group=cast.group, starts_at=_at(20), is_public=False, title="Closed session")
    old = make_meeting(group=cast.group, starts_at=_at(-400))

    # when
    parsed = _parse(client.get(reverse("meetings:group-ics", kwargs={"slug": cast.group.slug})))

    # then
    assert parsed["METHOD"] == "PUBLISH"
    assert parsed["X-WR-CALNAME"] == "Oakfield Local Action Group meetings"
    assert parsed.walk("VTIMEZONE")[0]["TZID"] == "Europe/London"
    events = {str(event["UID"]): event for event in _events(parsed)}
    assert set(events) == {f"{meeting.uid}@tandem", f"{cancelled.uid}@tandem"}
    assert events[f"{cancelled.uid}@tandem"]["STATUS"] == "CANCELLED"
    assert events[f"{cancelled.uid}@tandem"]["SEQUENCE"] == 1
    assert f"{hidden.uid}" not in parsed.to_ical().decode()
    assert f"{old.uid}" not in parsed.to_ical().decode()
    assert b"Elm Close" not in parsed.to_ical()


def test_a_private_groups_feed_is_not_found_even_for_its_members(client, cast):
    client.force_login(cast.officer)

    response = client.get(reverse("meetings:group-ics", kwargs={"slug": cast.private_group.slug}))

    assert response.status_code == 404


def test_the_personal_feed_has_meetings_of_all_the_persons_groups(client, cast, meeting):
    # given: Mary is also in the private group
    make_membership(group=cast.private_group, person=cast.member_person)
    private = make_meeting(group=cast.private_group, starts_at=_at(5), title="Case panel")
    other = make_meeting(group=cast.board, starts_at=_at(6))
    token = calendar.person_token(cast.member_person)

    # when
    parsed = _parse(client.get(reverse("meetings:person-ics", kwargs={"token": token})))

    # then
    uids = {str(event["UID"]) for event in _events(parsed)}
    assert uids == {f"{meeting.uid}@tandem", f"{private.uid}@tandem"}
    assert f"{other.uid}@tandem" not in uids
    assert b"Elm Close" not in parsed.to_ical()
    assert parsed.walk("VTIMEZONE")[0]["TZID"] == "Europe/London"


def test_a_forged_or_mangled_feed_token_is_not_found(client, cast):
    token = calendar.person_token(cast.member_person)

    assert client.get(reverse("meetings:person-ics", kwargs={"token": token[:-2] + "xx"})).status_code == 404
    assert client.get(reverse("meetings:person-ics", kwargs={"token": "nonsense"})).status_code == 404


def test_the_calendar_page_shows_the_persons_own_feed_address(client, cast):
    client.force_login(cast.member)

    response = client.get(reverse("meetings:my-calendar"))

    assert response.status_code == 200
    token = calendar.person_token(cast.member_person)
    assert f"{settings.SITE_URL}/calendar/{token}.ics" in response.content.decode()
    assert "Keep this address private" in response.content.decode()


def test_the_calendar_page_is_not_found_for_an_account_with_no_person(client, cast):
    client.force_login(make_user())

    assert client.get(reverse("meetings:my-calendar")).status_code == 404


def test_the_calendar_page_asks_visitors_to_sign_in(client, cast):
    response = client.get(reverse("meetings:my-calendar"))

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_person_who_left_the_group_no_longer_sees_its_meetings(client, cast, meeting):
    leaver = make_person(name="Lee Leaver", email="lee@example.org")
    membership = make_membership(group=cast.group, person=leaver)
    membership.end_date = timezone.localdate() - dt.timedelta(days=1)
    membership.start_date = membership.end_date - dt.timedelta(days=30)
    membership.save()

    parsed = _parse(
        client.get(reverse("meetings:person-ics", kwargs={"token": calendar.person_token(leaver)}))
    )

    assert _events(parsed) == []
