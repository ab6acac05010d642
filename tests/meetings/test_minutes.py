"""Minutes: points noted per item, decisions, actions arising, approval at the next meeting, corrections."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tandem.meetings import minutes as services
from tandem.meetings.models import (
    ActionArising,
    AgendaItem,
    Decision,
    Meeting,
    MinutesCorrection,
)
from tests.factories import make_group, make_meeting, make_organiser, make_person


def _at(days: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(18, 0)))


@pytest.fixture
def meeting(cast):
    meeting = make_meeting(group=cast.group, starts_at=_at(-30))
    AgendaItem.objects.create(meeting=meeting, position=1, title="Apologies", standing="apologies")
    AgendaItem.objects.create(meeting=meeting, position=2, title="Parking on Elm Road")
    AgendaItem.objects.create(meeting=meeting, position=3, title="A family at risk", is_confidential=True)
    return meeting


@pytest.fixture
def organiser(client, cast):
    user = make_organiser(cast)
    client.force_login(user)
    return user


def _item(meeting, position):
    return meeting.items.get(position=position)


def _minutes_url(meeting):
    return reverse("meetings:minutes-edit", kwargs={"pk": meeting.pk})


def _decision_url(meeting, item=None):
    url = reverse("meetings:decision-create", kwargs={"pk": meeting.pk})
    return f"{url}?item={item.pk}" if item else url


def _action_url(meeting, item=None):
    url = reverse("meetings:action-create", kwargs={"pk": meeting.pk})
    return f"{url}?item={item.pk}" if item else url


def _approve_url(meeting):
    return reverse("meetings:minutes-approve", kwargs={"pk": meeting.pk})


def _draft(meeting, text="Residents report vans parked on the verge."):
    services.item_minutes_record(meeting=meeting, minutes={_item(meeting, 2).pk: text})
    meeting.refresh_from_db()
    return meeting


# --- Minutes page --------------------------------------------------------------------


def test_the_minutes_page_shows_every_item_including_confidential_ones(client, organiser, meeting):
    response = client.get(_minutes_url(meeting))
    assert response.status_code == 200
    html = response.content.decode()
    for item in meeting.items.all():
        assert f'name="item-{item.pk}"' in html
    assert "A family at risk" in html


def test_saving_minutes_makes_them_draft(client, organiser, meeting):
    parking = _item(meeting, 2)
    response = client.post(
        _minutes_url(meeting), {f"item-{parking.pk}": "Vans on the verge.\nPCSO to visit."}
    )
    assert response.status_code == 302
    parking.refresh_from_db()
    meeting.refresh_from_db()
    assert parking.minutes == "Vans on the verge.\nPCSO to visit."
    assert meeting.minutes_status == Meeting.MinutesStatus.DRAFT


def test_item_minutes_of_another_meeting_are_refused(cast, meeting):
    other = make_meeting(group=cast.group, starts_at=_at(-10))
    stray = AgendaItem.objects.create(meeting=other, title="Elsewhere")
    with pytest.raises(ValidationError):
        services.item_minutes_record(meeting=meeting, minutes={stray.pk: "no"})
    stray.refresh_from_db()
    assert stray.minutes == ""


# --- Decisions -----------------------------------------------------------------------


def test_it_records_a_decision_without_a_vote(client, organiser, meeting):
    parking = _item(meeting, 2)
    assert client.get(_decision_url(meeting, parking)).status_code == 200
    response = client.post(
        _decision_url(meeting, parking),
        {"item": parking.pk, "text": "RESOLVED that the Panel asks the council for a parking survey"},
    )
    assert response.status_code == 302
    decision = meeting.decisions.get()
    assert (decision.item, decision.votes_for, decision.kind) == (parking, None, Decision.Kind.RESOLUTION)
    meeting.refresh_from_db()
    assert meeting.minutes_status == Meeting.MinutesStatus.DRAFT


def test_it_records_a_decision_with_a_vote(client, organiser, meeting):
    response = client.post(
        _decision_url(meeting),
        {"text": "RESOLVED that the grant be made", "votes_for": 6, "votes_against": 1, "abstentions": 0},
    )
    assert response.status_code == 302
    decision = meeting.decisions.get()
    assert (decision.votes_for, decision.votes_against, decision.abstentions) == (6, 1, 0)


@pytest.mark.parametrize(
    "votes, message",
    [
        ({"votes_for": 6}, "or leave all three blank"),
        ({"votes_for": -1, "votes_against": 0, "abstentions": 0}, "0 or more"),
        ({"votes_for": "six", "votes_against": 0, "abstentions": 0}, "whole number"),
    ],
)
def test_it_refuses_bad_votes_and_saves_nothing(client, organiser, meeting, votes, message):
    response = client.post(_decision_url(meeting), {"text": "RESOLVED that the grant be made", **votes})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not meeting.decisions.exists()
    meeting.refresh_from_db()
    assert meeting.minutes_status == Meeting.MinutesStatus.NONE


def test_it_refuses_a_decision_with_no_text(client, organiser, meeting):
    response = client.post(_decision_url(meeting), {"text": ""})
    assert response.status_code == 400
    assert "Enter the decision" in response.content.decode()
    assert not meeting.decisions.exists()


def test_the_service_refuses_part_of_a_vote(meeting):
    with pytest.raises(ValidationError):
        services.decision_record(meeting=meeting, text="RESOLVED that", votes_for=3)
    assert not meeting.decisions.exists()


def test_a_decision_can_be_removed_while_the_minutes_are_draft(client, organiser, meeting):
    decision = services.decision_record(meeting=meeting, text="RESOLVED that the grant be made")
    response = client.post(reverse("meetings:decision-delete", kwargs={"pk": decision.pk}))
    assert response.status_code == 302
    assert not meeting.decisions.exists()


# --- Actions arising -------------------------------------------------------------------


def test_it_records_an_action_with_a_lead_and_a_due_date(client, cast, organiser, meeting):
    parking = _item(meeting, 2)
    due = timezone.localdate() + dt.timedelta(days=14)
    assert client.get(_action_url(meeting, parking)).status_code == 200
    response = client.post(
        _action_url(meeting, parking),
        {
            "item": parking.pk,
            "description": "Visit Elm Road and leaflet the vans",
            "lead": cast.police_rep.person.pk,
            "lead_organisation": cast.police.pk,
            "due_on_0": due.day,
            "due_on_1": due.month,
            "due_on_2": due.year,
        },
    )
    assert response.status_code == 302
    action = meeting.actions_arising.get()
    assert (action.item, action.lead, action.lead_organisation, action.due_on) == (
        parking,
        cast.police_rep.person,
        cast.police,
        due,
    )


def test_it_refuses_an_action_without_a_lead_or_a_date(client, organiser, meeting):
    response = client.post(_action_url(meeting), {"description": "Something"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose who leads" in html
    assert "Enter the date it is to be done by" in html
    assert not ActionArising.objects.exists()


def test_it_refuses_a_lead_who_is_not_a_member(client, organiser, meeting):
    stranger = make_person(name="Sam Stranger")
    due = timezone.localdate() + dt.timedelta(days=14)
    with pytest.raises(ValidationError):
        services.action_arising_record(meeting=meeting, description="x", lead=stranger, due_on=due)
    response = client.post(
        _action_url(meeting),
        {
            "description": "x",
            "lead": stranger.pk,
            "due_on_0": due.day,
            "due_on_1": due.month,
            "due_on_2": due.year,
        },
    )
    assert response.status_code == 400
    assert not ActionArising.objects.exists()


def test_an_action_can_be_removed_while_the_minutes_are_draft(client, cast, organiser, meeting):
    action = services.action_arising_record(
        meeting=meeting, description="Leaflet", lead_organisation=cast.police, due_on=timezone.localdate()
    )
    assert client.post(reverse("meetings:action-delete", kwargs={"pk": action.pk})).status_code == 302
    assert not ActionArising.objects.exists()


# --- Approval at the next meeting ---------------------------------------------------------


@pytest.fixture
def next_meeting(cast, meeting):
    b = make_meeting(group=cast.group, starts_at=_at(-1))
    AgendaItem.objects.create(
        meeting=b, position=1, title="Minutes of the last meeting", standing="previous_minutes"
    )
    return b


def test_the_next_meeting_approves_the_draft_minutes(client, organiser, meeting, next_meeting):
    _draft(meeting)
    assert client.get(_approve_url(next_meeting)).status_code == 200
    response = client.post(_approve_url(next_meeting))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes_status == Meeting.MinutesStatus.APPROVED
    assert meeting.minutes_approved_at is not None
    decision = next_meeting.decisions.get()
    assert decision.kind == Decision.Kind.MINUTES_APPROVAL
    assert decision.approves_minutes_of == meeting
    assert decision.item.standing == AgendaItem.Standing.PREVIOUS_MINUTES
    held = timezone.localtime(meeting.starts_at)
    assert decision.text == (
        f"RESOLVED that the minutes of the meeting held on {held:%A} {held.day} {held:%B %Y} "
        "be approved as a correct record"
    )


def test_approving_twice_is_refused(client, organiser, meeting, next_meeting):
    _draft(meeting)
    client.post(_approve_url(next_meeting))
    response = client.post(_approve_url(next_meeting))
    assert response.status_code == 400
    assert "already been approved" in response.content.decode()
    assert Decision.objects.filter(kind=Decision.Kind.MINUTES_APPROVAL).count() == 1


def test_minutes_not_started_cannot_be_approved(client, organiser, meeting, next_meeting):
    response = client.post(_approve_url(next_meeting))
    assert response.status_code == 400
    assert "no minutes to approve" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.minutes_status == Meeting.MinutesStatus.NONE
    assert not Decision.objects.exists()


def test_the_first_meeting_has_nothing_to_approve(client, organiser, meeting):
    response = client.post(_approve_url(meeting))
    assert response.status_code == 400
    assert not Decision.objects.exists()


def test_the_service_refuses_an_earlier_meeting_or_another_group(cast, meeting, next_meeting):
    _draft(meeting)
    with pytest.raises(ValidationError, match="later meeting"):
        services.minutes_approve(meeting=meeting, previous=next_meeting)
    elsewhere = make_meeting(group=make_group(partnership=cast.partnership), starts_at=_at(5))
    with pytest.raises(ValidationError, match="same group"):
        services.minutes_approve(meeting=elsewhere, previous=meeting)
    meeting.refresh_from_db()
    assert meeting.minutes_status == Meeting.MinutesStatus.DRAFT
    assert not Decision.objects.exists()


def test_cancelled_meetings_are_skipped_when_finding_the_previous_one(cast, meeting, next_meeting):
    make_meeting(group=cast.group, starts_at=_at(-5), status=Meeting.Status.CANCELLED)
    assert services.previous_meeting(meeting=next_meeting) == meeting


# --- After approval --------------------------------------------------------------------


@pytest.fixture
def approved(meeting, next_meeting):
    _draft(meeting)
    services.decision_record(meeting=meeting, text="RESOLVED that the survey go ahead")
    services.minutes_approve(meeting=next_meeting, previous=meeting)
    meeting.refresh_from_db()
    return meeting


def test_approved_minutes_cannot_be_edited(client, organiser, approved):
    parking = _item(approved, 2)
    response = client.post(_minutes_url(approved), {f"item-{parking.pk}": "Rewritten"})
    assert response.status_code == 400
    assert "record a correction" in response.content.decode()
    parking.refresh_from_db()
    assert parking.minutes == "Residents report vans parked on the verge."


def test_the_approved_minutes_page_offers_a_correction(client, organiser, approved):
    response = client.get(_minutes_url(approved))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Record a correction" in html
    assert 'name="item-' not in html


def test_decisions_and_actions_cannot_change_after_approval(client, cast, organiser, approved):
    decision = approved.decisions.get()
    response = client.post(reverse("meetings:decision-delete", kwargs={"pk": decision.pk}))
    assert response.status_code == 400
    assert Decision.objects.filter(pk=decision.pk).exists()
    response = client.post(_decision_url(approved), {"text": "RESOLVED that something else"})
    assert response.status_code == 400
    assert approved.decisions.count() == 1
    due = timezone.localdate() + dt.timedelta(days=3)
    response = client.post(
        _action_url(approved),
        {
            "description": "x",
            "lead_organisation": cast.police.pk,
            "due_on_0": due.day,
            "due_on_1": due.month,
            "due_on_2": due.year,
        },
    )
    assert response.status_code == 400
    assert not ActionArising.objects.exists()


def test_a_correction_is_recorded_and_shown_with_the_minutes(client, organiser, approved):
    parking = _item(approved, 2)
    url = reverse("meetings:correction-create", kwargs={"pk": approved.pk})
    assert client.get(f"{url}?item={parking.pk}").status_code == 200
    response = client.post(
        url,
        {
            "item": parking.pk,
            "reason": "The road was misnamed.",
            "new_text": "Vans parked on the verge of Ash Road.",
        },
    )
    assert response.status_code == 302
    correction = MinutesCorrection.objects.get()
    assert correction.previous_text == "Residents report vans parked on the verge."
    assert correction.new_text == "Vans parked on the verge of Ash Road."
    assert correction.recorded_by == organiser
    parking.refresh_from_db()
    assert parking.minutes == "Vans parked on the verge of Ash Road."
    html = client.get(_minutes_url(approved)).content.decode()
    assert "The road was misnamed." in html


def test_a_correction_with_no_change_or_reason_is_refused(client, organiser, approved):
    parking = _item(approved, 2)
    url = reverse("meetings:correction-create", kwargs={"pk": approved.pk})
    response = client.post(url, {"item": parking.pk, "reason": "", "new_text": parking.minutes})
    assert response.status_code == 400
    response = client.post(url, {"item": parking.pk, "reason": "Why not", "new_text": parking.minutes})
    assert response.status_code == 400
    assert "the same as the approved minutes" in response.content.decode()
    assert not MinutesCorrection.objects.exists()


def test_draft_minutes_are_not_corrected_but_edited(client, organiser, meeting):
    _draft(meeting)
    url = reverse("meetings:correction-create", kwargs={"pk": meeting.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, {"item": _item(meeting, 2).pk, "reason": "r", "new_text": "n"})
    assert response.status_code == 400
    assert not MinutesCorrection.objects.exists()


# --- Who may take minutes -----------------------------------------------------------------


@pytest.mark.parametrize("role", ["member", "outsider"])
def test_people_who_do_not_run_the_group_get_403_and_nothing_changes(
    client, cast, meeting, next_meeting, role
):
    _draft(meeting)
    decision = services.decision_record(meeting=meeting, text="RESOLVED that x")
    client.force_login(getattr(cast, role))
    parking = _item(meeting, 2)
    assert client.get(_minutes_url(meeting)).status_code == 403
    assert client.post(_minutes_url(meeting), {f"item-{parking.pk}": "Changed"}).status_code == 403
    assert client.post(_decision_url(meeting), {"text": "RESOLVED that y"}).status_code == 403
    assert client.post(reverse("meetings:decision-delete", kwargs={"pk": decision.pk})).status_code == 403
    assert client.post(_approve_url(next_meeting)).status_code == 403
    parking.refresh_from_db()
    meeting.refresh_from_db()
    assert parking.minutes == "Residents report vans parked on the verge."
    assert meeting.decisions.count() == 1
    assert meeting.minutes_status == Meeting.MinutesStatus.DRAFT


def test_a_private_groups_minutes_are_not_found_for_outsiders(client, cast):
    meeting = make_meeting(group=cast.private_group, is_public=False)
    client.force_login(cast.outsider)
    for url in (_minutes_url(meeting), _decision_url(meeting), _action_url(meeting), _approve_url(meeting)):
        assert client.get(url).status_code == 404
    assert client.post(_decision_url(meeting), {"text": "RESOLVED that"}).status_code == 404
    assert not Decision.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, meeting):
    response = client.post(_decision_url(meeting), {"text": "RESOLVED that"})
    assert response.status_code == 302
    assert "login" in response["Location"]
    assert not Decision.objects.exists()
