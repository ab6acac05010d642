"""The annual Community Safety Action Plan: compiled from the groups' actions, not typed.

Seed 004: the partnership's strategy "will lead to an annual Community Safety Action Plan to
be compiled and reviewed by the Partnership". ``plan_compile`` gathers, for one year, every
action of the partnership tagged with a strategic priority of the strategy — the groups'
actions and the partnership's own (partnership-level, no group) — under its priority. The
partnership then adds, removes and reorders entries, and approves the plan; an approved plan
is frozen.

Which actions belong to a year ("active in the year"), for a year ``starts_on``–``ends_on``:

1. its date for completion falls within the year, or
2. its start date falls within the year, or
3. it was open when the year began: it started before the year (or has no start date and was
   recorded by the end of the year), and it is still open, or was completed on or after the
   first day of the year.

The default order is by strategic priority (its position in the strategy), then
partnership-level actions before the groups' actions, then group name, then date for
completion (undated last).

Recompiling (``plan_recompile``) adds only actions that are new to the plan since the last
compile: actions recorded after it, and actions tagged with one of the strategy's priorities
after it (read from the actions' history). An action the partnership removed is therefore not
added back, and the order it chose is kept: new entries go at the end of their priority.
The time of each compile is kept in the plan's history (change reason "Compiled" or
"Recompiled"), so no extra field is needed.

Approval is a recorded decision: either a decision in the minutes of a meeting of the
partnership's top-level group(s) (a group with no parent) that has taken place and whose
minutes are not yet approved (``tandem.meetings.minutes.decision_record``), or — when the
decision was taken outside Tandem — its text, date and who recorded it.
"""

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Count, F, Max, Q, Window
from django.db.models.functions import Left, RowNumber
from django.urls import reverse
from django.utils import timezone

from tandem.partnership.access import Viewer
from tandem.partnership.models import Group, Partnership
from tandem.strategy.models import StrategicPriority, Strategy

from .access import actions_visible_q
from .models import Action, AnnualPlan, AnnualPlanEntry

FROZEN_MESSAGE = "This plan has been approved, so it cannot change."
COMPILED = "Compiled"
RECOMPILED = "Recompiled"

# The order statuses are shown in, with their words.
STATUS_ORDER = [
    (Action.Status.NOT_STARTED.value, "Not started"),
    (Action.Status.ON_TRACK.value, "On track"),
    (Action.Status.AT_RISK.value, "At risk"),
    (Action.OVERDUE, "Overdue"),
    (Action.Status.DONE.value, "Done"),
    (Action.Status.CANCELLED.value, "Cancelled"),
]
STATUS_LABELS = dict(STATUS_ORDER)
STATUS_TAGS = {
    Action.Status.NOT_STARTED.value: "govuk-tag--grey",
    Action.Status.ON_TRACK.value: "govuk-tag--green",
    Action.Status.AT_RISK.value: "govuk-tag--orange",
    Action.OVERDUE: "govuk-tag--red",
    Action.Status.DONE.value: "govuk-tag--blue",
    Action.Status.CANCELLED.value: "govuk-tag--grey",
}


def _user(by):
    return by if getattr(by, "is_authenticated", False) else None


def _set_history(instance, by, reason: str = "") -> None:
    if _user(by) is not None:
        instance._history_user = by
    if reason:
        instance._change_reason = reason


def date_text(day: dt.date) -> str:
    """ "31 December 2026"."""
    return f"{day.day} {day:%B %Y}"


# --- Years ---------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def year_end(starts_on: dt.date) -> dt.date:
    """The last day of the year that starts on ``starts_on``: 1 April 2026 → 31 March 2027."""
    return add_months(starts_on, 12) - dt.timedelta(days=1)


def year_label(starts_on: dt.date, ends_on: dt.date) -> str:
    """ "2026/27" for a financial year, "2026" for a calendar year."""
    if starts_on.year == ends_on.year:
        return str(starts_on.year)
    return f"{starts_on.year}/{ends_on.year % 100:02d}"


def default_title(starts_on: dt.date, ends_on: dt.date) -> str:
    return f"Community Safety Action Plan {year_label(starts_on, ends_on)}"


