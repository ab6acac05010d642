"""Issue 6's "Done when": an action goes from a meeting's minutes to the quarterly report.

A Neighbourhood Action Panel's chair minutes an action arising (what, a PCSO of the police to
lead it, by when) at a meeting that has happened and puts it into the action plan under a
strategic priority; the weekly digest emails the PCSO a one-click link, with which she posts
progress without signing in; Tandem's clock moves past the date for completion and the plan
shows the action overdue; the chair marks it done, refused first without an evaluation; after
the quarter has ended an officer compiles the annual plan, finds the action under its strategic
priority, approves the plan at the board's meeting, starts and finalises the quarterly review and
downloads its report. Every page visited passes axe.

Moving time: the app reads the day and the time only through ``django.utils.timezone``
(``now``, and ``localdate``, which calls it); the live server runs in a thread of this process,
so patching ``timezone.now`` moves its clock too. Model fields with ``default=timezone.now``
(progress updates) keep the real time, which only changes the dates shown beside updates.
"""

import datetime as dt
import io
import re

import pytest
import weasyprint
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import User
from tandem.actionplans import review as review_service
from tandem.actionplans import services
from tandem.actionplans.models import Action, AnnualPlan, QuarterlyReview
from tandem.meetings.models import AgendaItem, Decision
from tandem.partnership.models import Membership, Organisation
from tandem.problems.models import quarter_of
from tandem.strategy.models import StrategicPriority, Strategy
from tests.factories import (
    make_area,
    make_group,
    make_group_type,
    make_meeting,
    make_membership,
    make_organisation,
    make_partnership,
    make_person,
    make_user,
)

pytestmark = pytest.mark.browser

ITEM = "Young people gathering at Firs Park"
POINTS_NOTED = "Residents report groups gathering late on Fridays; the youth service can help."
ACTION = "Patrol Firs Park on Friday and Saturday evenings with the youth workers"
PRIORITY = "Violence reduction and young people"
OTHER_PRIORITIES = ("Rural crime", "Road safety")
OTHER_ACTION = "Speed checks on the A56 at school times"
PROGRESS = "Two patrols done with the youth workers; the groups have moved on quietly."
EVIDENCE = "Calls about Firs Park fell from 14 to 3 over the six weeks of patrols."
LEARNING = "Residents noticed the patrols with youth workers more than patrols alone."


