"""The leads' weekly digest (one email per person), its one-click progress links, evaluation
reminders, the command and the self-scheduling background task."""

import datetime as dt
import re
import time
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tandem.actionplans import digest
from tandem.actionplans.models import Action, ActionUpdate, DigestSent, Reminder
from tandem.actionplans.tasks import schedule_weekly_digests, send_weekly_digests
from tests.factories import make_membership, make_person

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
LINK = re.compile(r"https?://[^/\s\"]+(/actions/\d+/progress/[^/\s\"]+/)")


def _today() -> dt.date:
    return timezone.localdate()


def _days(n: int) -> dt.date:
    return _today() + dt.timedelta(days=n)


@pytest.fixture
def leads(cast, make_action):
    """Chris Chair leads actions in two groups; Mary Member one; PC Paula Beat (no email) one."""
    chris, mary, paula = cast.chair_person, cast.member_person, cast.police_rep.person
    actions = {
        "overdue": make_action("Fix the broken streetlight", lead=chris, due_on=_days(-3)),
        "board": make_action(
            "Report to the board on lighting", group=cast.board, lead=chris, due_on=_days(10)
        ),
        "far": make_action("Plan next year's festival", lead=chris, due_on=_days(40)),
        "mary": make_action("Leaflet the estate", lead=mary, due_on=_days(5)),
        "paula": make_action("Patrol Mill Lane", lead=paula, due_on=_days(2)),
        "done": make_action("Clear the graffiti", lead=chris, due_on=_days(-10)),
        "cancelled": make_action("Cancelled work", lead=chris, due_on=_days(1)),
    }
    Action.objects.filter(pk=actions["done"].pk).update(status=Action.Status.DONE, worked=Action.Worked.YES)
    Action.objects.filter(pk=actions["cancelled"].pk).update(status=Action.Status.CANCELLED)
    return actions


def _mail_to(address: str):
    found = [message for message in mail.outbox if message.to == [address]]
    assert len(found) == 1, f"expected one email to {address}, got {len(found)}"
    return found[0]


def _html(message) -> str:
    return message.alternatives[0][0]


def _path_for(message, action: Action) -> str:
    paths = [path for path in LINK.findall(message.body) if path.startswith(f"/actions/{action.pk}/")]
    assert len(paths) == 1
    return paths[0]


# --- One email per person ------------------------------------------------------------------


def test_each_lead_gets_one_email_for_all_their_actions_in_every_group(cast, leads):
    # when
    report = digest.digests_send()

    # then: Chris and Mary, one email each; PC Paula Beat has no email address
    assert sorted(m.to[0] for m in mail.outbox) == ["chris@example.org", "member@example.org"]
    chris = _mail_to("chris@example.org")
    for text in (chris.body, _html(chris)):
        assert "Fix the broken streetlight" in text and "Report to the board on lighting" in text
        assert cast.group.name in text and cast.board.name in text
        for left_out in ("Plan next year", "Clear the graffiti", "Cancelled work", "Leaflet the estate"):
            assert left_out not in text
    assert chris.subject == "Your actions: 1 overdue and 1 due in the next two weeks"
    assert "OVERDUE" in chris.body and "DUE IN THE NEXT TWO WEEKS" in chris.body
    assert [p.name for p in report.without_email] == ["PC Paula Beat"]
    assert DigestSent.objects.get(person=cast.chair_person).action_count == 2


def test_a_second_run_in_the_same_week_sends_nothing(cast, leads):
    digest.digests_send()
    sent = len(mail.outbox)

    report = digest.digests_send()

    assert len(mail.outbox) == sent == 2
    assert report.sent == [] and {p.name for p in report.already_sent} == {"Chris Chair", "Mary Member"}
    assert DigestSent.objects.count() == 2


def test_next_week_they_get_another(cast, leads):
    digest.digests_send()
    digest.digests_send(week=_days(7))
    assert len(mail.outbox) == 4
    assert DigestSent.objects.filter(week_start=digest.week_start_for(_days(7))).count() == 2


def test_a_failed_email_is_not_recorded_and_goes_next_run(cast, leads):
    with mock.patch.object(EmailMultiAlternatives, "send", side_effect=OSError("mail server down")):
        report = digest.digests_send()
    assert len(report.failed) == 2 and not DigestSent.objects.exists()

    digest.digests_send()
    assert len(mail.outbox) == 2


def test_a_lead_whose_account_is_closed_gets_no_digest(cast, make_action):
    make_action("Knock on doors", lead=cast.member_person, due_on=_days(1))
    cast.member.is_active = False
    cast.member.save(update_fields=["is_active"])
    digest.digests_send()
    assert mail.outbox == []


def test_a_dry_run_sends_and_records_nothing(cast, leads):
    report = digest.digests_send(dry_run=True)
    assert mail.outbox == [] and not DigestSent.objects.exists()
    assert {d.person.name for d in report.sent} == {"Chris Chair", "Mary Member"}


# --- The one-click progress link ---------------------------------------------------------------


