"""Issue 4's "Done when": a note taker runs a month of a group's meetings through the real pages.

They schedule a monthly series, build and circulate the first agenda (the email, with the
agenda pack PDF and the calendar invitation, lands in the test outbox), record attendance and
minutes with a decision and two actions arising, and the next meeting approves those minutes.
A resident then sees only the public parts. Every page visited passes axe.
"""

import datetime as dt

import icalendar
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tandem.meetings.models import Meeting
from tandem.partnership.models import Membership
from tests.factories import make_membership, make_person, make_user

pytestmark = pytest.mark.browser

PAPER = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PUBLIC_ITEM = "Anti-social behaviour at Oakfield Park"
CONFIDENTIAL_ITEM = "Case review: repeat calls about one household"
PUBLIC_MINUTES = "Reports of motorbikes in the park have fallen since the new barriers went in."
CONFIDENTIAL_MINUTES = "The housing officer will visit the household with the PCSO."
DECISION = "RESOLVED that the group asks the council to light the park's south path."


@pytest.fixture
def immediate_tasks(settings, tmp_path):
    """Run django-tasks at once (the live server is in this process) and keep uploads in tmp."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


def _note_taker(cast):
    user = make_user(name="Nadia Notes", email="nadia@example.org")
    make_membership(
        group=cast.group,
        person=make_person(name="Nadia Notes", email="nadia@example.org", user=user),
        role=Membership.Role.NOTE_TAKER,
    )
    return user


def _second_tuesday(year: int, month: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(1 - first.weekday()) % 7 + 7)


def _submit(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()


def _fill_date(page, group_name: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=group_name)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def _attachments(message) -> dict[str, tuple[str, bytes]]:
    """content type -> (filename, content) for each attachment of an EmailMessage."""
    found = {}
    for attachment in message.attachments:
        if isinstance(attachment, tuple):
            filename, content, mimetype = attachment[:3]
            found[mimetype.split(";")[0]] = (filename, content)
        else:  # a MIME part attached as is (the .ics invitation)
            content = attachment.get_payload(decode=True)
            found[attachment.get_content_type()] = (attachment.get_filename(), content)
    return found


def test_a_note_taker_runs_a_month_of_meetings_and_a_resident_sees_only_the_public_parts(
    page, visit, audit, sign_in_as, cast, immediate_tasks
):
    note_taker = _note_taker(cast)
    sign_in_as(page, note_taker)
    today = timezone.localdate()
    next_month = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    first_day = _second_tuesday(next_month.year, next_month.month)

    # 1. From the group's meetings page, schedule "second Tuesday of each month, 18:00 to 20:00"
    visit(page, reverse("meetings:group-meetings", kwargs={"slug": cast.group.slug}))
    page.get_by_role("button", name="Schedule a series").click()
    page.wait_for_load_state()
    audit(page)
    page.get_by_label("Every month", exact=True).check()
    page.get_by_label("Which week of the month").select_option(label="Second")
    page.get_by_label("Day of the week").select_option(label="Tuesday")
    page.get_by_label("Start time").fill("18:00")
    page.get_by_label("End time").fill("20:00")
    _fill_date(page, "First date to consider", next_month)
    page.get_by_label("Number of meetings (optional)").fill("3")
    _submit(page, "Preview the dates")
    audit(page)
    preview = page.locator("#preview").inner_text()
    assert f"{first_day:%A} {first_day.day} {first_day:%B %Y}" in preview
    _submit(page, "Schedule the meetings")
    audit(page)
    assert "3 meetings have been scheduled" in page.locator("main").inner_text()
    meetings = list(Meeting.objects.filter(group=cast.group).order_by("starts_at"))
    assert len(meetings) == 3
    first, second = meetings[0], meetings[1]
    first_start = timezone.localtime(first.starts_at)
    assert (first_start.date(), first_start.time()) == (first_day, dt.time(18, 0))
    assert first.ends_at - first.starts_at == dt.timedelta(hours=2)

    # 2. Open the first meeting and build its agenda
    page.locator("#upcoming ~ table a").first.click()
    page.wait_for_load_state()
    audit(page)
    assert page.url.endswith(first.get_absolute_url())

    page.get_by_role("link", name="Add an agenda item").click()
    page.wait_for_load_state()
    audit(page)
    page.get_by_label("Title", exact=True).fill(PUBLIC_ITEM)
    page.get_by_label("Presented by (optional)").select_option(label="PC Paula Beat")
    page.get_by_label("On behalf of (optional)").select_option(label="Castleford Police")
    page.get_by_label("Time allowed in minutes (optional)").fill("20")
    _submit(page, "Save item")
    audit(page)
    assert f"“{PUBLIC_ITEM}” has been added to the agenda" in page.locator("main").inner_text()

    page.get_by_role("link", name="Add an agenda item").click()
    page.wait_for_load_state()
    page.get_by_label("Title", exact=True).fill(CONFIDENTIAL_ITEM)
    page.get_by_label("Confidential", exact=False).check()
    _submit(page, "Save item")
    audit(page)

    page.get_by_role("link", name=f"Upload a paper for {PUBLIC_ITEM}").click()
    page.wait_for_load_state()
    audit(page)
    page.get_by_label("Title (optional)").fill("Police report for Oakfield Park")
    page.get_by_label("File", exact=True).set_input_files(
        {"name": "park-report.pdf", "mimeType": "application/pdf", "buffer": PAPER}
    )
    _submit(page, "Upload paper")
    audit(page)
    assert page.get_by_role("link", name="Police report for Oakfield Park").count() == 1

    # ... and circulate it: the email goes to every member with an address
    page.get_by_role("link", name="Circulate the agenda").click()
    page.wait_for_load_state()
    audit(page)
    _submit(page, "Send the agenda")
    audit(page)
    assert len(mail.outbox) == 3
    assert sorted(address for message in mail.outbox for address in message.to) == [
        "chris@example.org",
        "member@example.org",
        "nadia@example.org",
    ]
    message = mail.outbox[0]
    assert message.subject.startswith("Agenda: ")
    assert PUBLIC_ITEM in message.body
    assert CONFIDENTIAL_ITEM not in message.body
    attachments = _attachments(message)
    pdf_name, pdf = attachments["application/pdf"]
    assert pdf_name.endswith(".pdf") and pdf.startswith(b"%PDF-")
    ics_name, ics = attachments["text/calendar"]
    assert ics_name.endswith(".ics")
    calendar = icalendar.Calendar.from_ical(ics)
    assert str(calendar["METHOD"]) == "REQUEST"
    event = next(component for component in calendar.walk("VEVENT"))
    start = event["DTSTART"]
    assert start.params["TZID"] == "Europe/London"
    assert start.dt.replace(tzinfo=None) == dt.datetime.combine(first_day, dt.time(18, 0))
    assert event["DTEND"].dt - start.dt == dt.timedelta(hours=2)
    assert CONFIDENTIAL_ITEM not in ics.decode()
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/London"
    assert "Sent" in page.locator("main").inner_text()

    # 3. Record attendance: present and apologies
    visit(page, first.get_absolute_url())
    page.get_by_role("link", name="Record attendance").click()
    page.wait_for_load_state()
    audit(page)
    page.get_by_role("group", name="Nadia Notes (note taker)").get_by_label("Present").check()
    page.get_by_role("group", name="Chris Chair (chair)").get_by_label("Present").check()
    page.get_by_role("group", name="Mary Member (member)").get_by_label("Apologies").check()
    page.get_by_role("group", name="PC Paula Beat (agency representative)").get_by_label("Present").check()
    _submit(page, "Save attendance")
    audit(page)
    assert "Attendance has been saved" in page.locator("main").inner_text()
    statuses = dict(first.attendance.values_list("person__name", "status"))
    assert statuses == {
        "Nadia Notes": "present",
        "Chris Chair": "present",
        "Mary Member": "apologies",
        "PC Paula Beat": "present",
    }

    # ... the minutes of each item
    page.get_by_role("link", name="Go to the minutes").click()
    page.wait_for_load_state()
    audit(page)
    page.get_by_label(f"Points noted for {PUBLIC_ITEM}").fill(PUBLIC_MINUTES)
    page.get_by_label(f"Points noted for {CONFIDENTIAL_ITEM}").fill(CONFIDENTIAL_MINUTES)
    _submit(page, "Save draft minutes")
    audit(page)
    assert "The draft minutes have been saved" in page.locator("main").inner_text()

    # ... a decision with the vote
    page.get_by_role("link", name=f"Add a decision for {PUBLIC_ITEM}").click()
    page.wait_for_load_state()
    audit(page)
    page.get_by_label("Decision", exact=True).fill(DECISION)
    page.get_by_label("For", exact=True).fill("5")
    page.get_by_label("Against", exact=True).fill("1")
    page.get_by_label("Abstentions", exact=True).fill("0")
    _submit(page, "Save decision")
    audit(page)
    assert "The decision has been recorded" in page.locator("main").inner_text()

    # ... and two actions arising, each with a lead and a date
    actions = [
        ("Ask the council for a quote to light the south path", "Chris Chair", first_day + dt.timedelta(28)),
        ("Patrol the park on Friday evenings", "PC Paula Beat", first_day + dt.timedelta(14)),
    ]
    for description, lead, due in actions:
        page.get_by_role("link", name=f"Add an action arising for {PUBLIC_ITEM}").click()
        page.wait_for_load_state()
        audit(page)
        page.get_by_label("Action", exact=True).fill(description)
        page.get_by_label("Lead person").select_option(label=lead)
        _fill_date(page, "To be done by", due)
        _submit(page, "Save action")
        audit(page)
        assert "The action has been recorded" in page.locator("main").inner_text()
    table = page.locator("table:has(caption:text('Actions arising'))").inner_text()
    for description, lead, due in actions:
        assert description in table and lead in table and f"{due.day} {due:%B %Y}" in table
    first.refresh_from_db()
    assert first.minutes_status == Meeting.MinutesStatus.DRAFT

    # 4. At the next meeting, approve the minutes of the first
    visit(page, reverse("meetings:group-meetings", kwargs={"slug": cast.group.slug}))
    page.locator("#upcoming ~ table a").nth(1).click()
    page.wait_for_load_state()
    audit(page)
    assert page.url.endswith(second.get_absolute_url())
    page.get_by_role("link", name="Take the minutes").click()
    page.wait_for_load_state()
    audit(page)
    page.get_by_role("link", name="Approve the minutes of the previous meeting").click()
    page.wait_for_load_state()
    audit(page)
    assert PUBLIC_MINUTES in page.locator("main").inner_text()
    _submit(page, "Approve the minutes as a correct record")
    audit(page)
    assert "have been approved" in page.locator("main").inner_text()
    first.refresh_from_db()
    assert first.minutes_status == Meeting.MinutesStatus.APPROVED
    assert second.decisions.filter(approves_minutes_of=first).count() == 1

    visit(page, first.get_absolute_url())
    minutes = page.locator("main").inner_text()
    assert "Approved" in minutes and PUBLIC_MINUTES in minutes and CONFIDENTIAL_MINUTES in minutes

    # 5. A resident (signed out) sees the public item and approved minutes, never the confidential item
    page.context.clear_cookies()
    visit(page, first.get_absolute_url())
    public = page.locator("main").inner_text()
    assert PUBLIC_ITEM in public
    assert "Police report for Oakfield Park" in public
    assert "Approved" in public and PUBLIC_MINUTES in public
    assert "RESOLVED that the group asks the council" in public
    assert actions[0][0] in public and actions[1][0] in public
    assert CONFIDENTIAL_ITEM not in public and CONFIDENTIAL_MINUTES not in public
    assert CONFIDENTIAL_ITEM not in page.content() and CONFIDENTIAL_MINUTES not in page.content()
    assert "Record attendance" not in public and "Circulate" not in public
    for feed in (
        reverse("meetings:meeting-ics", kwargs={"pk": first.pk}),
        reverse("meetings:group-ics", kwargs={"slug": cast.group.slug}),
    ):
        response = page.request.get(feed)
        assert response.status == 200
        assert CONFIDENTIAL_ITEM not in response.text()
