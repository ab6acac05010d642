"""Reads of action plans: a group's plan (and the partnership's own) with filters and counts, an
action's page, the timeline (Gantt) view, and the row on a group's page.

"Overdue" is never stored: the plan computes each action's status to show in SQL (an open
status past its date for completion shows as overdue), so filters and counts agree with the
tags on the page.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, CharField, Count, F, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone

from tandem.evidence.selectors import EvidencePanel, evidence_panel
from tandem.partnership.access import Viewer
from tandem.partnership.models import Group, Organisation, Partnership, Person
from tandem.problems.access import problems_visible_q
from tandem.problems.models import Problem
from tandem.strategy.models import StrategicPriority

from .access import actions_visible_q, is_plan_insider
from .models import Action, ActionUpdate

OVERDUE = Action.OVERDUE

# Every status an action can show, in the issue's order, with its words and its govuk-tag colour
# (RAG: on track green, at risk orange, overdue red, done blue, the rest grey). Never colour alone:
# the tag always carries the words.
DISPLAY_STATUSES: dict[str, tuple[str, str]] = {
    Action.Status.NOT_STARTED: ("Not started", "govuk-tag--grey"),
    Action.Status.ON_TRACK: ("On track", "govuk-tag--green"),
    Action.Status.AT_RISK: ("At risk", "govuk-tag--orange"),
    OVERDUE: ("Overdue", "govuk-tag--red"),
    Action.Status.DONE: ("Done", "govuk-tag--blue"),
    Action.Status.CANCELLED: ("Cancelled", "govuk-tag--grey"),
}

# The bar colours of the timeline, matching the tags above (the words are drawn beside each bar).
BAR_COLOURS = {
    Action.Status.NOT_STARTED: "#505a5f",
    Action.Status.ON_TRACK: "#00703c",
    Action.Status.AT_RISK: "#f47738",
    OVERDUE: "#d4351c",
    Action.Status.DONE: "#1d70b8",
    Action.Status.CANCELLED: "#b1b4b6",
}

FINAL_JUDGEMENTS = (Action.Worked.YES, Action.Worked.PARTLY, Action.Worked.NO)


def shown_status_expression(today: dt.date) -> Case:
    """SQL for the status to show: "overdue" for an open action past its date for completion."""
    return Case(
        When(Q(status__in=Action.OPEN_STATUSES, due_on__lt=today), then=Value(OVERDUE)),
        default=F("status"),
        output_field=CharField(),
    )


def with_shown_status(queryset: QuerySet[Action], today: dt.date | None = None) -> QuerySet[Action]:
    """The actions with ``shown_status`` (see ``shown_status_expression``)."""
    return queryset.annotate(shown_status=shown_status_expression(today or timezone.localdate()))


def money(value: Decimal | None) -> str:
    """£1,234.50 (an empty string for no amount)."""
    if value is None:
        return ""
    sign = "-" if value < 0 else ""
    return f"{sign}£{abs(value):,.2f}"


def format_date(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def lead_label(action: Action, *, show_names: bool) -> str:
    """Who leads the action, in words. A person's name is shown to the plan's insiders, and to
    everyone else only when the person agreed to it (``show_name_publicly``)."""
    person, organisation = action.lead, action.lead_organisation
    name = person.name if person is not None and (show_names or person.show_name_publicly) else ""
    if name and organisation is not None:
        return f"{name} ({organisation.name})"
    if name:
        return name
    if organisation is not None:
        return organisation.name
    return "A named member of the group" if person is not None else "Not given"


def evaluation_label(action: Action) -> str:
    """The seed's fifth column: "Evaluation: did it work?"."""
    if action.worked in FINAL_JUDGEMENTS:
        return action.get_worked_display()
    if action.worked == Action.Worked.TOO_EARLY:
        later = f": to be evaluated by {format_date(action.evaluate_by)}" if action.evaluate_by else ""
        return f"Too early to tell{later}"
    if action.status == Action.Status.DONE and action.evaluate_by:
        return f"To be evaluated by {format_date(action.evaluate_by)}"
    if action.status == Action.Status.CANCELLED:
        return "Not evaluated: cancelled"
    return "Not yet"


# --- The plan ------------------------------------------------------------------------------


@dataclass
class PlanFilters:
    status: str = ""  # a shown status, "open" (any open one, overdue included), or "" for any
    lead: Person | None = None
    organisation: Organisation | None = None
    priority: StrategicPriority | None = None
    problem: Problem | None = None
    q: str = ""

    @property
    def any(self) -> bool:
        return bool(self.status or self.lead or self.organisation or self.priority or self.problem or self.q)


@dataclass
class PlanRow:
    action: Action
    status: str
    status_label: str
    tag_class: str
    issue: str
    issue_url: str
    lead: str
    evaluation: str


