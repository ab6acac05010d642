"""Every change to an action: create, change, progress, complete with an evaluation, cancel.

Services are keyword-only, run in one transaction and raise ``ValidationError`` with
messages fit to show on a form. "Overdue" is never stored (see ``Action.display_status``).
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tandem.partnership.models import Group, Organisation, Partnership, Person
from tandem.partnership.services import apply_changes
from tandem.strategy.models import StrategicPriority

from .models import Action, ActionUpdate, Reminder


def _user(by):
    return by if getattr(by, "is_authenticated", False) else None


def _set_history_user(instance, by) -> None:
    if _user(by) is not None:
        instance._history_user = by


def check_lead(
    *, partnership: Partnership, lead: Person | None, lead_organisation: Organisation | None
) -> None:
    """A lead must be a person or an organisation of the partnership: someone who is (or was) in
    one of its groups, or an organisation represented in one."""
    from tandem.partnership.models import Membership

    errors = {}
    if lead is None and lead_organisation is None:
        errors["lead"] = "Choose who leads the action: a person, an organisation, or both."
    in_partnership = Membership.objects.filter(group__partnership=partnership)
    if lead is not None and not in_partnership.filter(person=lead).exists():
        errors["lead"] = f"{lead.name} is not a member of any group of {partnership.name}."
    if (
        lead_organisation is not None
        and not in_partnership.filter(organisation=lead_organisation).exists()
        and not Group.objects.filter(partnership=partnership, accountable_body=lead_organisation).exists()
    ):
        errors["lead_organisation"] = f"{lead_organisation.name} is not part of {partnership.name}."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def action_create(
    *,
    group: Group | None = None,
    partnership: Partnership | None = None,
    description: str,
    issue: str = "",
    problem=None,
    lead: Person | None = None,
    lead_organisation: Organisation | None = None,
    supporting_organisations: Iterable[Organisation] = (),
    start_on: dt.date | None = None,
    due_on: dt.date | None = None,
    status: str = Action.Status.NOT_STARTED,
    strategic_priority: StrategicPriority | None = None,
    is_public: bool = True,
    budget: Decimal | None = None,
    reference: str = "",
    arising_from=None,
    imported_from=None,
    by=None,
) -> Action:
    """A new action in a group's plan (or the partnership's own, with ``group=None``)."""
    if group is None and partnership is None:
        raise ValidationError("An action belongs to a group or to the partnership.")
    partnership = partnership or group.partnership
    if not (description or "").strip():
        raise ValidationError({"description": "Enter the action to be carried out."})
    check_lead(partnership=partnership, lead=lead, lead_organisation=lead_organisation)
    if strategic_priority is not None and strategic_priority.strategy.partnership_id != partnership.pk:
        raise ValidationError({"strategic_priority": "Choose a strategic priority of this partnership."})
    if problem is not None and problem.partnership_id != partnership.pk:
        raise ValidationError({"problem": "Choose a problem of this partnership."})
    action = Action(
        partnership=partnership,
        group=group,
        description=description.strip(),
        issue=(issue or "").strip(),
        problem=problem,
        lead=lead,
        lead_organisation=lead_organisation,
        start_on=start_on,
        due_on=due_on,
        status=status,
        strategic_priority=strategic_priority,
        is_public=is_public,
        budget=budget,
        reference=reference,
        arising_from=arising_from,
        imported_from=imported_from,
        created_by=_user(by),
    )
    action.full_clean()
    _set_history_user(action, by)
    action.save()
    if supporting_organisations:
        action.supporting_organisations.set(supporting_organisations)
    return action


# --- Changing an action ------------------------------------------------------------------

UPDATABLE = {
    "reference",
    "problem",
    "issue",
    "description",
    "lead",
    "lead_organisation",
    "start_on",
    "due_on",
    "strategic_priority",
    "is_public",
    "budget",
}

DONE_NEEDS_EVALUATION = (
    "An action cannot be marked done without an evaluation. Say whether it worked, or give the date by "
    "which it will be evaluated."
)
FINAL_JUDGEMENTS = (Action.Worked.YES, Action.Worked.PARTLY, Action.Worked.NO)


def _lock(action: Action) -> None:
    """Lock the action's row for this transaction and bring its status up to date."""
    action.status = (
        Action.objects.select_for_update().filter(pk=action.pk).values_list("status", flat=True).get()
    )