def strategy_years(strategy: Strategy) -> list[tuple[dt.date, dt.date]]:
    """The years of a strategy, from its first day: a 2026–28 strategy starting on 1 April 2026
    has 2026/27, 2027/28 and 2028/29."""
    years = []
    start = strategy.starts_on
    while start <= strategy.ends_on and len(years) < 20:
        years.append((start, year_end(start)))
        start = add_months(start, 12)
    return years


def active_in_year_q(starts_on: dt.date, ends_on: dt.date, prefix: str = "") -> Q:
    """Actions active in the year (see the module docstring)."""

    def q(**kwargs) -> Q:
        return Q(**{f"{prefix}{key}": value for key, value in kwargs.items()})

    due_in_year = q(due_on__gte=starts_on, due_on__lte=ends_on)
    started_in_year = q(start_on__gte=starts_on, start_on__lte=ends_on)
    began_before = q(start_on__lt=starts_on) | q(start_on__isnull=True, created_at__date__lte=ends_on)
    unfinished_then = q(status__in=Action.OPEN_STATUSES) | q(completed_on__gte=starts_on)
    return due_in_year | started_in_year | (began_before & unfinished_then)


def top_groups(partnership: Partnership):
    """The partnership's top-level groups (no group above them): the partnership board that
    meets quarterly, approves the annual plan and reviews it."""
    return Group.objects.filter(partnership=partnership, parent__isnull=True)


# --- Compiling --------------------------------------------------------------------------------


def _sort_key(positions: dict[int, tuple[int, int]]):
    def key(row):
        pk, priority_id, group_name, due_on = row[:4]
        return (
            positions.get(priority_id, (10_000, 0)),
            group_name is not None,
            (group_name or "").casefold(),
            due_on is None,
            due_on or dt.date.min,
            pk,
        )

    return key


def _positions(strategy: Strategy) -> dict[int, tuple[int, int]]:
    return {
        pk: (position, pk)
        for pk, position in StrategicPriority.objects.filter(strategy=strategy).values_list("pk", "position")
    }


def _ordered(rows, positions, start_after: dict[int, int] | None = None) -> list[tuple[int, int, int]]:
    """(action id, strategic priority id, position) for ``rows`` in the default order, numbered
    within their priority after ``start_after[priority_id]``."""
    next_position = defaultdict(int, start_after or {})
    ordered = []
    for row in sorted(rows, key=_sort_key(positions)):
        pk, priority_id = row[0], row[1]
        next_position[priority_id] += 1
        ordered.append((pk, priority_id, next_position[priority_id]))
    return ordered


def _insert_entries(plan: AnnualPlan, ordered: list[tuple[int, int, int]]) -> None:
    """Insert the entries with multi-row INSERTs (a few thousand rows each): no model instance or
    statement per action, which keeps compiling 5,000 actions well under a second."""
    if not ordered:
        return
    meta = AnnualPlanEntry._meta
    names = ("plan", "action", "strategic_priority", "position")
    connection = connections[router.db_for_write(AnnualPlanEntry)]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in names)
    rows = [(plan.pk, pk, priority_id, position) for pk, priority_id, position in ordered]
    batch = max(1, min(2000, connection.ops.bulk_batch_size(names, rows)))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            values = ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {values}",  # noqa: S608 (names from the model; values are parameters)
                [value for row in chunk for value in row],
            )


def _candidates(partnership: Partnership, strategy: Strategy, starts_on: dt.date, ends_on: dt.date):
    return Action.objects.filter(
        active_in_year_q(starts_on, ends_on),
        partnership=partnership,
        strategic_priority__strategy=strategy,
    )