def test_the_lead_follows_the_link_in_the_email_and_posts_progress(client, cast, leads):
    # given
    digest.digests_send()
    action = leads["board"]
    path = _path_for(_mail_to("chris@example.org"), action)

    # when: they open it, not signed in
    page = client.get(path)

    # then
    assert page.status_code == 200
    html = page.content.decode()
    assert "Report to the board on lighting" in html and "Post a progress update" in html
    assert re.search(r'value="not_started"\s+checked', html)

    # when: they post an update and say it is at risk
    response = client.post(path, {"text": "The council has not replied yet.", "status": "at_risk"})

    # then
    assert response.status_code == 302 and response["Location"] == path
    update = ActionUpdate.objects.get(action=action)
    assert update.text == "The council has not replied yet." and update.status == Action.Status.AT_RISK
    assert update.author_person == cast.chair_person and update.author is None
    assert not update.is_internal
    action.refresh_from_db()
    assert action.status == Action.Status.AT_RISK
    followed = client.get(path).content.decode()
    assert (
        "your progress update has been posted" in followed and "The council has not replied yet." in followed
    )


def test_a_signed_in_user_following_the_link_is_recorded_as_well(client, cast, leads):
    digest.digests_send()
    path = _path_for(_mail_to("member@example.org"), leads["mary"])
    client.force_login(cast.member)
    client.post(path, {"text": "Half done", "status": "on_track", "is_internal": "on"})
    update = ActionUpdate.objects.get()
    assert update.author == cast.member and update.author_person == cast.member_person and update.is_internal


def test_the_link_cannot_mark_an_action_done_or_post_nothing(client, cast, leads):
    path = digest.progress_path(action=leads["board"], person=cast.chair_person)
    response = client.post(path, {"text": "", "status": "done"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter what has happened since the last update" in html
    assert "Select a valid choice" in html
    assert not ActionUpdate.objects.exists()
    leads["board"].refresh_from_db()
    assert leads["board"].status == Action.Status.NOT_STARTED


def test_an_expired_link_is_not_found(client, cast, leads):
    # given: a link made 31 days ago
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 31 * 24 * 3600):
        path = digest.progress_path(action=leads["board"], person=cast.chair_person)

    # then
    response = client.get(path)
    assert response.status_code == 404 and "This link does not work" in response.content.decode()
    assert "Report to the board" not in response.content.decode()
    assert client.post(path, {"text": "Late", "status": "on_track"}).status_code == 404
    assert not ActionUpdate.objects.exists()


def test_a_link_a_day_short_of_30_days_still_works(client, cast, leads):
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 29 * 24 * 3600):
        path = digest.progress_path(action=leads["board"], person=cast.chair_person)
    assert client.get(path).status_code == 200


def test_a_tampered_link_is_not_found(client, cast, leads):
    action = leads["board"]
    token = digest.progress_token(action_id=action.pk, person_id=cast.chair_person.pk)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for bad in (tampered, "nonsense", token.split(":")[0]):
        url = reverse("actionplans:progress-by-link", kwargs={"pk": action.pk, "token": bad})
        assert client.get(url).status_code == 404
    # a good token used for another action
    other = reverse("actionplans:progress-by-link", kwargs={"pk": leads["overdue"].pk, "token": token})
    assert client.get(other).status_code == 404


def test_a_person_who_no_longer_leads_the_action_is_refused(client, cast, leads):
    action = leads["board"]
    path = digest.progress_path(action=action, person=cast.chair_person)
    Action.objects.filter(pk=action.pk).update(lead=cast.member_person)
    assert client.get(path).status_code == 404
    assert client.post(path, {"text": "Done it", "status": "on_track"}).status_code == 404
    assert not ActionUpdate.objects.exists()


def test_a_done_action_says_it_is_no_longer_open(client, cast, leads):
    action = leads["board"]
    path = digest.progress_path(action=action, person=cast.chair_person)
    Action.objects.filter(pk=action.pk).update(status=Action.Status.DONE, worked=Action.Worked.PARTLY)

    response = client.get(path)
    assert response.status_code == 410
    assert "This action is no longer open" in response.content.decode()
    assert client.post(path, {"text": "More", "status": "on_track"}).status_code == 410
    assert not ActionUpdate.objects.exists()


def test_posting_from_the_link_needs_the_csrf_token(cast, leads):
    path = digest.progress_path(action=leads["board"], person=cast.chair_person)
    strict = Client(enforce_csrf_checks=True)
    assert strict.get(path).status_code == 200
    assert strict.post(path, {"text": "Forged", "status": "on_track"}).status_code == 403
    assert not ActionUpdate.objects.exists()


# --- Evaluation reminders -------------------------------------------------------------------


@pytest.fixture
def awaiting_evaluation(cast, make_action):
    action = make_action("Install a gate", lead=cast.chair_person, due_on=_days(-60))
    Action.objects.filter(pk=action.pk).update(status=Action.Status.DONE, evaluate_by=_today())
    return Reminder.objects.create(action=action, kind="evaluation", due_on=_today())


