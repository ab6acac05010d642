"""Escalation: a problem sent to the group above, and that group's decision on it.

A problem goes only to its owning group's parent (``Group.parent``), has at most one
escalation waiting for a decision, and must be open. The receiving group's next
scheduled meeting gets it on its agenda. The decision is one of: accept (the
receiving group becomes the owner; the history stays), refer back with advice, no
further action, or establish a Community Led Solution group for it.

Every service runs in one transaction and raises ``ValidationError`` with a message
fit to show.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tandem.partnership import services as partnership_services
from tandem.partnership.models import Group, GroupType, Membership, Organisation, Person

from .models import Escalation, Problem, ProblemNote, ProblemReport

logger = logging.getLogger(__name__)

Sector = Organisation.Sector
Decision = Escalation.Decision

CLS_TYPE_SLUGS = ("community-led-solution", "community-led-solution-group")

# Which agencies a Community Led Solution group usually needs, by category (slug).
CATEGORY_SECTORS: dict[str, tuple[str, ...]] = {
    "anti-social-behaviour": (Sector.POLICE, Sector.LOCAL_AUTHORITY, Sector.HOUSING),
    "criminal-damage": (Sector.POLICE, Sector.LOCAL_AUTHORITY, Sector.HOUSING),
    "drugs": (Sector.POLICE, Sector.HEALTH, Sector.HOUSING),
    "speeding-road-safety": (Sector.POLICE, Sector.LOCAL_AUTHORITY),
    "rural-crime": (Sector.POLICE,),
    "scams-fraud": (Sector.POLICE, Sector.LOCAL_AUTHORITY),
    "youth-nuisance": (Sector.POLICE, Sector.LOCAL_AUTHORITY, Sector.HOUSING, Sector.EDUCATION),
    "violence": (Sector.POLICE, Sector.HEALTH),
    "hate-incidents": (Sector.POLICE, Sector.LOCAL_AUTHORITY),
    "fly-tipping": (Sector.LOCAL_AUTHORITY,),
    "noise": (Sector.LOCAL_AUTHORITY, Sector.HOUSING),
    "burglary-theft": (Sector.POLICE,),
    "vehicle-crime": (Sector.POLICE,),
    "cyclists-safety": (Sector.POLICE, Sector.LOCAL_AUTHORITY),
}
DEFAULT_SECTORS = (Sector.POLICE, Sector.LOCAL_AUTHORITY)


def sectors_for(problem: Problem) -> tuple[str, ...]:
    return CATEGORY_SECTORS.get(problem.category.slug, DEFAULT_SECTORS)


def _set_history_user(instance, by) -> None:
    if by is not None and getattr(by, "is_authenticated", False):
        instance._history_user = by


def _user(by):
    return by if getattr(by, "is_authenticated", False) else None


def day_text(moment) -> str:
    moment = timezone.localtime(moment)
    return f"{moment.day} {moment:%B %Y}"


def open_escalation(problem: Problem) -> Escalation | None:
    return Escalation.objects.select_related("to_group").filter(problem=problem, decision="").first()


# --- Escalating -------------------------------------------------------------------------


@transaction.atomic
def problem_escalate(*, problem: Problem, reason: str, by=None, to_group: Group | None = None) -> Escalation:
    """Send a problem to the group above its owner, and put it on that group's next agenda."""
    problem = (
        Problem.objects.select_for_update(of=("self",))
        .select_related("group", "group__parent")
        .get(pk=problem.pk)
    )
    parent = problem.group.parent
    if not problem.is_open:
        raise ValidationError(
            f"Only open problems can be escalated: “{problem.title}” is "
            f"{problem.get_status_display().lower()}."
        )
    if parent is None:
        raise ValidationError(f"{problem.group.name} has no group above it to escalate to.")
    if to_group is not None and to_group.pk != parent.pk:
        raise ValidationError(f"A problem can only be escalated to the group above: {parent.name}")
    waiting = open_escalation(problem)
    if waiting is not None:
        raise ValidationError(f"It is already waiting for a decision from {waiting.to_group.name}")
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter why the group above should take it up"})
    escalation = Escalation(
        problem=problem,
        from_group=problem.group,
        to_group=parent,
        reason=reason.strip(),
        escalated_by=_user(by),
    )
    escalation.full_clean()
    _set_history_user(escalation, by)
    escalation.save()
    _add_to_next_agenda(escalation, by=by)
    return escalation


def _add_to_next_agenda(escalation: Escalation, *, by=None) -> None:
    """Put the problem on the receiving group's next scheduled meeting, if it has one."""
    from tandem.meetings.models import Meeting

    from .services import problem_add_to_agenda

    meeting = (
        Meeting.objects.filter(
            group=escalation.to_group, status=Meeting.Status.SCHEDULED, starts_at__gt=timezone.now()
        )
        .exclude(minutes_status=Meeting.MinutesStatus.APPROVED)
        .order_by("starts_at", "pk")
        .first()
    )
    if meeting is None:
        return
    try:
        problem_add_to_agenda(
            problem=escalation.problem,
            meeting=meeting,
            description=escalation.reason,
            escalation=escalation,
            by=by,
        )
    except ValidationError:
        logger.warning("Escalation %s could not be added to meeting %s", escalation.pk, meeting.pk)


# --- Deciding ---------------------------------------------------------------------------