@dataclass
class StatusCount:
    status: str
    label: str
    tag_class: str
    count: int


@dataclass
class PlanPage:
    rows: list[PlanRow]
    counts: list[StatusCount]
    total: int  # every action of the plan the viewer may see, before filters
    is_insider: bool

    @property
    def open_count(self) -> int:
        return sum(c.count for c in self.counts if c.status in (*Action.OPEN_STATUSES, OVERDUE))

    @property
    def overdue_count(self) -> int:
        return sum(c.count for c in self.counts if c.status == OVERDUE)


def _filtered(queryset: QuerySet[Action], *, filters: PlanFilters, viewer: Viewer) -> QuerySet[Action]:
    if filters.status == "open":
        queryset = queryset.filter(status__in=Action.OPEN_STATUSES)
    elif filters.status:
        queryset = queryset.filter(shown_status=filters.status)
    if filters.lead is not None:
        queryset = queryset.filter(lead=filters.lead)
    if filters.organisation is not None:
        queryset = queryset.filter(lead_organisation=filters.organisation)
    if filters.priority is not None:
        queryset = queryset.filter(strategic_priority=filters.priority)
    if filters.problem is not None:
        queryset = queryset.filter(problem=filters.problem)
    if filters.q:
        words = (
            Q(description__icontains=filters.q)
            | Q(issue__icontains=filters.q)
            | Q(reference__icontains=filters.q)
            # A problem's title is searched only where the viewer may see the problem.
            | (Q(problem__title__icontains=filters.q) & problems_visible_q(viewer, prefix="problem__"))
        )
        queryset = queryset.filter(words)
    return queryset


def _counts(queryset: QuerySet[Action]) -> tuple[list[StatusCount], int]:
    found = dict(queryset.order_by().values_list("shown_status").annotate(n=Count("pk")))
    counts = [
        StatusCount(status=status, label=label, tag_class=tag, count=found.get(status, 0))
        for status, (label, tag) in DISPLAY_STATUSES.items()
    ]
    return counts, sum(found.values())


def plan_rows(actions: list[Action], *, viewer: Viewer, is_insider: bool) -> list[PlanRow]:
    """Table rows for actions annotated with ``shown_status`` (one query for the problems the
    viewer may see, so a private problem's title never shows on a public action)."""
    problem_ids = {action.problem_id for action in actions if action.problem_id}
    visible_problems = (
        set(
            Problem.objects.filter(problems_visible_q(viewer), pk__in=problem_ids).values_list(
                "pk", flat=True
            )
        )
        if problem_ids
        else set()
    )
    rows = []
    for action in actions:
        status = getattr(action, "shown_status", None) or action.display_status
        label, tag = DISPLAY_STATUSES.get(status, (status, "govuk-tag--grey"))
        problem_visible = action.problem_id in visible_problems
        if action.issue:
            issue = action.issue
        elif action.problem_id:
            issue = action.problem.title if problem_visible else "A problem that is not public"
        else:
            issue = ""
        rows.append(
            PlanRow(
                action=action,
                status=status,
                status_label=label,
                tag_class=tag,
                issue=issue,
                issue_url=action.problem.get_absolute_url() if problem_visible else "",
                lead=lead_label(action, show_names=is_insider),
                evaluation=evaluation_label(action),
            )
        )
    return rows


def _plan(base: QuerySet[Action], *, viewer: Viewer, filters: PlanFilters, is_insider: bool) -> PlanPage:
    base = with_shown_status(base.filter(actions_visible_q(viewer)))
    counts, total = _counts(base)
    actions = list(
        _filtered(base, filters=filters, viewer=viewer)
        .select_related("problem", "lead", "lead_organisation", "strategic_priority")
        .order_by(F("due_on").asc(nulls_last=True), "pk")
    )
    return PlanPage(
        rows=plan_rows(actions, viewer=viewer, is_insider=is_insider),
        counts=counts,
        total=total,
        is_insider=is_insider,
    )


def group_plan(*, group: Group, viewer: Viewer, filters: PlanFilters | None = None) -> PlanPage:
    """A group's action plan as the viewer may see it: public actions for everyone, all of them for
    the group's members and officers; filtered, soonest due first, with counts per status."""
    return _plan(
        Action.objects.filter(group=group),
        viewer=viewer,
        filters=filters or PlanFilters(),
        is_insider=is_plan_insider(viewer, group),
    )


def partnership_plan(
    *, partnership: Partnership, viewer: Viewer, filters: PlanFilters | None = None
) -> PlanPage:
    """The partnership's own actions (those of no group)."""
    return _plan(
        Action.objects.filter(partnership=partnership, group__isnull=True),
        viewer=viewer,
        filters=filters or PlanFilters(),
        is_insider=is_plan_insider(viewer, None),
    )