def _check_links(action: Action) -> None:
    """The problem and the strategic priority must be the partnership's own."""
    if (
        action.strategic_priority_id
        and action.strategic_priority.strategy.partnership_id != action.partnership_id
    ):
        raise ValidationError({"strategic_priority": "Choose a strategic priority of this partnership."})
    if action.problem_id and action.problem.partnership_id != action.partnership_id:
        raise ValidationError({"problem": "Choose a problem of this partnership."})


@transaction.atomic
def action_update(*, action: Action, data: dict[str, Any], by) -> list[str]:
    """Change an action's details (not its status: see ``update_add``, ``action_complete`` and
    ``action_cancel``); returns the names of the fields that changed. The same rules as
    ``action_create``: dates in order, a lead of the partnership, an issue."""
    data = dict(data)
    supporting = data.pop("supporting_organisations", None)
    if "description" in data:
        data["description"] = (data["description"] or "").strip()
        if not data["description"]:
            raise ValidationError({"description": "Enter the action to be carried out."})
    if "issue" in data:
        data["issue"] = (data["issue"] or "").strip()
    if "reference" in data:
        data["reference"] = (data["reference"] or "").strip()
    changed = apply_changes(action, allowed=UPDATABLE, data=data)
    if {"lead", "lead_organisation"} & set(changed):
        check_lead(
            partnership=action.partnership, lead=action.lead, lead_organisation=action.lead_organisation
        )
    _check_links(action)
    if changed:
        action.full_clean()
        _set_history_user(action, by)
        action.save(update_fields=[*changed, "updated_at"])
    if supporting is not None:
        wanted = {organisation.pk for organisation in supporting}
        if wanted != set(action.supporting_organisations.values_list("pk", flat=True)):
            action.supporting_organisations.set(list(supporting))
            changed.append("supporting_organisations")
    return changed


def _status_error(status: str) -> str | None:
    if status == Action.Status.DONE:
        return "To mark the action done, complete it with its evaluation."
    if status == Action.Status.CANCELLED:
        return "To cancel the action, use “Cancel the action” and say why."
    if status not in Action.OPEN_STATUSES:
        return "Choose a status from the list."
    return None


@transaction.atomic
def update_add(
    *,
    action: Action,
    text: str,
    status: str = "",
    is_internal: bool = False,
    by=None,
    author_person: Person | None = None,
) -> ActionUpdate:
    """A dated progress update, optionally moving the action to another open status (not started,
    on track, at risk). Done goes through ``action_complete``, cancelled through ``action_cancel``."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Enter the progress update."})
    status = status or ""
    _lock(action)
    if status:
        error = _status_error(status)
        if error:
            raise ValidationError({"status": error})
        if not action.is_open:
            state = action.get_status_display().lower()
            raise ValidationError({"status": f"The action is {state}: its status cannot change now."})
    changed_status = status if status and status != action.status else ""
    if changed_status:
        action.status = changed_status
        action.full_clean()
        _set_history_user(action, by)
        action.save(update_fields=["status", "updated_at"])
    update = ActionUpdate(
        action=action,
        text=text,
        status=changed_status,
        is_internal=bool(is_internal),
        author=_user(by),
        author_person=author_person,
    )
    update.full_clean()
    update.save()
    return update


def _evaluation_checks(*, worked: str, evaluate_by: dt.date | None, today: dt.date) -> None:
    if worked and worked not in Action.Worked.values:
        raise ValidationError({"worked": "Choose whether it worked: yes, partly, no or too early to tell."})
    if worked == Action.Worked.TOO_EARLY and evaluate_by is None:
        raise ValidationError(
            {"evaluate_by": "It is too early to tell: give the date by which it will be evaluated."}
        )
    if evaluate_by is not None and worked not in FINAL_JUDGEMENTS and evaluate_by < today:
        raise ValidationError({"evaluate_by": "The date to evaluate it by must be today or later."})


def _evaluation_text(action: Action) -> str:
    if action.worked in FINAL_JUDGEMENTS:
        return f"Did it work? {action.get_worked_display()}."
    when = f"{action.evaluate_by.day} {action.evaluate_by:%B %Y}"
    if action.worked == Action.Worked.TOO_EARLY:
        return f"Did it work? Too early to tell: to be evaluated by {when}."
    return f"To be evaluated by {when}."


def _close_reminders(action: Action) -> None:
    """Evaluation reminders not yet sent are no longer needed."""
    action.reminders.filter(kind="evaluation", sent_at__isnull=True).delete()


def _remind(action: Action) -> None:
    if action.worked not in FINAL_JUDGEMENTS and action.evaluate_by is not None:
        Reminder.objects.get_or_create(action=action, kind="evaluation", due_on=action.evaluate_by)


@transaction.atomic
def action_complete(
    *,
    action: Action,
    worked: str = "",
    evidence: str = "",
    learning: str = "",
    evaluate_by: dt.date | None = None,
    completed_on: dt.date | None = None,
    by,
) -> Action:
    """Mark an open action done. It needs its evaluation (did it work?) or an explicit "evaluate
    by" date; with the date and no final judgement, a reminder to evaluate it is set for that day."""
    _lock(action)
    if action.status == Action.Status.DONE:
        raise ValidationError("The action is already done. To change its evaluation, evaluate it again.")
    if action.status == Action.Status.CANCELLED:
        raise ValidationError("The action was cancelled: it cannot be completed.")
    worked = worked or ""
    today = timezone.localdate()
    if not worked and evaluate_by is None:
        raise ValidationError({"worked": DONE_NEEDS_EVALUATION})
    _evaluation_checks(worked=worked, evaluate_by=evaluate_by, today=today)
    completed_on = completed_on or today
    if completed_on > today:
        raise ValidationError({"completed_on": "The date it was completed cannot be in the future."})
    if action.start_on and completed_on < action.start_on:
        raise ValidationError(
            {"completed_on": "The date it was completed must be on or after its start date."}
        )
    final = worked in FINAL_JUDGEMENTS
    action.status = Action.Status.DONE
    action.completed_on = completed_on
    action.worked = worked
    action.evaluation_evidence = (evidence or "").strip()
    action.evaluation_learning = (learning or "").strip()
    action.evaluated_on = today if final else None
    action.evaluate_by = None if final else evaluate_by
    action.full_clean()
    _set_history_user(action, by)
    action.save(
        update_fields=[
            "status",
            "completed_on",
            "worked",
            "evaluation_evidence",
            "evaluation_learning",
            "evaluated_on",
            "evaluate_by",
            "updated_at",
        ]
    )
    ActionUpdate.objects.create(
        action=action,
        text=f"Completed on {completed_on.day} {completed_on:%B %Y}. {_evaluation_text(action)}",
        status=Action.Status.DONE,
        author=_user(by),
    )
    _remind(action)
    return action


