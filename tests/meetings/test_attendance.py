"""Attendance: one row per current member, guests, quorum, idempotent saving, and who may record it."""

import pytest
from django.urls import reverse

from tandem.meetings.models import Attendance, MeetingSettings
from tests.factories import make_meeting, make_membership, make_organisation, make_organiser


@pytest.fixture
def meeting(cast):
    return make_meeting(group=cast.group)


def _url(meeting):
    return reverse("meetings:attendance-edit", kwargs={"pk": meeting.pk})


def _post(cast, **extra):
    data = {
        f"status-{cast.chair_person.pk}": "present",
        f"status-{cast.member_person.pk}": "apologies",
        f"status-{cast.police_rep.person.pk}": "present",
        f"organisation-{cast.police_rep.person.pk}": cast.police.pk,
    }
    data.update(extra)
    return data


def test_it_lists_every_current_member_with_their_organisation_prefilled(client, cast, meeting):
    client.force_login(make_organiser(cast))
    response = client.get(_url(meeting))
    assert response.status_code == 200
    html = response.content.decode()
    for person in (cast.chair_person, cast.member_person, cast.police_rep.person):
        assert f'name="status-{person.pk}"' in html
    assert f'<option value="{cast.police.pk}" selected>' in html
    assert "Not quorate: 0 members present, quorum 3" in html


def test_it_records_attendance_and_shows_the_quorum(client, cast, meeting):
    client.force_login(make_organiser(cast))
    response = client.post(_url(meeting), _post(cast), follow=True)
    assert response.status_code == 200
    rows = {a.person_id: a for a in meeting.attendance.all()}
    assert rows[cast.chair_person.pk].status == Attendance.Status.PRESENT
    assert rows[cast.member_person.pk].status == Attendance.Status.APOLOGIES
    assert rows[cast.police_rep.person.pk].organisation == cast.police
    assert "Not quorate: 2 members present, quorum 3" in response.content.decode()


def test_it_uses_the_groups_own_quorum(client, cast, meeting):
    MeetingSettings.objects.create(group=cast.group, quorum=2)
    client.force_login(make_organiser(cast))
    response = client.post(_url(meeting), _post(cast), follow=True)
    assert "Quorate: 2 members present, quorum 2" in response.content.decode()


def test_saving_twice_changes_the_same_rows(client, cast, meeting):
    client.force_login(make_organiser(cast))
    client.post(_url(meeting), _post(cast, guest_name="Gina Guest"))
    client.post(
        _url(meeting), _post(cast, **{f"status-{cast.member_person.pk}": "present"}, guest_name="Gina Guest")
    )
    assert meeting.attendance.count() == 4
    assert meeting.attendance.get(person=cast.member_person).status == Attendance.Status.PRESENT
    assert meeting.attendance.filter(guest_name="Gina Guest").count() == 1


def test_it_records_a_guest_who_does_not_count_towards_the_quorum(client, cast, meeting):
    youth = make_organisation(name="Oakfield Youth Club")
    client.force_login(make_organiser(cast))
    response = client.post(
        _url(meeting), _post(cast, guest_name="Gina Guest", guest_organisation=youth.pk), follow=True
    )
    guest = meeting.attendance.get(person__isnull=True)
    assert (guest.guest_name, guest.status, guest.organisation) == ("Gina Guest", "guest", youth)
    html = response.content.decode()
    assert "Gina Guest" in html
    assert "2 members present" in html


def test_it_refuses_a_guest_organisation_without_a_name(client, cast, meeting):
    client.force_login(make_organiser(cast))
    response = client.post(_url(meeting), {"guest_organisation": cast.police.pk})
    assert response.status_code == 400
    assert "Enter the guest&#x27;s name" in response.content.decode()
    assert not meeting.attendance.exists()


def test_it_refuses_an_unknown_status(client, cast, meeting):
    client.force_login(make_organiser(cast))
    response = client.post(_url(meeting), {f"status-{cast.chair_person.pk}": "asleep"})
    assert response.status_code == 400
    assert not meeting.attendance.exists()


def test_former_members_are_not_listed(client, cast, meeting):
    import datetime as dt

    former = make_membership(group=cast.group, start_date=dt.date(2020, 1, 1), end_date=dt.date(2021, 1, 1))
    client.force_login(make_organiser(cast))
    response = client.get(_url(meeting))
    assert f'name="status-{former.person.pk}"' not in response.content.decode()


@pytest.mark.parametrize("role, status", [("member", 403), ("outsider", 403)])
def test_people_who_do_not_run_the_group_cannot_record_attendance(client, cast, meeting, role, status):
    client.force_login(getattr(cast, role))
    assert client.get(_url(meeting)).status_code == status
    assert client.post(_url(meeting), _post(cast)).status_code == status
    assert not meeting.attendance.exists()


def test_a_private_meeting_is_not_found_for_outsiders(client, cast):
    meeting = make_meeting(group=cast.private_group, is_public=False)
    client.force_login(cast.outsider)
    assert client.post(_url(meeting), {}).status_code == 404
    assert not meeting.attendance.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, cast, meeting):
    response = client.post(_url(meeting), _post(cast))
    assert response.status_code == 302
    assert "login" in response["Location"]
    assert not meeting.attendance.exists()


def test_an_officer_can_record_attendance(client, cast, meeting):
    client.force_login(cast.officer)
    assert client.post(_url(meeting), _post(cast)).status_code == 302
    assert meeting.attendance.count() == 3