@transaction.atomic
def plan_compile(
    *,
    partnership: Partnership,
    strategy: Strategy,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    title: str | None = None,
    by=None,
) -> AnnualPlan:
    """Compile the annual plan for the year starting ``starts_on`` (a year unless ``ends_on``):
    every action of the partnership tagged with a priority of ``strategy`` and active in the
    year, under its priority. A second plan for the same partnership and start date is refused.

    A fixed number of queries, whatever the number of actions (one read, one insert of all the
    entries)."""
    if strategy.partnership_id != partnership.pk:
        raise ValidationError({"strategy": "Choose a strategy of this partnership."})
    if starts_on is None:
        raise ValidationError({"starts_on": "Enter the first day of the year the plan covers."})
    if ends_on is None:
        ends_on = year_end(starts_on)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "The plan must end after it starts."})
    if ends_on > year_end(starts_on):
        raise ValidationError({"ends_on": "An annual plan covers a year at most."})
    if not strategy.starts_on <= starts_on <= strategy.ends_on:
        raise ValidationError(
            {
                "starts_on": f"The year must start within the strategy, between "
                f"{date_text(strategy.starts_on)} and {date_text(strategy.ends_on)}."
            }
        )
    existing = AnnualPlan.objects.filter(partnership=partnership, starts_on=starts_on).first()
    if existing is not None:
        raise ValidationError(
            {
                "starts_on": f"There is already an annual plan for the year starting {date_text(starts_on)}: "
                f"“{existing.title}”."
            }
        )
    title = (title or "").strip() or default_title(starts_on, ends_on)
    plan = AnnualPlan(
        partnership=partnership, strategy=strategy, title=title, starts_on=starts_on, ends_on=ends_on
    )
    plan.full_clean(validate_constraints=False)
    _set_history(plan, by, COMPILED)
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"starts_on": f"There is already an annual plan for the year starting {date_text(starts_on)}."}
        ) from exc
    rows = _candidates(partnership, strategy, starts_on, ends_on).values_list(
        "pk", "strategic_priority_id", "group__name", "due_on"
    )
    _insert_entries(plan, _ordered(rows, _positions(strategy)))
    return plan


def _lock(plan: AnnualPlan) -> AnnualPlan:
    """The plan, locked for this transaction; refused once approved."""
    locked = AnnualPlan.objects.select_for_update().get(pk=plan.pk)
    if locked.status == AnnualPlan.Status.APPROVED:
        raise ValidationError(FROZEN_MESSAGE)
    return locked


def last_compiled_at(plan: AnnualPlan) -> dt.datetime:
    """When the plan was last compiled or recompiled (from its history)."""
    latest = plan.history.filter(history_change_reason__in=[COMPILED, RECOMPILED]).aggregate(
        latest=Max("history_date")
    )["latest"]
    return latest or plan.created_at


@transaction.atomic
def plan_recompile(*, plan: AnnualPlan, by=None) -> list[AnnualPlanEntry]:
    """Add the actions that are new to the plan since it was last compiled: those recorded, or
    tagged with one of the strategy's priorities, after that. Removed entries stay removed and
    the order stays; new entries go at the end of their priority."""
    plan = _lock(plan)
    since = last_compiled_at(plan)
    in_plan = plan.entries.values("action_id")
    rows = list(
        _candidates(plan.partnership, plan.strategy, plan.starts_on, plan.ends_on)
        .exclude(pk__in=in_plan)
        .values_list("pk", "strategic_priority_id", "group__name", "due_on", "created_at")
    )
    new = [row for row in rows if row[4] > since]
    older = {row[0]: row for row in rows if row[4] <= since}
    if older:
        priority_ids = set(_positions(plan.strategy))
        then: dict[int, int | None] = {}
        for pk, priority_id in (
            Action.history.filter(id__in=list(older), history_date__lte=since)
            .order_by("id", "-history_date", "-history_id")
            .values_list("id", "strategic_priority_id")
        ):
            then.setdefault(pk, priority_id)
        # Tagged since: untagged (or tagged with another strategy's priority) at the last compile.
        new += [row for pk, row in older.items() if pk in then and then[pk] not in priority_ids]
    start_after = dict(
        plan.entries.values("strategic_priority_id")
        .annotate(last=Max("position"))
        .values_list("strategic_priority_id", "last")
    )
    ordered = _ordered(new, _positions(plan.strategy), start_after)
    _insert_entries(plan, ordered)
    _set_history(plan, by, RECOMPILED)
    plan.save(update_fields=["title"])  # keeps the time of this compile in the plan's history
    return list(
        AnnualPlanEntry.objects.filter(plan=plan, action_id__in=[pk for pk, _, _ in ordered]).order_by(
            "strategic_priority__position", "position"
        )
    )


