"""Actions arising from a meeting's minutes become plan actions without re-typing, and the
meetings' standing "action plan review" agenda item lists the group's actions due or overdue.

A plan action takes over what the minutes recorded: the action, who leads it and by when;
its group is the meeting's group, and the issue it resolves is the problem the agenda item
discussed (``problems.ProblemAgendaItem``) or else the item's title. An action arising goes
into the plan once (``Action.arising_from`` is one-to-one).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date

from tandem.meetings.models import ActionArising, Meeting
from tandem.partnership.access import Viewer
from tandem.problems.models import Problem, ProblemAgendaItem

from . import services
from .access import actions_visible_q, is_plan_insider
from .models import Action

# The action plan review lists open actions due up to a fortnight after the meeting, and the overdue.
REVIEW_WINDOW = dt.timedelta(days=14)
# More than this many lines under one agenda item stop being read: the rest are a link away.
AGENDA_LIMIT = 25

ALREADY_IN_PLAN = "This action arising is already in the action plan."


class AlreadyInPlan(ValidationError):
    """Refused: the action arising was added to the plan before (``action`` is the plan action)."""

    def __init__(self, action: Action):
        super().__init__(ALREADY_IN_PLAN, code="already_in_plan")
        self.action = action


def _day(value: dt.date) -> str:
    return format_date(value, "j F Y")


# --- From the minutes to the plan ----------------------------------------------------------


def plan_action_for(arising: ActionArising) -> Action | None:
    """The plan action made from this action arising, if there is one."""
    return Action.objects.filter(arising_from_id=arising.pk).first()


def arising_problem(arising: ActionArising) -> Problem | None:
    """The problem the action arising's agenda item discussed (the first linked, of the same
    partnership), if any."""
    if not arising.item_id:
        return None
    link = (
        ProblemAgendaItem.objects.filter(
            item_id=arising.item_id, problem__partnership_id=arising.meeting.group.partnership_id
        )
        .select_related("problem")
        .order_by("added_at", "pk")
        .first()
    )
    return link.problem if link else None


def arising_defaults(arising: ActionArising) -> dict:
    """What the plan action takes over from the minutes: the arguments for ``action_create``.

    An action arising under a confidential item, or from a private meeting, starts as not public:
    its item's title may name people."""
    meeting = arising.meeting
    item = arising.item
    problem = arising_problem(arising)
    if problem is not None:
        issue = ""
    elif item is not None:
        issue = item.title
    else:
        issue = f"Arising from {meeting}"
    return {
        "group": meeting.group,
        "description": arising.description,
        "issue": issue,
        "problem": problem,
        "lead": arising.lead,
        "lead_organisation": arising.lead_organisation,
        "due_on": arising.due_on,
        "is_public": meeting.is_public and not (item is not None and item.is_confidential),
    }


def _arising_get(pk: int, *, lock: bool = False) -> ActionArising:
    rows = ActionArising.objects.select_related(
        "meeting", "meeting__group", "meeting__group__partnership", "item", "lead", "lead_organisation"
    )
    if lock:
        rows = rows.select_for_update(of=("self",))
    return rows.get(pk=pk)


@transaction.atomic
def action_from_arising(*, arising: ActionArising, by, **overrides) -> Action:
    """Put an action arising from a meeting's minutes into the meeting group's action plan.

    ``overrides`` (any argument of ``services.action_create``) replace what the minutes said.
    Refuses an action arising that is already in the plan (``AlreadyInPlan``, with the action).
    """
    locked = _arising_get(arising.pk, lock=True)
    existing = plan_action_for(locked)
    if existing is not None:
        raise AlreadyInPlan(existing)
    data = arising_defaults(locked)
    data.update(overrides)
    data.pop("arising_from", None)
    data.pop("by", None)
    try:
        with transaction.atomic():
            return services.action_create(arising_from=locked, by=by, **data)
    except IntegrityError:  # added at the same moment by someone else
        existing = plan_action_for(locked)
        if existing is None:
            raise
        raise AlreadyInPlan(existing) from None