def financial_year_start(day: dt.date) -> dt.date:
    return dt.date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def day_text(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


class Clock:
    """Tandem's clock, moved forward by whole days (the time of day stays the real one)."""

    def __init__(self, monkeypatch) -> None:
        self._real_now = timezone.now
        self._offset = dt.timedelta(0)
        monkeypatch.setattr(timezone, "now", lambda: self._real_now() + self._offset)

    def move_to(self, day: dt.date) -> None:
        real = self._real_now()
        then = timezone.make_aware(dt.datetime.combine(day, timezone.localtime(real).time()))
        self._offset = then - real
        assert timezone.localdate() == day


class Chain:
    """A partnership board above a Neighbourhood Action Panel, its strategy, and its people."""

    def __init__(self, *, held_on: dt.date, strategy_starts_on: dt.date, board_meets_on: dt.date) -> None:
        district = make_area(name="Trafford District", kind="district")
        area = make_area(name="Sale West", kind="neighbourhood", parent=district)
        self.partnership = make_partnership(name="Trafford Community Safety Partnership", area=district)
        board_type = make_group_type(partnership=self.partnership, name="Partnership board", tier=2)
        nap_type = make_group_type(
            partnership=self.partnership,
            name="Neighbourhood Action Panel",
            short_name="NAP",
            tier=0,
            escalates_to=board_type,
        )
        self.board = make_group(
            partnership=self.partnership,
            group_type=board_type,
            name="Trafford Partnership Board",
            area=district,
        )
        self.nap = make_group(
            partnership=self.partnership,
            group_type=nap_type,
            name="Sale West Neighbourhood Action Panel",
            area=area,
            parent=self.board,
        )
        self.police = make_organisation(name="Trafford Police", sector=Organisation.Sector.POLICE)

        # The PCSO has an email address but no account: the digest link is all she needs.
        self.pcso = make_person(name="PCSO Priya Patrol", email="priya@example.org")
        make_membership(
            group=self.nap,
            person=self.pcso,
            role=Membership.Role.AGENCY_REPRESENTATIVE,
            organisation=self.police,
        )
        self.chair = make_user(name="Nina Napchair", email="nina@example.org")  # a member, not an officer
        make_membership(
            group=self.nap,
            person=make_person(name="Nina Napchair", email="nina@example.org", user=self.chair),
            role=Membership.Role.CHAIR,
        )
        make_membership(group=self.nap, person=make_person(name="Rita Resident"))
        self.officer = make_user(role=User.Role.OFFICER, name="Olu Officer", email="olu@example.org")
        make_membership(
            group=self.board,
            person=make_person(name="Inspector Ian Beat"),
            role=Membership.Role.AGENCY_REPRESENTATIVE,
            organisation=self.police,
        )

        # The NAP's meeting a few days ago, its agenda set; its minutes are still to be taken.
        self.meeting = make_meeting(
            group=self.nap, starts_at=timezone.make_aware(dt.datetime.combine(held_on, dt.time(18)))
        )
        AgendaItem.objects.create(meeting=self.meeting, title=ITEM)
        # The board meets after the quarter ends, and approves the annual plan there.
        self.board_meeting = make_meeting(
            group=self.board,
            starts_at=timezone.make_aware(dt.datetime.combine(board_meets_on, dt.time(10))),
        )

        # A three-year strategy that began the year before this one, with its priorities.
        ends_on = dt.date(strategy_starts_on.year + 3, 3, 31)
        self.strategy = Strategy.objects.create(
            partnership=self.partnership,
            title=f"Community Safety Strategy {strategy_starts_on.year}–{ends_on.year % 100:02d}",
            slug="trafford-community-safety-strategy",
            starts_on=strategy_starts_on,
            ends_on=ends_on,
        )
        self.priorities = {
            title: StrategicPriority.objects.create(
                strategy=self.strategy, title=title, slug=title.lower().replace(" ", "-"), position=position
            )
            for position, title in enumerate([OTHER_PRIORITIES[0], PRIORITY, OTHER_PRIORITIES[1]])
        }


def _follow(page, locator, status: int) -> None:
    """Click and check the status of the page it leads to (after any redirect)."""
    with page.expect_navigation() as navigation:
        locator.click()
    page.wait_for_load_state()
    assert navigation.value.status == status, f"{page.url} answered {navigation.value.status}"


def _submit(page, name: str, *, status: int = 200) -> None:
    _follow(page, page.get_by_role("button", name=name, exact=True), status)


def _click(page, name: str, *, exact: bool = True) -> None:
    _follow(page, page.get_by_role("link", name=name, exact=exact), 200)


def _main(page) -> str:
    return page.locator("main").inner_text()


def _fill_date(page, group_name: str, day: dt.date) -> None:
    group = page.get_by_role("group", name=group_name)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def _date_values(page, group_name: str) -> tuple[str, str, str]:
    group = page.get_by_role("group", name=group_name)
    return tuple(group.get_by_label(part).input_value() for part in ("Day", "Month", "Year"))


def _table(page, caption: str):
    """The table whose caption has ``caption`` in it."""
    return page.locator("table").filter(has=page.locator("caption", has_text=caption))


def _row(page, caption: str, text: str) -> str:
    """The text of the one row holding ``text`` in the table whose caption has ``caption``."""
    rows = _table(page, caption).locator("tbody tr", has_text=text)
    assert rows.count() == 1, f"{rows.count()} rows with “{text}” in the table “{caption}”"
    return rows.inner_text()


def _between(text: str, start: str, end: str) -> str:
    """The part of ``text`` from ``start`` up to ``end``."""
    first = text.index(start)
    return text[first : text.index(end, first)]


def _laid_out_text(html: str) -> str:
    """The text WeasyPrint lays out on the pages of a document, in page order."""
    texts = []

    def walk(box) -> None:
        if isinstance(getattr(box, "text", None), str):
            texts.append(box.text)
        for child in getattr(box, "children", None) or []:
            walk(child)

    for laid_out in weasyprint.HTML(string=html).render().pages:
        walk(laid_out._page_box)
    return re.sub(r"\s+", " ", " ".join(texts))


def test_an_action_goes_from_the_minutes_through_the_digest_to_the_quarterly_report(
    page, visit, audit, sign_in_as, live_server, settings, monkeypatch
):
    settings.SITE_URL = live_server.url  # the links in emails lead to this live server
    clock = Clock(monkeypatch)
    today = timezone.localdate()
    held_on = today - dt.timedelta(days=3)
    due_on = today + dt.timedelta(days=10)  # due within the digest's fortnight
    overdue_on = due_on + dt.timedelta(days=3)
    quarter_start, quarter_end = quarter_of(overdue_on)
    review_on = quarter_end + dt.timedelta(days=7)
    year_start = financial_year_start(overdue_on)
    year_end = dt.date(year_start.year + 1, 3, 31)
    chain = Chain(
        held_on=held_on,
        strategy_starts_on=dt.date(year_start.year - 1, 4, 1),
        board_meets_on=quarter_end + dt.timedelta(days=3),
    )
    # A partnership-level action under another priority, so that "under its priority" means something.
    services.action_create(
        partnership=chain.partnership,
        group=None,
        issue="Speeding outside Firs Park Primary School",
        description=OTHER_ACTION,
        lead_organisation=chain.police,
        due_on=overdue_on,
        strategic_priority=chain.priorities["Road safety"],
        by=None,
    )

    # 1. The NAP's chair takes the minutes of the meeting held three days ago, with an action
    #    arising led by the PCSO for her police force …
    sign_in_as(page, chain.chair)
    visit(page, chain.meeting.get_absolute_url())
    _click(page, "Take the minutes")
    audit(page)
    page.get_by_label(f"Points noted for {ITEM}").fill(POINTS_NOTED)
    _submit(page, "Save draft minutes")
    audit(page)
    assert "The draft minutes have been saved" in _main(page)
    _click(page, f"Add an action arising for {ITEM}")
    audit(page)
    page.get_by_label("Action", exact=True).fill(ACTION)
    page.get_by_label("Lead person").select_option(label=chain.pcso.name)
    page.get_by_label("Lead organisation").select_option(label=chain.police.name)
    _fill_date(page, "To be done by", due_on)
    _submit(page, "Save action")
    audit(page)
    assert "The action has been recorded" in _main(page)
    minuted = _row(page, "Actions arising", ACTION)
    assert chain.pcso.name in minuted and day_text(due_on) in minuted

    # … and, from the meeting's page, puts it into the action plan: the form is filled in from
    #    the minutes; she chooses the strategic priority
    _click(page, "Back to the meeting")
    audit(page)
    assert POINTS_NOTED in _main(page)
    minuted = _table(page, f"Actions arising from {ITEM}").locator("tbody tr", has_text=ACTION)
    _follow(page, minuted.get_by_role("link", name="Add to the action plan"), 200)
    audit(page)
    assert page.get_by_label("Issue to be resolved").input_value() == ITEM
    assert page.get_by_label("Action to be carried out").input_value() == ACTION
    lead = page.get_by_label("Lead person")
    assert lead.locator("option:checked").inner_text() == chain.pcso.name
    assert page.get_by_label("Lead organisation").locator("option:checked").inner_text() == chain.police.name
    assert _date_values(page, "Date for completion") == (str(due_on.day), str(due_on.month), str(due_on.year))
    page.get_by_label("Strategic priority (optional)").select_option(
        label=f"{PRIORITY} ({chain.strategy.title})"
    )
    _submit(page, "Add to the action plan")
    audit(page)
    action = Action.objects.get(description=ACTION)
    assert page.url.endswith(action.get_absolute_url())
    detail = _main(page)
    assert "The action has been added to the group's action plan." in detail
    assert f"{chain.pcso.name} ({chain.police.name})" in detail and day_text(due_on) in detail
    assert PRIORITY in detail and "Not started" in detail
    assert (action.group, action.arising_from.meeting, action.issue) == (chain.nap, chain.meeting, ITEM)
    # … the meeting's page now links the minuted action to the plan's
    visit(page, chain.meeting.get_absolute_url())
    minuted = _table(page, f"Actions arising from {ITEM}").locator("tbody tr", has_text=ACTION)
    assert minuted.get_by_role("link", name="In the action plan").get_attribute("href") == (
        action.get_absolute_url()
    )
    assert page.get_by_role("link", name="Add to the action plan").count() == 0

    # 2. The weekly digest: one email to the PCSO, with a link to post progress …
    call_command("send_action_digests", stdout=io.StringIO())
    assert [message.to for message in mail.outbox] == [["priya@example.org"]]
    digest = mail.outbox[0]
    assert digest.subject == "Your actions: 1 due in the next two weeks"
    assert ACTION in digest.body and f"Due: {day_text(due_on)} (status: Not started)" in digest.body
    link = re.search(r"Post a progress update: (\S+)", digest.body).group(1)
    assert link.startswith(f"{live_server.url}/")
    assert link in digest.alternatives[0][0]  # the HTML part has the same link

    # … which she opens without signing in, and says it is on track
    page.context.clear_cookies()
    visit(page, link)
    assert "For PCSO Priya Patrol, the action’s lead" in _main(page)
    page.get_by_label("What has happened since the last update?").fill(PROGRESS)
    page.get_by_label("On track").check()
    _submit(page, "Post the update")
    audit(page)
    thanked = _main(page)
    assert "Thank you: your progress update has been posted." in thanked
    assert PROGRESS in thanked.split("Your recent updates")[1]
    # … and the action's public page shows it
    visit(page, action.get_absolute_url())
    progress = page.locator("ol.tandem-timeline").inner_text()
    assert PROGRESS in progress and "On track" in progress
    assert page.locator("h1 + p .govuk-tag").first.inner_text() == "On track"
    # Not overdue yet: the overdue filter finds nothing
    plan_url = reverse("actionplans:group-actions", kwargs={"slug": chain.nap.slug})
    visit(page, f"{plan_url}?status=overdue")
    assert "No actions match these filters." in _main(page)

    # 3. Time moves on, three days past the date for completion: the plan shows it overdue, in words
    clock.move_to(overdue_on)
    sign_in_as(page, chain.chair)
    visit(page, action.get_absolute_url())
    assert page.locator("h1 + p .govuk-tag").first.inner_text() == "Overdue"
    _click(page, "Action plan")
    audit(page)
    row = _row(page, "Actions, soonest due first", ACTION)
    assert row.rstrip().endswith("Overdue")
    assert page.locator("tr", has_text=ACTION).locator(".govuk-tag--red").inner_text() == "Overdue"
    # … and the status filter lists it as overdue
    page.get_by_text("Filter the actions").click()
    page.get_by_label("Status", exact=True).select_option(label="Overdue")
    _submit(page, "Apply filters")
    audit(page)
    assert "status=overdue" in page.url
    assert "1 action matches these filters." in _main(page)
    assert "Overdue" in _row(page, "Actions, soonest due first", ACTION)

    # 4. The chair marks it done: refused without an evaluation …
    _click(page, ACTION)
    audit(page)
    _click(page, "Mark it done with its evaluation")
    audit(page)
    _submit(page, "Mark it done", status=400)
    audit(page)
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "An action cannot be marked done without an evaluation" in summary
    action.refresh_from_db()
    assert action.status == Action.Status.ON_TRACK
    # … then with "did it work? Yes" and the evidence
    page.get_by_role("group", name="Did it work?").get_by_label("Yes", exact=True).check()
    page.get_by_label("What does the evidence say?").fill(EVIDENCE)
    page.get_by_label("What was learned?").fill(LEARNING)
    _submit(page, "Mark it done")
    audit(page)
    detail = _main(page)
    assert "The action is done." in detail
    assert f"Done: completed on {day_text(overdue_on)}" in detail
    evaluation = page.locator("h2:text('Evaluation: did it work?') + dl").inner_text()
    assert "Yes" in evaluation and EVIDENCE in evaluation and LEARNING in evaluation
    action.refresh_from_db()
    assert (action.status, action.completed_on, action.worked) == ("done", overdue_on, "yes")

    # 5. After the quarter has ended, an officer compiles the annual plan for the year …
    clock.move_to(review_on)
    page.context.clear_cookies()
    sign_in_as(page, chain.officer)
    visit(page, chain.partnership.get_absolute_url())
    _click(page, "Annual Community Safety Action Plans and their quarterly reviews")
    audit(page)
    _submit(page, "Compile an annual plan")  # a link that looks like a button
    audit(page)
    year_label = f"{year_start.year}/{year_end.year % 100:02d}"
    page.get_by_label(
        f"{year_label} ({day_text(year_start)} to {day_text(year_end)}), from {chain.strategy.title}"
    ).check()
    _submit(page, "Compile the plan")
    audit(page)
    plan = AnnualPlan.objects.get(partnership=chain.partnership)
    assert page.url.endswith(plan.get_absolute_url())
    assert f"Community Safety Action Plan {year_label} compiled with 2 actions." in _main(page)
    # … finds the action under its strategic priority, and only there
    under = _row(page, f"Actions under {PRIORITY}", ACTION)
    assert ITEM in under and chain.nap.name in under and "Yes" in under and "Done" in under
    assert OTHER_ACTION not in _table(page, f"Actions under {PRIORITY}").inner_text()
    assert "Partnership-level" in _row(page, "Actions under Road safety", OTHER_ACTION)
    rural = _between(_main(page), "1. Rural crime", f"2. {PRIORITY}")
    assert "There are no actions under this priority." in rural and ACTION not in rural

    # … approves it at the board's meeting (a decision in its minutes) …
    _submit(page, "Approve the plan")
    audit(page)
    board_meets_on = timezone.localtime(chain.board_meeting.starts_at).date()
    page.get_by_label(
        f"{chain.board.name} meeting: {board_meets_on:%A} {day_text(board_meets_on)}, 10.00am"
    ).check()
    assert page.get_by_label("The decision", exact=True).input_value() == (
        f"RESOLVED that the Community Safety Action Plan {year_label} be APPROVED"
    )
    _submit(page, "Approve the plan")
    audit(page)
    assert "is approved. It can no longer change." in _main(page)
    plan.refresh_from_db()
    assert plan.status == AnnualPlan.Status.APPROVED and plan.approval_decision.meeting == chain.board_meeting
    assert Decision.objects.filter(meeting=chain.board_meeting, text__contains=year_label).count() == 1

    # … starts the review of the quarter in which the action was completed, and finalises it
    _submit(page, "Start a quarterly review")
    audit(page)
    page.get_by_label(
        f"The quarter to {day_text(quarter_end)} ({day_text(quarter_start)} to {day_text(quarter_end)})"
    ).check()
    _submit(page, "Start the review")
    audit(page)
    quarterly = QuarterlyReview.objects.get(plan=plan)
    assert page.url.endswith(quarterly.get_absolute_url())
    done = _row(page, f"Done in the quarter: {PRIORITY}", ACTION)
    assert chain.nap.name in done and "Done" in done and "Yes" in done
    assert "Green: on track" in _between(_main(page), f"2. {PRIORITY}", "Indicators")
    assert "Overdue" in _row(page, "Overdue or at risk at the end of the quarter: Road safety", OTHER_ACTION)
    _submit(page, "Finalise the review")
    audit(page)
    assert "The review is final." in _main(page)
    quarterly.refresh_from_db()
    assert quarterly.status == QuarterlyReview.Status.FINAL

    # … and downloads the committee report from the review's page
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the report (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == review_service.report_filename(quarterly, "pdf")
    with open(download.path(), "rb") as downloaded:
        pdf = downloaded.read()
    assert pdf.startswith(b"%PDF-")
    # pypdf is not installed, and WeasyPrint's PDFs keep their text in compressed object streams:
    # the text is read from the layout of the HTML the PDF is made from. The action is in the
    # section of its strategic priority, after its heading and before the next priority's.
    text = _laid_out_text(review_service.report_html(quarterly))
    section = _between(text, f"2.2 {PRIORITY}", "2.3 Road safety")
    assert text.count(ACTION) == 1 and ACTION in section
    assert "Rating: Green: on track" in section
    assert section.index(f"Done in the quarter: {PRIORITY}") < section.index(ACTION)