# --- Editing before approval ---------------------------------------------------------------------


@transaction.atomic
def entry_add(
    *,
    plan: AnnualPlan,
    action: Action,
    strategic_priority: StrategicPriority | None = None,
    by=None,
) -> AnnualPlanEntry:
    """Add an action to the plan, at the end of its strategic priority (the action's own unless
    another of the strategy's priorities is given)."""
    plan = _lock(plan)
    if action.partnership_id != plan.partnership_id:
        raise ValidationError({"action": "Choose an action of this partnership."})
    if plan.entries.filter(action=action).exists():
        raise ValidationError({"action": "That action is already in the plan."})
    if strategic_priority is not None and strategic_priority.strategy_id != plan.strategy_id:
        raise ValidationError(
            {"strategic_priority": f"Choose a strategic priority of {plan.strategy.title}."}
        )
    if strategic_priority is None:
        own = action.strategic_priority
        if own is None or own.strategy_id != plan.strategy_id:
            raise ValidationError(
                {
                    "strategic_priority": "Choose the strategic priority to put it under: the action "
                    f"has none in {plan.strategy.title}."
                }
            )
        strategic_priority = own
    last = plan.entries.filter(strategic_priority=strategic_priority).aggregate(last=Max("position"))["last"]
    entry = AnnualPlanEntry(
        plan=plan, action=action, strategic_priority=strategic_priority, position=(last or 0) + 1
    )
    entry.full_clean(validate_constraints=False)
    entry.save()
    return entry


@transaction.atomic
def entry_remove(*, entry: AnnualPlanEntry, by=None) -> None:
    """Take an action out of the plan (the action itself stays in its group's plan)."""
    _lock(entry.plan)
    AnnualPlanEntry.objects.filter(pk=entry.pk).delete()


@transaction.atomic
def entry_move(*, entry: AnnualPlanEntry, direction: str, by=None) -> AnnualPlanEntry:
    """Move an entry one place up or down within its strategic priority; positions are
    renumbered 1, 2, 3 …"""
    if direction not in ("up", "down"):
        raise ValidationError("Choose to move the action up or down.")
    plan = _lock(entry.plan)
    siblings = list(
        AnnualPlanEntry.objects.filter(plan=plan, strategic_priority_id=entry.strategic_priority_id).order_by(
            "position", "pk"
        )
    )
    index = next((i for i, other in enumerate(siblings) if other.pk == entry.pk), None)
    if index is None:
        raise ValidationError("That action is no longer in the plan.")
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(siblings):
        siblings[index], siblings[target] = siblings[target], siblings[index]
    changed = []
    for position, sibling in enumerate(siblings, start=1):
        if sibling.position != position:
            sibling.position = position
            changed.append(sibling)
    AnnualPlanEntry.objects.bulk_update(changed, ["position"])
    return next(sibling for sibling in siblings if sibling.pk == entry.pk)


# --- Approval ------------------------------------------------------------------------------------


def approval_text(plan: AnnualPlan) -> str:
    return f"RESOLVED that the {plan.title} be APPROVED"


def approval_meetings(plan: AnnualPlan):
    """Meetings that may record the approval: meetings of the partnership's top-level groups that
    have taken place, were not cancelled, and whose minutes are not yet approved; latest first."""
    from tandem.meetings.models import Meeting

    return (
        Meeting.objects.filter(
            group__in=top_groups(plan.partnership),
            status=Meeting.Status.SCHEDULED,
            starts_at__lte=timezone.now(),
        )
        .exclude(minutes_status=Meeting.MinutesStatus.APPROVED)
        .select_related("group")
        .order_by("-starts_at", "pk")
    )


