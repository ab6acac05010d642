"""Registered with problems (see ``CasesConfig.ready``): a problem's page lists the cases linked
to it, only to those who may open each case (the rule of ``access.py``, as one SQL filter), and
writes an audit entry when it does. A visitor, a resident, an officer without standing on any
linked case, sees no panel at all — not even that a case exists — and costs no query about
cases beyond finding that they have no standing (none at all for a visitor)."""

from tandem.problems.models import Problem
from tandem.problems.page_panels import ProblemPanel

from .access import case_list_for_user, staff_organisation_ids
from .audit import Actor, audit_record
from .models import AuditEntry


def problem_cases_panels(problem: Problem, is_insider: bool, user) -> list[ProblemPanel]:
    if user is None or not staff_organisation_ids(user):
        return []
    cases = list(
        case_list_for_user(user)
        .filter(problems=problem)
        .only("pk", "title", "status", "risk_level", "partnership_id")
        .order_by("-opened_on", "-pk")
    )
    if not cases:
        return []
    for case in cases:
        audit_record(
            actor=Actor(user=user),
            action=AuditEntry.Action.LIST,
            case=case,
            description=f"Saw the case listed on problem #{problem.pk}'s page",
        )
    return [
        ProblemPanel(
            title="Cases linked to this problem",
            rows=tuple(
                (
                    case.reference,
                    f"{case.get_status_display()}"
                    + (f", {case.get_risk_level_display().lower()} risk" if case.risk_level else ""),
                )
                for case in cases
            ),
            note="Confidential: only staff of the agencies in each case see this. The public never do.",
            links=tuple((f"{case.reference}: {case.title}", case.get_absolute_url()) for case in cases),
        )
    ]
