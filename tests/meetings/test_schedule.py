"""The schedule pages: a group's meetings, scheduling one or a series, settings, a meeting's
page, moving and cancelling."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.meetings import services
from tandem.meetings.models import AgendaItem, Meeting, MeetingSeries, MeetingSettings
from tests.factories import make_meeting, make_organiser


def _in_days(days: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(18, 0)))


@pytest.fixture
def meeting(cast):
    """A public meeting of cast.group in 30 days, with a public and a confidential item."""
    meeting = make_meeting(group=cast.group, starts_at=_in_days(30))
    services.agenda_item_add(meeting=meeting, title="Speeding on Church Lane")
    services.agenda_item_add(meeting=meeting, title="Family at 12 Elm Road", is_confidential=True)
    return meeting


# --- A group's meetings ----------------------------------------------------------------------


def test_the_group_meetings_page_lists_upcoming_and_past_meetings(client, cast, meeting):
    past = make_meeting(group=cast.group, starts_at=_in_days(-30), title="Last month")
    response = client.get(reverse("meetings:group-meetings", kwargs={"slug": cast.group.slug}))
    assert response.status_code == 200
    assert response.context["upcoming"] == [meeting]
    assert response.context["past"] == [past]
    assert reverse("meetings:group-ics", kwargs={"slug": cast.group.slug}) in response.content.decode()
    assert "Schedule a meeting" not in response.content.decode()


def test_organisers_see_the_scheduling_links(client, cast):
    client.force_login(make_organiser(cast))
    page = client.get(reverse("meetings:group-meetings", kwargs={"slug": cast.group.slug})).content.decode()
    assert reverse("meetings:meeting-create", kwargs={"slug": cast.group.slug}) in page
    assert reverse("meetings:series-create", kwargs={"slug": cast.group.slug}) in page
    assert reverse("meetings:settings-edit", kwargs={"slug": cast.group.slug}) in page


def test_a_private_groups_meetings_are_not_found_by_the_public(client, cast):
    private = make_meeting(group=cast.private_group, is_public=False)
    assert (
        client.get(reverse("meetings:group-meetings", kwargs={"slug": cast.private_group.slug})).status_code
        == 404
    )
    assert client.get(private.get_absolute_url()).status_code == 404
    client.force_login(cast.outsider)
    assert client.get(private.get_absolute_url()).status_code == 404
    client.force_login(cast.officer)
    assert client.get(private.get_absolute_url()).status_code == 200


def test_a_private_meeting_of_a_public_group_is_hidden_from_the_public(client, cast):
    private = make_meeting(group=cast.group, is_public=False)
    assert client.get(private.get_absolute_url()).status_code == 404
    response = client.get(reverse("meetings:group-meetings", kwargs={"slug": cast.group.slug}))
    assert private not in response.context["upcoming"]
    client.force_login(cast.member)
    assert client.get(private.get_absolute_url()).status_code == 200


# --- A meeting's page --------------------------------------------------------------------------


def test_the_public_sees_public_items_only(client, cast, meeting):
    response = client.get(meeting.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "Speeding on Church Lane" in page
    assert "Elm Road" not in page
    assert "Oakfield Village Hall" in page
    assert "circulated" not in page.lower()  # circulation is for insiders


def test_members_see_confidential_items_marked_as_such(client, cast, meeting):
    client.force_login(cast.member)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Family at 12 Elm Road" in page
    assert "Confidential" in page
    assert reverse("meetings:meeting-edit", kwargs={"pk": meeting.pk}) not in page  # not an organiser


def test_organisers_see_the_links_to_run_the_meeting(client, cast, meeting):
    client.force_login(make_organiser(cast))
    page = client.get(meeting.get_absolute_url()).content.decode()
    for name in [
        "meeting-edit",
        "meeting-cancel",
        "item-create",
        "meeting-circulate",
        "attendance-edit",
        "minutes-edit",
    ]:
        assert reverse(f"meetings:{name}", kwargs={"pk": meeting.pk}) in page


def test_the_date_is_shown_in_local_time(client, cast, meeting):
    page = client.get(meeting.get_absolute_url()).content.decode()
    local = timezone.localtime(meeting.starts_at)
    assert f"{local:%A} {local.day} {local:%B %Y}, 18:00 to 20:00" in page


def test_late_circulation_is_flagged_after_the_deadline(client, cast):
    soon = make_meeting(group=cast.group, starts_at=_in_days(3))  # 5 clear days: the deadline has passed
    client.force_login(cast.member)
    page = client.get(soon.get_absolute_url()).content.decode()
    deadline = soon.circulation_deadline(5)
    assert '<strong class="govuk-tag govuk-tag--red">Late</strong>' in page
    assert f"should have gone out by {deadline:%A} {deadline.day} {deadline:%B %Y}" in page


def test_late_circulation_is_not_flagged_before_the_deadline(client, cast):
    later = make_meeting(group=cast.group, starts_at=_in_days(7))  # deadline is tomorrow
    client.force_login(cast.member)
    page = client.get(later.get_absolute_url()).content.decode()
    assert "Late" not in page
    assert "Not circulated yet" in page


def test_the_groups_clear_days_set_the_deadline(client, cast):
    MeetingSettings.objects.create(group=cast.group, circulation_clear_days=1)
    soon = make_meeting(group=cast.group, starts_at=_in_days(3))
    client.force_login(cast.member)
    assert "Late" not in client.get(soon.get_absolute_url()).content.decode()


def test_a_circulated_agenda_says_when(client, cast):
    on_time = make_meeting(group=cast.group, starts_at=_in_days(10), circulated_at=timezone.now())
    late = make_meeting(group=cast.group, starts_at=_in_days(3), circulated_at=timezone.now())
    client.force_login(cast.member)
    page = client.get(on_time.get_absolute_url()).content.decode()
    assert "Agenda circulated on" in page and "Late" not in page
    page = client.get(late.get_absolute_url()).content.decode()
    assert "Agenda circulated on" in page and "It should have gone out by" in page


def test_a_cancelled_meeting_shows_a_banner(client, cast, meeting):
    services.meeting_cancel(meeting=meeting, reason="The hall is flooded")
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "This meeting has been cancelled." in page and "The hall is flooded" in page


def test_draft_minutes_are_shown_to_members_but_not_the_public(client, cast, meeting):
    item = meeting.items.get(title="Speeding on Church Lane")
    item.minutes = "Speed checks agreed with the police."
    item.save()
    Meeting.objects.filter(pk=meeting.pk).update(minutes_status=Meeting.MinutesStatus.DRAFT)
    assert "Speed checks agreed" not in client.get(meeting.get_absolute_url()).content.decode()
    client.force_login(cast.member)
    assert "Speed checks agreed" in client.get(meeting.get_absolute_url()).content.decode()


def test_approved_minutes_show_public_items_only_to_the_public(client, cast, meeting):
    public_item = meeting.items.get(title="Speeding on Church Lane")
    public_item.minutes = "Speed checks agreed."
    public_item.save()
    secret = meeting.items.get(is_confidential=True)
    secret.minutes = "Referred to the case panel."
    secret.save()
    meeting.decisions.create(item=secret, text="RESOLVED that the family be referred")
    meeting.decisions.create(item=public_item, text="RESOLVED that speed checks be held")
    Meeting.objects.filter(pk=meeting.pk).update(minutes_status=Meeting.MinutesStatus.APPROVED)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Speed checks agreed." in page and "RESOLVED that speed checks be held" in page
    assert "case panel" not in page and "family be referred" not in page
    assert reverse("meetings:minutes-pdf", kwargs={"pk": meeting.pk}) in page


# --- Scheduling ----------------------------------------------------------------------------


def _meeting_post(day: dt.date, **extra) -> dict:
    data = {
        "title": "",
        "date_0": day.day,
        "date_1": day.month,
        "date_2": day.year,
        "start_time": "18:00",
        "end_time": "20:00",
        "venue_name": "Oakfield Village Hall",
        "venue_address": "",
        "venue_access_notes": "Step-free entrance at the side",
        "online_link": "",
        "is_public": "on",
    }
    data.update(extra)
    return data


def test_an_organiser_schedules_a_meeting(client, cast):
    client.force_login(make_organiser(cast))
    day = timezone.localdate() + dt.timedelta(days=20)
    url = reverse("meetings:meeting-create", kwargs={"slug": cast.group.slug})
    assert client.get(url).status_code == 200
    response = client.post(url, _meeting_post(day))
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response.url == meeting.get_absolute_url()
    local = timezone.localtime(meeting.starts_at)
    assert (local.date(), local.hour) == (day, 18)
    assert meeting.items.filter(standing=AgendaItem.Standing.APOLOGIES).exists()


def test_an_overlapping_meeting_at_the_same_venue_warns(client, cast):
    day = timezone.localdate() + dt.timedelta(days=20)
    other = make_meeting(
        group=cast.board,
        starts_at=timezone.make_aware(dt.datetime.combine(day, dt.time(19, 0))),
        venue_name="Oakfield Village Hall",
    )
    client.force_login(make_organiser(cast))
    response = client.post(
        reverse("meetings:meeting-create", kwargs={"slug": cast.group.slug}), _meeting_post(day), follow=True
    )
    page = response.content.decode()
    assert f"{other.display_title} is also booked at Oakfield Village Hall" in page
    assert "govuk-warning-text" in page  # on the meeting's own page
    assert Meeting.objects.count() == 2  # a warning, not a refusal


def test_bad_times_are_refused_with_a_message(client, cast):
    client.force_login(make_organiser(cast))
    day = timezone.localdate() + dt.timedelta(days=20)
    url = reverse("meetings:meeting-create", kwargs={"slug": cast.group.slug})
    response = client.post(url, _meeting_post(day, start_time="20:00", end_time="18:00"))
    assert response.status_code == 400
    assert "The end time must be after the start time" in response.content.decode()
    response = client.post(url, _meeting_post(day, start_time="25:99"))
    assert response.status_code == 400
    assert "Enter a time on the 24-hour clock" in response.content.decode()
    response = client.post(url, _meeting_post(day, date_0="31", date_1="2"))
    assert response.status_code == 400
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("role", ["member", "outsider"])
def test_others_cannot_schedule(client, cast, role):
    client.force_login(getattr(cast, role))
    url = reverse("meetings:meeting-create", kwargs={"slug": cast.group.slug})
    day = timezone.localdate() + dt.timedelta(days=20)
    assert client.get(url).status_code == 403
    assert client.post(url, _meeting_post(day)).status_code == 403
    assert not Meeting.objects.exists()


def test_the_public_is_sent_to_sign_in(client, cast):
    url = reverse("meetings:meeting-create", kwargs={"slug": cast.group.slug})
    response = client.post(url, _meeting_post(timezone.localdate()))
    assert response.status_code == 302 and "login" in response.url
    assert not Meeting.objects.exists()


def _series_post(**extra) -> dict:
    year = timezone.localdate().year + 1
    data = {
        "frequency": "monthly",
        "week_of_month": "2",
        "weekday": "1",
        "start_time": "18:00",
        "end_time": "20:00",
        "starts_on_0": "1",
        "starts_on_1": "1",
        "starts_on_2": str(year),
        "ends_on_0": "31",
        "ends_on_1": "12",
        "ends_on_2": str(year),
        "count": "",
    }
    data.update(extra)
    return data


def test_a_series_is_previewed_then_scheduled(client, cast):
    client.force_login(cast.officer)
    url = reverse("meetings:series-create", kwargs={"slug": cast.group.slug})
    assert client.get(url).status_code == 200
    response = client.post(url, {**_series_post(), "preview": ""})
    assert response.status_code == 200
    assert len(response.context["preview"]) == 12
    assert "This will schedule 12 meetings" in response.content.decode()
    assert not Meeting.objects.exists()
    response = client.post(url, _series_post())
    assert response.status_code == 302
    assert Meeting.objects.filter(series=MeetingSeries.objects.get()).count() == 12


def test_a_monthly_series_without_a_week_is_refused(client, cast):
    client.force_login(cast.officer)
    response = client.post(
        reverse("meetings:series-create", kwargs={"slug": cast.group.slug}), _series_post(week_of_month="")
    )
    assert response.status_code == 400
    assert "Select which week of the month" in response.content.decode()
    assert not MeetingSeries.objects.exists()


def test_a_member_cannot_create_a_series(client, cast):
    client.force_login(cast.member)
    response = client.post(
        reverse("meetings:series-create", kwargs={"slug": cast.group.slug}), _series_post()
    )
    assert response.status_code == 403
    assert not MeetingSeries.objects.exists()


def test_organisers_change_the_settings(client, cast):
    client.force_login(make_organiser(cast))
    url = reverse("meetings:settings-edit", kwargs={"slug": cast.group.slug})
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"circulation_clear_days": "7", "quorum": "4", "standing_items": ["apologies", "any_other_business"]},
    )
    assert response.status_code == 302
    settings = MeetingSettings.objects.get(group=cast.group)
    assert (settings.circulation_clear_days, settings.quorum) == (7, 4)
    assert settings.standing_items == ["apologies", "any_other_business"]


def test_a_member_cannot_change_the_settings(client, cast):
    client.force_login(cast.member)
    url = reverse("meetings:settings-edit", kwargs={"slug": cast.group.slug})
    assert client.post(url, {"circulation_clear_days": "1", "quorum": "1"}).status_code == 403
    assert not MeetingSettings.objects.exists()


# --- Moving and cancelling -----------------------------------------------------------------------


def test_an_organiser_moves_a_meeting(client, cast, meeting):
    client.force_login(make_organiser(cast))
    url = reverse("meetings:meeting-edit", kwargs={"pk": meeting.pk})
    assert client.get(url).status_code == 200
    day = timezone.localdate() + dt.timedelta(days=40)
    response = client.post(url, _meeting_post(day, venue_name="The Library", is_public=""))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.venue_name == "The Library" and meeting.sequence == 1
    assert timezone.localtime(meeting.starts_at).date() == day


def test_a_member_cannot_move_or_cancel_a_meeting(client, cast, meeting):
    client.force_login(cast.member)
    before = Meeting.objects.values().get(pk=meeting.pk)
    day = timezone.localdate() + dt.timedelta(days=40)
    assert (
        client.post(
            reverse("meetings:meeting-edit", kwargs={"pk": meeting.pk}), _meeting_post(day)
        ).status_code
        == 403
    )
    response = client.post(
        reverse("meetings:meeting-cancel", kwargs={"pk": meeting.pk}), {"cancellation_reason": "No"}
    )
    assert response.status_code == 403
    assert Meeting.objects.values().get(pk=meeting.pk) == before


def test_cancelling_asks_for_a_reason(client, cast, meeting):
    client.force_login(make_organiser(cast))
    url = reverse("meetings:meeting-cancel", kwargs={"pk": meeting.pk})
    assert client.get(url).status_code == 200
    meeting.refresh_from_db()
    assert not meeting.is_cancelled  # GET changes nothing
    response = client.post(url, {"cancellation_reason": ""})
    assert response.status_code == 400
    assert "Enter the reason for cancelling the meeting" in response.content.decode()
    response = client.post(url, {"cancellation_reason": "The hall is flooded"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.is_cancelled and meeting.sequence == 1
    # a second go is refused with a message, not a server error
    assert client.post(url, {"cancellation_reason": "Again"}).status_code == 400