@transaction.atomic
def plan_approve(
    *,
    plan: AnnualPlan,
    meeting=None,
    decision_text: str = "",
    approved_on: dt.date | None = None,
    by=None,
) -> AnnualPlan:
    """Approve the plan by a recorded decision, and freeze it.

    With ``meeting`` (a meeting of a top-level group that has taken place, minutes not yet
    approved) the decision goes into its minutes and the plan is approved on the meeting's
    date; without, the decision's text and ``approved_on`` are kept on the plan."""
    from tandem.meetings.minutes import decision_record

    plan = _lock(plan)
    decision_text = (decision_text or "").strip()
    if not decision_text:
        raise ValidationError({"decision_text": "Enter the decision as it was recorded."})
    if not plan.entries.exists():
        raise ValidationError("The plan has no actions: add some before approving it.")
    decision = None
    if meeting is not None:
        if not approval_meetings(plan).filter(pk=meeting.pk).exists():
            raise ValidationError(
                {
                    "meeting": "Choose a meeting of "
                    f"{' or '.join(g.name for g in top_groups(plan.partnership)) or 'the partnership'} "
                    "that has taken place and whose minutes are not yet approved."
                }
            )
        try:
            decision = decision_record(meeting=meeting, text=decision_text)
        except ValidationError as exc:
            raise ValidationError({"meeting": exc.messages}) from exc
        approved_on = timezone.localtime(meeting.starts_at).date()
    else:
        if approved_on is None:
            raise ValidationError(
                {
                    "approved_on": "Enter the date the plan was approved, or choose the meeting that "
                    "approved it."
                }
            )
        if approved_on > timezone.localdate():
            raise ValidationError({"approved_on": "The date of approval cannot be in the future."})
    plan.status = AnnualPlan.Status.APPROVED
    plan.approved_on = approved_on
    plan.approved_by = _user(by)
    plan.approval_decision = decision
    plan.approval_text = decision_text
    _set_history(plan, by, "Approved")
    plan.save(update_fields=["status", "approved_on", "approved_by", "approval_decision", "approval_text"])
    return plan


# --- Reading the plan ----------------------------------------------------------------------------


def lead_text(action: Action, *, show_names: bool) -> str:
    """Who leads it: the person (named publicly only with their agreement) and their organisation."""
    parts = []
    if action.lead_id and (show_names or action.lead.show_name_publicly):
        parts.append(action.lead.name)
    if action.lead_organisation_id:
        parts.append(action.lead_organisation.name)
    if not parts and action.lead_id:
        parts.append("A resident")
    return ", ".join(parts) or "Not set"


def evaluation_text(action: Action) -> str:
    """The fifth column: did it work?"""
    if action.worked:
        return action.get_worked_display()
    if action.evaluate_by:
        return f"To be evaluated by {date_text(action.evaluate_by)}"
    if action.status == Action.Status.DONE:
        return "Not evaluated"
    return "Not yet"


def issue_text(action: Action, *, insider: bool) -> str:
    """The first column: the issue, or the problem's title (only if the problem is public or the
    viewer is an insider)."""
    if action.issue:
        return action.issue
    if action.problem_id and (insider or action.problem.is_public):
        return action.problem.title
    return "A problem that is not public"


# The plan page shows the first SHOWN actions of each strategic priority, with a link to the
# priority's own page, which shows all of them PER_PAGE to a page. With 5,000 actions the whole
# plan on one page was megabytes of HTML and most of a second to build.
SHOWN = 50
PER_PAGE = 100
# The ?priority= value of the entries whose strategic priority was deleted.
NO_PRIORITY = "none"

# The columns a row shows, read with values(): no model instances and no query per row.
ROW_FIELDS = (
    "pk",
    "strategic_priority_id",
    "action_id",
    "action__issue",
    "action__problem_id",
    "action__problem__title",
    "action__problem__is_public",
    "action__lead_id",
    "action__lead__name",
    "action__lead__show_name_publicly",
    "action__lead_organisation__name",
    "action__due_on",
    "action__status",
    "action__worked",
    "action__evaluate_by",
    "action__group_id",
    "action__group__name",
)
DESCRIPTION_CHARS = 201  # enough for the page's 200 characters and the ellipsis after them
WORKED_LABELS = dict(Action.Worked.choices)