# --- Choices for the filters and the form ----------------------------------------------------


def plan_leads(base: QuerySet[Action], *, viewer: Viewer, is_insider: bool) -> QuerySet[Person]:
    """The people leading the plan's visible actions (only those who agreed to be named, for
    people outside the plan)."""
    people = Person.objects.filter(pk__in=base.filter(actions_visible_q(viewer)).values("lead_id"))
    if not is_insider:
        people = people.filter(show_name_publicly=True)
    return people.order_by("name")


def plan_organisations(base: QuerySet[Action], *, viewer: Viewer) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        pk__in=base.filter(actions_visible_q(viewer)).values("lead_organisation_id")
    ).order_by("name")


def partnership_priorities(partnership: Partnership) -> QuerySet[StrategicPriority]:
    """The strategic priorities of the partnership's strategies, newest strategy first."""
    return (
        StrategicPriority.objects.filter(strategy__partnership=partnership)
        .select_related("strategy")
        .order_by("-strategy__starts_on", "position", "pk")
    )


def issue_problems(
    *, partnership: Partnership, group: Group | None, viewer: Viewer, include: int | None = None
) -> QuerySet[Problem]:
    """The problems an action may resolve: the group's (for a partnership-level action, the
    partnership's) that the viewer may see and that were not merged; plus ``include`` (the one
    it resolves now)."""
    problems = Problem.objects.filter(problems_visible_q(viewer), merged_into__isnull=True)
    problems = problems.filter(group=group) if group is not None else problems.filter(partnership=partnership)
    if include:
        problems = Problem.objects.filter(Q(pk__in=problems.values("pk")) | Q(pk=include))
    return problems.order_by("title", "pk")


# --- One action -----------------------------------------------------------------------------


@dataclass
class ActionPage:
    row: PlanRow
    updates: list[ActionUpdate]
    supporting: list[Organisation]
    budget: str = ""
    spent: str = ""
    remaining: str = ""
    show_money: bool = False
    pending_reminders: list = field(default_factory=list)

    @property
    def needs_evaluation(self) -> bool:
        action = self.row.action
        return action.status == Action.Status.DONE and action.worked not in FINAL_JUDGEMENTS


def action_page(*, action: Action, viewer: Viewer, is_insider: bool) -> ActionPage:
    """Everything an action's page shows. Internal progress notes only for the plan's insiders;
    the money (budget and spent, from the group's ledger) only for them too."""
    from .funds import action_money

    action = (
        with_shown_status(Action.objects.filter(pk=action.pk))
        .select_related(
            "partnership",
            "group",
            "problem",
            "lead",
            "lead_organisation",
            "strategic_priority",
            "strategic_priority__strategy",
        )
        .get()
    )
    updates = action.updates.select_related("author", "author_person").order_by("-created_at", "-pk")
    if not is_insider:
        updates = updates.filter(is_internal=False)
    page = ActionPage(
        row=plan_rows([action], viewer=viewer, is_insider=is_insider)[0],
        updates=list(updates),
        supporting=list(action.supporting_organisations.order_by("name")),
    )
    if is_insider:
        figures = action_money(action)
        page.show_money = True
        page.budget = money(figures.budget)
        page.spent = money(figures.spent)
        if figures.budget is not None:
            page.remaining = money(figures.budget - figures.spent)
        page.pending_reminders = list(action.reminders.filter(sent_at__isnull=True).order_by("due_on"))
    return page


def update_author(update: ActionUpdate, *, show_names: bool) -> str:
    person = update.author_person
    if person is not None:
        return person.name if show_names or person.show_name_publicly else ""
    if update.author is not None and show_names:
        return update.author.name or str(update.author)
    return ""


# --- The timeline (Gantt) -------------------------------------------------------------------

LABEL_WIDTH = 240
CHART_WIDTH = 560
STATUS_WIDTH = 100
ROW_HEIGHT = 28
HEADER_HEIGHT = 36
BAR_HEIGHT = 16
LABEL_CHARS = 32


@dataclass
class TimelineBar:
    row: PlanRow
    start: dt.date
    end: dt.date
    start_given: bool
    x: float
    width: float
    y: float
    text_y: float
    label: str
    colour: str
    overdue_days: int
    overdue_x: float = 0.0  # where the overdue stretch (due date → today) ends

    @property
    def end_x(self) -> float:
        return round(self.x + self.width, 1)

    @property
    def mid_y(self) -> float:
        return self.y + BAR_HEIGHT / 2