@dataclass
class MeetingAdoption:
    """What ``actions_from_meeting`` did: the plan actions made, and the actions arising left out
    with the reason."""

    created: list[Action] = field(default_factory=list)
    skipped: list[tuple[ActionArising, str]] = field(default_factory=list)

    @property
    def summary(self) -> str:
        added = len(self.created)
        text = f"{added} action{'s' if added != 1 else ''} added to the action plan."
        if self.skipped:
            left = len(self.skipped)
            text += f" {left} left out: " + "; ".join(
                f"“{arising.description[:60]}”: {reason}" for arising, reason in self.skipped
            )
        return text


def actions_from_meeting(*, meeting: Meeting, by) -> MeetingAdoption:
    """Put every action arising of a meeting that is not yet in the plan into it.

    Those without anyone to lead them, or refused for another reason, are left out and reported;
    each one added is its own transaction, so one bad row does not stop the rest."""
    result = MeetingAdoption()
    pending = (
        ActionArising.objects.filter(meeting_id=meeting.pk, plan_action__isnull=True)
        .select_related(
            "meeting", "meeting__group", "meeting__group__partnership", "item", "lead", "lead_organisation"
        )
        .order_by("pk")
    )
    for arising in pending:
        if arising.lead_id is None and arising.lead_organisation_id is None:
            result.skipped.append((arising, "nobody is named to lead it"))
            continue
        try:
            result.created.append(action_from_arising(arising=arising, by=by))
        except AlreadyInPlan:
            continue
        except ValidationError as exc:
            result.skipped.append((arising, " ".join(exc.messages)))
    return result


# --- The "action plan review" standing agenda item -------------------------------------------


def _lead_text(action: Action, *, insider: bool) -> str:
    names = []
    if action.lead_id:
        if insider or action.lead.show_name_publicly:
            names.append(action.lead.name)
        elif not action.lead_organisation_id:
            names.append("a member of the group")
    if action.lead_organisation_id:
        names.append(action.lead_organisation.name)
    return ", ".join(names)


def agenda_line_text(action: Action, on: dt.date, *, insider: bool) -> str:
    """ "Overdue (due 3 March 2026): Extra patrols on Mill Lane. Lead: PC Paula Beat, Castleford Police"."""
    if action.is_overdue_on(on):
        status = f"Overdue (was due {_day(action.due_on)})"
    else:
        status = f"{action.get_status_display()} (due {_day(action.due_on)})"
    first_line = (action.description.strip().splitlines() or [""])[0]
    text = f"{status}: {first_line[:200]}"
    lead = _lead_text(action, insider=insider)
    return f"{text}. Lead: {lead}" if lead else text


def agenda_lines(meeting: Meeting, viewer: Viewer) -> list[tuple[str, str]]:
    """The group's open actions due by a fortnight after the meeting or overdue at it, that the viewer
    may see, soonest first: (text with the status in words and the due date, link). Two queries at
    most; past ``AGENDA_LIMIT`` lines, the last links to the group's action plan."""
    on = timezone.localtime(meeting.starts_at).date()
    actions = (
        Action.objects.filter(
            group_id=meeting.group_id,
            status__in=Action.OPEN_STATUSES,
            due_on__isnull=False,
            due_on__lte=on + REVIEW_WINDOW,
        )
        .filter(actions_visible_q(viewer))
        .select_related("lead", "lead_organisation")
        .order_by("due_on", "pk")
    )
    rows = list(actions[: AGENDA_LIMIT + 1])
    insider = is_plan_insider(viewer, meeting.group)
    lines = [(agenda_line_text(action, on, insider=insider), action.get_absolute_url()) for action in rows]
    if len(rows) > AGENDA_LIMIT:
        lines = lines[:AGENDA_LIMIT]
        more = actions.count() - AGENDA_LIMIT
        lines.append(
            (
                f"And {more} more due or overdue: see the action plan",
                reverse("actionplans:group-actions", kwargs={"slug": meeting.group.slug}),
            )
        )
    return lines