@dataclass
class PriorityBlock:
    """One strategic priority of the plan as a viewer sees it: how many of its entries they may
    see (``count``) and may not (``hidden_count``), by status, and the rows fetched for the page
    (the first ``SHOWN``, or one page of them). Each row is a dict of the words to show (see
    ``_row``)."""

    priority: StrategicPriority | None
    rows: list[dict] = field(default_factory=list)
    count: int = 0
    hidden_count: int = 0
    partnership_level_count: int = 0
    tally: dict[str, int] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.priority.title if self.priority else "No strategic priority"

    @property
    def anchor(self) -> str:
        return f"priority-{self.priority.pk}" if self.priority else "priority-none"

    @property
    def slug(self) -> str:
        """Its ``?priority=`` value."""
        return self.priority.slug if self.priority else NO_PRIORITY

    @property
    def more(self) -> int:
        """How many of the entries the viewer may see are not among the rows fetched."""
        return self.count - len(self.rows)

    @property
    def counts(self) -> list[tuple[str, str, int, str]]:
        """(status, words, count, tag class) for each status with actions, in the usual order: every
        entry the viewer may see, not only the rows shown."""
        return [
            (status, label, self.tally[status], STATUS_TAGS[status])
            for status, label in STATUS_ORDER
            if self.tally.get(status)
        ]


def _visible_entries(plan: AnnualPlan, viewer: Viewer):
    return AnnualPlanEntry.objects.filter(plan=plan).filter(actions_visible_q(viewer, prefix="action__"))


def _row(values: dict, viewer: Viewer, today: dt.date, number: int) -> dict:
    """The words of one row, from ``ROW_FIELDS`` (the same rules as ``issue_text``, ``lead_text``
    and ``evaluation_text``, which take a model instance)."""
    group_id = values["action__group_id"]
    insider = viewer.is_officer or (group_id is not None and group_id in viewer.group_ids)
    status, due_on = values["action__status"], values["action__due_on"]
    if status in Action.OPEN_STATUSES and due_on is not None and due_on < today:
        status = Action.OVERDUE
    issue = values["action__issue"]
    if not issue:
        if values["action__problem_id"] and (insider or values["action__problem__is_public"]):
            issue = values["action__problem__title"]
        else:
            issue = "A problem that is not public"
    lead = []
    if values["action__lead_id"] and (insider or values["action__lead__show_name_publicly"]):
        lead.append(values["action__lead__name"])
    if values["action__lead_organisation__name"] is not None:
        lead.append(values["action__lead_organisation__name"])
    if not lead and values["action__lead_id"]:
        lead.append("A resident")
    worked, evaluate_by = values["action__worked"], values["action__evaluate_by"]
    if worked:
        evaluation = WORKED_LABELS.get(worked, worked)
    elif evaluate_by:
        evaluation = f"To be evaluated by {date_text(evaluate_by)}"
    elif status == Action.Status.DONE:
        evaluation = "Not evaluated"
    else:
        evaluation = "Not yet"
    action_id = values["action_id"]
    return {
        "number": number,
        "entry_id": values["pk"],
        "action_id": action_id,
        "url": reverse("actionplans:action-detail", kwargs={"pk": action_id}),
        "description": values["description"],
        "issue": issue,
        "lead": ", ".join(lead) or "Not set",
        "due": date_text(due_on) if due_on else "Not set",
        "evaluation": evaluation,
        "group_name": values["action__group__name"],  # None: partnership-level
        "status": status,
        "status_label": STATUS_LABELS[status],
        "status_tag": STATUS_TAGS[status],
    }


def _row_values(entries, *extra: str):
    return entries.annotate(description=Left("action__description", DESCRIPTION_CHARS)).values(
        *ROW_FIELDS, "description", *extra
    )


