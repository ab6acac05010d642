"""The meetings API shows what the pages show, and no more."""

import pytest
from django.urls import reverse

from tandem.meetings.models import ActionArising, AgendaItem, Attendance, Decision, Meeting
from tests.factories import make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(cast):
    meeting = make_meeting(group=cast.group)
    AgendaItem.objects.create(meeting=meeting, position=1, title="Speeding on Mill Lane", minutes="Noted.")
    AgendaItem.objects.create(
        meeting=meeting, position=2, title="Family at 4 Acacia Road", is_confidential=True, minutes="Private."
    )
    Decision.objects.create(meeting=meeting, text="RESOLVED that a speed watch be set up.")
    ActionArising.objects.create(meeting=meeting, description="Book the speed gun", lead=cast.chair_person)
    Attendance.objects.create(meeting=meeting, person=cast.chair_person, status=Attendance.Status.PRESENT)
    meeting.minutes_status = Meeting.MinutesStatus.DRAFT
    meeting.save(update_fields=["minutes_status"])
    return meeting


def _titles(client, meeting):
    response = client.get(reverse("agenda-item-list"), {"meeting": meeting.pk})
    assert response.status_code == 200
    return [row["title"] for row in response.json()["results"]]


def test_the_public_sees_public_items_but_not_confidential_ones(client, meeting):
    assert _titles(client, meeting) == ["Speeding on Mill Lane"]


def test_a_member_of_the_group_sees_the_confidential_item(client, cast, meeting):
    client.force_login(cast.member)

    assert _titles(client, meeting) == ["Speeding on Mill Lane", "Family at 4 Acacia Road"]


def test_draft_minutes_are_not_public_until_approved(client, cast, meeting):
    decisions = client.get(reverse("decision-list"), {"meeting": meeting.pk}).json()
    items = client.get(reverse("agenda-item-list"), {"meeting": meeting.pk}).json()
    assert decisions["count"] == 0
    assert items["results"][0]["minutes"] is None

    meeting.minutes_status = Meeting.MinutesStatus.APPROVED
    meeting.save(update_fields=["minutes_status"])

    decisions = client.get(reverse("decision-list"), {"meeting": meeting.pk}).json()
    actions = client.get(reverse("action-arising-list"), {"meeting": meeting.pk}).json()
    assert [d["text"] for d in decisions["results"]] == ["RESOLVED that a speed watch be set up."]
    assert actions["results"][0]["description"] == "Book the speed gun"
    assert actions["results"][0]["lead"] is None  # the chair has not agreed to be named publicly


def test_attendance_is_for_members_and_officers_only(client, cast, meeting):
    assert client.get(reverse("attendance-list")).json()["count"] == 0
    client.force_login(cast.outsider)
    assert client.get(reverse("attendance-list")).json()["count"] == 0

    client.force_login(cast.officer)
    rows = client.get(reverse("attendance-list"), {"meeting": meeting.pk}).json()["results"]
    assert rows == [
        {
            "id": rows[0]["id"],
            "meeting": meeting.pk,
            "name": "Chris Chair",
            "organisation": None,
            "status": "present",
        }
    ]


def test_a_private_groups_meetings_are_hidden_from_the_public(client, cast):
    hidden = make_meeting(group=cast.private_group, is_public=False)

    listed = client.get(reverse("meeting-list")).json()["results"]

    assert hidden.pk not in [row["id"] for row in listed]
    assert client.get(reverse("meeting-detail", args=[hidden.pk])).status_code == 404


def test_a_bad_filter_is_refused_with_a_message(client, cast):
    response = client.get(reverse("agenda-item-list"), {"meeting": "abc"})

    assert response.status_code == 400
    assert "meeting" in response.json()
    assert client.get(reverse("meeting-list"), {"starts_after": "31/02/2025"}).status_code == 400


def test_the_api_cannot_change_meetings(client, cast, meeting):
    client.force_login(cast.administrator)

    response = client.post(reverse("meeting-list"), {"title": "x"}, content_type="application/json")

    assert response.status_code == 405
    assert Meeting.objects.count() == 1


def test_the_demo_has_a_year_of_minuted_meetings_and_some_to_come(db):
    from django.core.management import call_command
    from django.utils import timezone

    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    before = Meeting.objects.count()
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert Meeting.objects.count() == before
    now = timezone.now()
    past = Meeting.objects.filter(starts_at__lt=now)
    assert past.filter(starts_at__lt=now - timezone.timedelta(days=300)).exists()
    assert Meeting.objects.filter(starts_at__gt=now).exists()
    assert past.filter(minutes_status=Meeting.MinutesStatus.APPROVED).exists()
    approval = Decision.objects.filter(kind=Decision.Kind.MINUTES_APPROVAL).first()
    assert approval.approves_minutes_of.starts_at < approval.meeting.starts_at
    assert ActionArising.objects.filter(lead__isnull=False, due_on__isnull=False).exists()