@dataclass
class Timeline:
    bars: list[TimelineBar]
    undated: list[PlanRow]  # no date for completion: in the table only
    months: list[tuple[float, str]]  # gridline x and its month label ("" to leave unlabelled)
    today_x: float
    first: dt.date | None
    last: dt.date | None
    width: int
    height: int
    label_width: int = LABEL_WIDTH
    status_x: float = LABEL_WIDTH + CHART_WIDTH + 8
    chart_right: int = LABEL_WIDTH + CHART_WIDTH


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def plan_timeline(rows: list[PlanRow], *, today: dt.date) -> Timeline:
    """Bars from each action's start (or the day it was recorded) to its date for completion, on a
    month grid that covers today. Pure: no queries."""
    dated = [row for row in rows if row.action.due_on]
    undated = [row for row in rows if not row.action.due_on]
    if not dated:
        return Timeline(
            bars=[], undated=undated, months=[], today_x=0, first=None, last=None, width=0, height=0
        )
    spans = []
    for row in dated:
        action = row.action
        end = action.due_on
        start = action.start_on or timezone.localtime(action.created_at).date()
        spans.append((row, min(start, end), end, action.start_on is not None))
    first = _month_start(min([today, *(start for _, start, _, _ in spans)]))
    last = _next_month(max([today, *(end for _, _, end, _ in spans)]))
    days = (last - first).days
    scale = CHART_WIDTH / days

    def x_of(day: dt.date) -> float:
        return round(LABEL_WIDTH + (day - first).days * scale, 1)

    months = []
    month = first
    count = 0
    every = max(1, round(days / 30 / 12))  # about a dozen labels at most
    while month < last:
        months.append((x_of(month), f"{month:%b %Y}" if count % every == 0 else ""))
        month = _next_month(month)
        count += 1
    bars = []
    for index, (row, start, end, start_given) in enumerate(spans):
        y = HEADER_HEIGHT + index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) / 2
        x = x_of(start)
        overdue_days = (today - end).days if row.status == OVERDUE else 0
        bars.append(
            TimelineBar(
                row=row,
                start=start,
                end=end,
                start_given=start_given,
                x=x,
                width=max(2.0, round(x_of(end + dt.timedelta(days=1)) - x, 1)),
                y=y,
                text_y=y + BAR_HEIGHT - 3,
                label=_short(row.action.description),
                colour=BAR_COLOURS.get(row.status, "#505a5f"),
                overdue_days=overdue_days,
                overdue_x=x_of(today) if overdue_days else 0.0,
            )
        )
    return Timeline(
        bars=bars,
        undated=undated,
        months=months,
        today_x=x_of(today),
        first=first,
        last=last,
        width=LABEL_WIDTH + CHART_WIDTH + STATUS_WIDTH,
        height=HEADER_HEIGHT + len(bars) * ROW_HEIGHT + 8,
    )


# --- A group's page -------------------------------------------------------------------------


def group_page_rows(group: Group, viewer: Viewer) -> list:
    """On a group's page: its action plan, with how many actions are open and overdue (one query)."""
    from tandem.partnership.group_rows import GroupRow

    today = timezone.localdate()
    open_q = Q(status__in=Action.OPEN_STATUSES)
    figures = (
        Action.objects.filter(group=group)
        .filter(actions_visible_q(viewer))
        .aggregate(
            total=Count("pk"),
            open=Count("pk", filter=open_q),
            overdue=Count("pk", filter=open_q & Q(due_on__lt=today)),
        )
    )
    url = reverse("actionplans:group-actions", kwargs={"slug": group.slug})
    if not figures["total"]:
        rows = [GroupRow(label="Action plan", values=(("Its action plan: no actions yet", url),))]
    else:
        n, m = figures["open"], figures["overdue"]
        text = f"Its action plan: {n} open action{'' if n == 1 else 's'}, {m} overdue"
        rows = [GroupRow(label="Action plan", values=((text, url),))]
    if is_plan_insider(viewer, group):
        # The ledger is for the group's members and officers only.
        funds_url = reverse("actionplans:group-funds", kwargs={"slug": group.slug})
        rows.append(GroupRow(label="Funds", values=(("Its funds: ledger and statements", funds_url),)))
    return rows


def action_evidence(action: Action) -> EvidencePanel | None:
    """The police data panel for an action's evaluation: incidents of its problem's category in
    the problem's area (or the group's) before and after the action started; None when the
    action has no problem whose category police.uk covers, or no area."""
    problem = action.problem
    if problem is None or not problem.category.police_uk_crime_types:
        return None
    area = problem.area or (action.group.area if action.group_id else None)
    if area is None:
        return None
    started = action.start_on or timezone.localdate(action.created_at)
    point = (problem.latitude, problem.longitude) if problem.latitude is not None else None
    return evidence_panel(
        area=area, crime_types=list(problem.category.police_uk_crime_types), change_date=started, point=point
    )