def plan_blocks(
    plan: AnnualPlan, viewer: Viewer, *, include_empty: bool = True, shown: int = SHOWN
) -> list[PriorityBlock]:
    """The strategy's priorities in order, each with how many of its entries the viewer may see,
    by status, how many they may not see, and the first ``shown`` rows in the plan's order (none
    with ``shown=0``). Entries whose priority was deleted come last, under "No strategic
    priority". Four queries (three for officers), whatever the number of entries."""
    priorities = list(
        StrategicPriority.objects.filter(strategy_id=plan.strategy_id)
        .only("pk", "title", "slug", "description", "position")
        .order_by("position", "pk")
    )
    blocks = {priority.pk: PriorityBlock(priority=priority) for priority in priorities}
    orphans = PriorityBlock(priority=None)

    def block_of(priority_id) -> PriorityBlock:
        return blocks.get(priority_id, orphans)

    today = timezone.localdate()
    visible = _visible_entries(plan, viewer)
    tallies = (
        visible.values("strategic_priority_id", "action__status")
        .annotate(
            n=Count("pk"),
            overdue=Count("pk", filter=Q(action__due_on__lt=today)),
            own=Count("pk", filter=Q(action__group__isnull=True)),
        )
        .order_by()
    )
    for row in tallies:
        block = block_of(row["strategic_priority_id"])
        status, n, overdue = row["action__status"], row["n"], row["overdue"]
        if status not in Action.OPEN_STATUSES:
            overdue = 0
        block.count += n
        block.partnership_level_count += row["own"]
        block.tally[status] = block.tally.get(status, 0) + n - overdue
        if overdue:
            block.tally[Action.OVERDUE] = block.tally.get(Action.OVERDUE, 0) + overdue
    if not viewer.is_officer:  # officers see every entry: nothing is hidden from them
        totals = (
            AnnualPlanEntry.objects.filter(plan=plan)
            .values("strategic_priority_id")
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("strategic_priority_id", "n")
        )
        for priority_id, n in totals:
            block_of(priority_id).hidden_count += n
        for block in [*blocks.values(), orphans]:
            block.hidden_count -= block.count
    if shown > 0:
        numbered = visible.annotate(
            number=Window(
                RowNumber(),
                partition_by=[F("strategic_priority_id")],
                order_by=[F("position").asc(), F("pk").asc()],
            )
        ).filter(number__lte=shown)
        for values in _row_values(numbered.order_by("position", "pk"), "number"):
            block = block_of(values["strategic_priority_id"])
            if len(block.rows) < shown:
                block.rows.append(_row(values, viewer, today, len(block.rows) + 1))
    result = list(blocks.values())
    if orphans.count or orphans.hidden_count:
        result.append(orphans)
    return [block for block in result if include_empty or block.count or block.hidden_count]


def block_rows(
    plan: AnnualPlan, viewer: Viewer, block: PriorityBlock, *, offset: int, limit: int
) -> list[dict]:
    """Rows ``offset + 1`` to ``offset + limit`` of one priority's entries the viewer may see, in the
    plan's order. One query."""
    entries = _visible_entries(plan, viewer)
    if block.priority is not None:
        entries = entries.filter(strategic_priority_id=block.priority.pk)
    else:
        entries = entries.filter(
            Q(strategic_priority__isnull=True) | ~Q(strategic_priority__strategy_id=plan.strategy_id)
        )
    today = timezone.localdate()
    page = _row_values(entries.order_by("position", "pk"))[offset : offset + limit]
    return [_row(values, viewer, today, offset + n) for n, values in enumerate(page, start=1)]


def entry_candidates(plan: AnnualPlan, *, q: str = ""):
    """Actions of the partnership that are not in the plan, for adding: searched by ``q`` in the
    action, the issue, the reference and the group's name; the plan's strategy's tagged actions
    active in the year first."""
    candidates = (
        Action.objects.filter(partnership_id=plan.partnership_id)
        .exclude(pk__in=plan.entries.values("action_id"))
        .select_related("group", "strategic_priority")
    )
    q = (q or "").strip()
    if q:
        words = Q()
        for word in q.split()[:8]:
            words &= (
                Q(description__icontains=word)
                | Q(issue__icontains=word)
                | Q(reference__iexact=word)
                | Q(group__name__icontains=word)
                | Q(problem__title__icontains=word)
            )
        candidates = candidates.filter(words)
    else:
        candidates = candidates.filter(
            active_in_year_q(plan.starts_on, plan.ends_on), strategic_priority__strategy_id=plan.strategy_id
        )
    return candidates.order_by("strategic_priority__position", "group__name", "due_on", "pk")