@transaction.atomic
def escalation_decide(*, escalation: Escalation, decision: str, notes: str = "", by=None) -> Escalation:
    """Record the receiving group's decision and carry it out."""
    escalation = (
        Escalation.objects.select_for_update(of=("self",))
        .select_related("problem", "problem__group", "problem__category", "from_group", "to_group")
        .get(pk=escalation.pk)
    )
    if not escalation.is_open:
        raise ValidationError(
            f"This escalation was already decided on {day_text(escalation.decided_at)}: "
            f"{escalation.get_decision_display().lower()}."
        )
    if decision not in Decision.values:
        raise ValidationError({"decision": "Select a decision"})
    notes = (notes or "").strip()
    if decision == Decision.REFER_BACK and not notes:
        raise ValidationError({"decision_notes": f"Enter the advice for {escalation.from_group.name}"})
    problem = escalation.problem
    if decision == Decision.ACCEPT:
        old = problem.group
        problem.group = escalation.to_group
        problem.full_clean()
        _set_history_user(problem, by)
        problem.save(update_fields=["group", "updated_at"])
        ProblemNote.objects.create(
            problem=problem,
            text=f"Accepted by {escalation.to_group.name}: owner changed from {old.name}",
            author=_user(by),
        )
    elif decision == Decision.ESTABLISH_CLS:
        group = cls_group_establish(problem=problem, decided_by_group=escalation.to_group, by=by)
        escalation.established_group = group
        ProblemNote.objects.create(
            problem=problem,
            text=f"{escalation.to_group.name} established {group.name} to work on it",
            author=_user(by),
        )
    escalation.decision = decision
    escalation.decision_notes = notes
    escalation.decided_by = _user(by)
    escalation.decided_at = timezone.now()
    escalation.full_clean()
    _set_history_user(escalation, by)
    escalation.save(
        update_fields=["decision", "decision_notes", "decided_by", "decided_at", "established_group"]
    )
    return escalation


def cls_type_for(partnership) -> GroupType:
    group_type = (
        GroupType.objects.filter(partnership=partnership)
        .filter(Q(slug__in=CLS_TYPE_SLUGS) | Q(short_name__iexact="CLS"))
        .order_by("pk")
        .first()
    )
    if group_type is None:
        raise ValidationError(
            {
                "decision": f"{partnership.name} has no Community Led Solution type of group. An "
                "administrator can add one (the Community Led Solution preset has it)."
            }
        )
    return group_type


def _support_officer(group: Group) -> Membership | None:
    """A current support officer of the deciding group, else of a group above it (the board)."""
    chain, seen = [], set()
    while group is not None and group.pk not in seen:
        chain.append(group.pk)
        seen.add(group.pk)
        group = group.parent
    found = {
        m.group_id: m
        for m in Membership.objects.current()
        .select_related("person", "organisation")
        .filter(group_id__in=chain, role=Membership.Role.SUPPORT_OFFICER)
        .order_by("-start_date", "-pk")
    }
    return next((found[pk] for pk in chain if pk in found), None)


def _community_leads(problem: Problem) -> list[Person]:
    people = {}
    if problem.raised_by_person_id:
        people[problem.raised_by_person_id] = problem.raised_by_person
    for report in ProblemReport.objects.select_related("person").filter(
        problem=problem, person__isnull=False
    ):
        people.setdefault(report.person_id, report.person)
    return list(people.values())


@transaction.atomic
def cls_group_establish(*, problem: Problem, decided_by_group: Group, by=None) -> Group:
    """Set up a private Community Led Solution group for a problem, below the deciding group, with
    its support officer, the residents who raised the problem as community leads, and the
    deciding group's agency representatives from the agencies the problem's category needs."""
    cls_type = cls_type_for(decided_by_group.partnership)
    place = problem.area.name if problem.area_id else (problem.location_text.strip() or problem.title)
    name = f"{place} Community Led Solution group"[:200]
    group = partnership_services.group_create(
        partnership=decided_by_group.partnership,
        type=cls_type,
        name=name,
        area=problem.area,
        parent=decided_by_group,
        purpose=(
            f"Residents and partner agencies working together on the problem “{problem.title}” "
            f"({problem.category.name}), set up by {decided_by_group.name}."
        ),
        is_public=False,
        established_on=timezone.localdate(),
    )
    officer = _support_officer(decided_by_group)
    if officer is not None:
        partnership_services.membership_create(
            group=group,
            person=officer.person,
            role=Membership.Role.SUPPORT_OFFICER,
            organisation=officer.organisation,
        )
    for person in _community_leads(problem):
        partnership_services.membership_create(
            group=group, person=person, role=Membership.Role.COMMUNITY_LEAD
        )
    representatives = (
        Membership.objects.current()
        .select_related("person", "organisation")
        .filter(
            group=decided_by_group,
            role=Membership.Role.AGENCY_REPRESENTATIVE,
            organisation__sector__in=sectors_for(problem),
        )
        .order_by("organisation__name", "person__name")
    )
    added = set()
    for rep in representatives:
        if rep.person_id in added:
            continue
        added.add(rep.person_id)
        partnership_services.membership_create(
            group=group,
            person=rep.person,
            role=Membership.Role.AGENCY_REPRESENTATIVE,
            organisation=rep.organisation,
        )
    return group