def test_a_due_evaluation_reminder_is_emailed_to_the_lead_once(cast, awaiting_evaluation):
    report = digest.reminders_send()
    assert len(report.sent) == 1
    message = _mail_to("chris@example.org")
    assert message.subject == "Evaluate: Install a gate"
    evaluate = reverse("actionplans:action-evaluate", kwargs={"pk": awaiting_evaluation.action_id})
    assert evaluate in message.body and evaluate in _html(message)
    awaiting_evaluation.refresh_from_db()
    assert awaiting_evaluation.sent_at is not None

    digest.reminders_send()
    assert len(mail.outbox) == 1


def test_reminders_not_yet_due_or_no_longer_needed_are_not_sent(cast, awaiting_evaluation, make_action):
    Reminder.objects.filter(pk=awaiting_evaluation.pk).update(due_on=_days(1))
    evaluated = make_action("Fence mended", lead=cast.chair_person, due_on=_days(-30))
    Action.objects.filter(pk=evaluated.pk).update(status=Action.Status.DONE, worked=Action.Worked.YES)
    Reminder.objects.create(action=evaluated, kind="evaluation", due_on=_days(-1))
    assert digest.reminders_send().sent == [] and mail.outbox == []


# --- The command and the task ------------------------------------------------------------------


def test_the_command_sends_and_says_what_it_sent(cast, leads, awaiting_evaluation, capsys):
    call_command("send_action_digests")
    out = capsys.readouterr().out
    assert "Sent 2 digests" in out and "Chris Chair <chris@example.org>: 1 overdue, 1 due soon" in out
    assert "PC Paula Beat" in out and "Sent 1 evaluation reminder" in out
    assert len(mail.outbox) == 3

    call_command("send_action_digests")
    assert "Sent 0 digests" in capsys.readouterr().out and len(mail.outbox) == 3


def test_the_command_dry_run_and_another_week(cast, leads, capsys):
    call_command("send_action_digests", "--dry-run", "--week", _days(7).isoformat())
    out = capsys.readouterr().out
    assert "Would send 2 digests" in out and "dry run" in out
    assert mail.outbox == [] and not DigestSent.objects.exists()


def test_the_command_refuses_a_bad_week(cast):
    with pytest.raises(CommandError, match="is not a date"):
        call_command("send_action_digests", "--week", "next monday")


@pytest.fixture
def dummy_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    backend = send_weekly_digests.get_backend()
    backend.clear()
    return backend


def test_the_task_sends_the_digests_and_queues_itself_for_next_monday_at_seven(cast, leads, dummy_tasks):
    result = send_weekly_digests.call()

    assert result["digests"]["sent"] == 2 and len(mail.outbox) == 2
    [queued] = dummy_tasks.results
    assert queued.task.func is send_weekly_digests.func
    run_after = queued.task.run_after.astimezone(LONDON)
    assert run_after.weekday() == 0 and (run_after.hour, run_after.minute) == (7, 0)
    assert run_after > timezone.now() and run_after - timezone.now() <= dt.timedelta(days=7)


def test_the_command_enqueue_option_queues_the_weekly_task(cast, dummy_tasks, capsys):
    call_command("send_action_digests", "--enqueue")
    assert "Queued the weekly digest for Monday" in capsys.readouterr().out
    assert len(dummy_tasks.results) == 1 and mail.outbox == []


def test_a_backend_that_cannot_wait_does_not_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    assert schedule_weekly_digests() is None


def test_the_database_backend_does_not_queue_the_same_run_twice(db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    now = dt.datetime(2026, 3, 4, 12, 0, tzinfo=LONDON)
    assert schedule_weekly_digests(now=now) is not None
    assert schedule_weekly_digests(now=now) is None


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # a Monday before seven: that morning
        (dt.datetime(2026, 3, 2, 6, 59, tzinfo=LONDON), dt.datetime(2026, 3, 2, 7, 0, tzinfo=LONDON)),
        # a Monday at seven: the next
        (dt.datetime(2026, 3, 2, 7, 0, tzinfo=LONDON), dt.datetime(2026, 3, 9, 7, 0, tzinfo=LONDON)),
        # the Sunday the clocks go forward: 07:00 BST, which is 06:00 UTC
        (dt.datetime(2026, 3, 29, 12, 0, tzinfo=LONDON), dt.datetime(2026, 3, 30, 6, 0, tzinfo=dt.UTC)),
        # a Wednesday in October, after the clocks went back: 07:00 GMT
        (dt.datetime(2026, 10, 28, 9, 0, tzinfo=LONDON), dt.datetime(2026, 11, 2, 7, 0, tzinfo=dt.UTC)),
    ],
)
def test_the_next_run_is_monday_at_seven_london_time(now, expected):
    assert digest.next_run_after(now) == expected


def test_a_link_for_a_lead_made_after_the_digest_still_names_the_right_person(cast, make_action):
    # Leads may be anyone in the partnership, not only the group's members.
    person = make_person(name="Ray Resident", email="ray@example.org")
    make_membership(group=cast.board, person=person)
    action = make_action("Survey the park", lead=person, due_on=_days(3))
    digest.digests_send()
    assert _path_for(_mail_to("ray@example.org"), action)