@transaction.atomic
def action_evaluate(
    *,
    action: Action,
    worked: str,
    evidence: str = "",
    learning: str = "",
    evaluate_by: dt.date | None = None,
    by,
) -> Action:
    """Evaluate a done action later (or again): did it work, what the evidence says, what was
    learned. Closes the reminder; "too early to tell" needs a new date and sets a new reminder."""
    _lock(action)
    if action.status != Action.Status.DONE:
        raise ValidationError("Only a done action is evaluated. Complete the action first.")
    worked = worked or ""
    if not worked:
        raise ValidationError({"worked": "Say whether it worked: yes, partly, no or too early to tell."})
    today = timezone.localdate()
    _evaluation_checks(worked=worked, evaluate_by=evaluate_by, today=today)
    final = worked in FINAL_JUDGEMENTS
    action.worked = worked
    action.evaluation_evidence = (evidence or "").strip()
    action.evaluation_learning = (learning or "").strip()
    action.evaluated_on = today if final else None
    action.evaluate_by = None if final else evaluate_by
    action.full_clean()
    _set_history_user(action, by)
    action.save(
        update_fields=[
            "worked",
            "evaluation_evidence",
            "evaluation_learning",
            "evaluated_on",
            "evaluate_by",
            "updated_at",
        ]
    )
    _close_reminders(action)
    _remind(action)
    ActionUpdate.objects.create(
        action=action, text=f"Evaluated. {_evaluation_text(action)}", author=_user(by)
    )
    return action


@transaction.atomic
def action_cancel(*, action: Action, reason: str, by) -> Action:
    """Cancel an open action, saying why (the reason shows with its updates)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the action is cancelled."})
    _lock(action)
    if not action.is_open:
        raise ValidationError(f"The action is {action.get_status_display().lower()}: it cannot be cancelled.")
    action.status = Action.Status.CANCELLED
    action.full_clean()
    _set_history_user(action, by)
    action.save(update_fields=["status", "updated_at"])
    _close_reminders(action)
    ActionUpdate.objects.create(
        action=action, text=f"Cancelled: {reason}", status=Action.Status.CANCELLED, author=_user(by)
    )
    return action
