"""Reads for the case pages: the case page, the caseload, retention, subject access."""

import calendar
import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from .access import CaseAccess, case_list_for_user, staff_organisation_ids
from .models import (
    AuditEntry,
    Case,
    CaseAgency,
    CaseAgendaItem,
    CaseSubject,
    Intervention,
    RiskAssessment,
    Subject,
    Task,
    TimelineEntry,
)

TIMELINE_PAGE = 100
REVIEW_WARNING_DAYS = 7


def add_months(value: dt.date, months: int) -> dt.date:
    month = value.month - 1 + months
    year, month = value.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(value.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class TimelineRow:
    """One line of the case timeline: an entry, or the confidential minutes of a meeting item."""

    at: dt.datetime
    kind: str
    text: str
    organisation: str
    is_shared: bool
    by: str = ""
    meeting: str = ""
    meeting_url: str = ""


@dataclass
class CasePage:
    case: Case
    subjects: list[CaseSubject]
    agencies: list[CaseAgency]
    assessments: list[RiskAssessment]
    tasks: list[Task]
    interventions: list[Intervention]
    timeline: list[TimelineRow]
    timeline_total: int
    status_changes: list
    problems: list
    agenda_links: list[CaseAgendaItem]
    open_tasks: int = 0
    hidden_entries: int = 0
    timeline_more: bool = False  # entries beyond the limit, not shown
    extra: dict = field(default_factory=dict)


def case_timeline(
    access: CaseAccess, *, limit: int | None = TIMELINE_PAGE
) -> tuple[list[TimelineRow], int, int]:
    """The entries the user may see (unshared ones only for the owning organisation's staff), and
    the confidential minutes of the meeting items about the case; newest first."""
    case = access.case
    visible = case.timeline.filter(access.entries_q())
    counts = case.timeline.aggregate(total=Count("pk"), visible=Count("pk", filter=access.entries_q()))
    entries = visible.select_related("organisation", "by").order_by("-happened_at", "-pk")
    if limit:
        entries = entries[:limit]
    rows = [
        TimelineRow(
            at=entry.happened_at,
            kind=entry.get_kind_display(),
            text=entry.text,
            organisation=entry.organisation.name,
            is_shared=entry.is_shared,
            by=entry.by.name if entry.by_id else "",
        )
        for entry in entries
    ]
    links = CaseAgendaItem.objects.filter(case=case).select_related(
        "item", "item__meeting", "item__meeting__group", "organisation"
    )
    for link in links:
        meeting = link.item.meeting
        text = link.item.minutes.strip() or "Discussed (the minutes of this item are not written yet)."
        rows.append(
            TimelineRow(
                at=meeting.starts_at,
                kind="Meeting (confidential item)",
                text=f"{link.item.title}: {text}",
                organisation=meeting.group.name,
                is_shared=True,
                meeting=str(meeting),
                meeting_url=meeting.get_absolute_url(),
            )
        )
    rows.sort(key=lambda row: row.at, reverse=True)
    return rows, counts["visible"], counts["total"] - counts["visible"]


def case_page(access: CaseAccess, *, timeline_limit: int | None = TIMELINE_PAGE) -> CasePage:
    case = access.case
    timeline, visible_total, hidden = case_timeline(access, limit=timeline_limit)
    tasks = list(case.tasks.select_related("organisation").order_by("status", "due_on", "pk"))
    return CasePage(
        case=case,
        subjects=list(case.subject_roles.select_related("subject").order_by("role", "subject__name")),
        agencies=list(case.agencies.select_related("organisation")),
        assessments=list(
            case.risk_assessments.select_related("questionnaire", "organisation", "assessed_by")[:10]
        ),
        tasks=tasks,
        interventions=list(case.interventions.select_related("type", "organisation", "subject")),
        timeline=timeline,
        timeline_total=visible_total,
        status_changes=list(case.status_changes.select_related("by")),
        problems=list(case.problems.only("pk", "title", "status")),
        agenda_links=list(case.agenda_links.select_related("item", "item__meeting", "item__meeting__group")),
        open_tasks=sum(1 for task in tasks if task.status == Task.Status.OPEN),
        hidden_entries=hidden,
        timeline_more=bool(timeline_limit) and visible_total > timeline_limit,
    )


@dataclass
class Caseload:
    led: list[Case]
    others: list[Case]
    overdue_tasks: list[Task]
    reviews_due: list[Case]


def caseload(user, *, on: dt.date | None = None) -> Caseload:
    """The officer's open cases (those they lead first), their agencies' overdue tasks on them, and
    the risk reviews due within a week — all through the access rule."""
    on = on or timezone.localdate()
    cases = list(
        case_list_for_user(user, on=on)
        .exclude(status=Case.Status.CLOSED)
        .select_related("lead_organisation", "lead_officer", "purpose")
        .annotate(open_tasks=Count("tasks", filter=Q(tasks__status=Task.Status.OPEN)))
        .order_by("-opened_on", "-pk")
    )
    organisation_ids = staff_organisation_ids(user)
    overdue = list(
        Task.objects.filter(
            case_id__in=[case.pk for case in cases],
            organisation_id__in=organisation_ids,
            status=Task.Status.OPEN,
            due_on__lt=on,
        )
        .select_related("case", "organisation")
        .order_by("due_on", "pk")
    )
    soon = on + dt.timedelta(days=REVIEW_WARNING_DAYS)
    return Caseload(
        led=[case for case in cases if case.lead_officer_id == user.pk],
        others=[case for case in cases if case.lead_officer_id != user.pk],
        overdue_tasks=overdue,
        reviews_due=sorted(
            (case for case in cases if case.risk_review_on and case.risk_review_on <= soon),
            key=lambda case: case.risk_review_on,
        ),
    )


def retention_due(*, on: dt.date | None = None) -> list[Case]:
    """Closed cases, not yet anonymised, whose agreement's retention period has ended."""
    on = on or timezone.localdate()
    closed = (
        Case.objects.filter(status=Case.Status.CLOSED, closed_at__isnull=False, anonymised_at__isnull=True)
        .select_related("agreement")
        .order_by("closed_at", "pk")
    )
    return [
        case
        for case in closed
        if add_months(timezone.localtime(case.closed_at).date(), case.agreement.retention_months) < on
    ]


def audit_search(
    entries: QuerySet[AuditEntry],
    *,
    user=None,
    case_number: int | None = None,
    action: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEntry]:
    if user is not None:
        entries = entries.filter(user=user)
    if case_number:
        entries = entries.filter(case_number=case_number)
    if action:
        entries = entries.filter(action=action)
    if since:
        entries = entries.filter(at__date__gte=since)
    if until:
        entries = entries.filter(at__date__lte=until)
    return entries.order_by("-at", "-pk")


def subject_record(subject: Subject, access_by_case: dict[int, CaseAccess]) -> dict:
    """Everything held about a subject in the cases the officer may open, for a subject access
    request. Third parties are everyone else named: the officer chooses whether to redact them."""
    roles = list(
        CaseSubject.objects.filter(subject=subject, case_id__in=access_by_case)
        .select_related("case", "case__lead_organisation", "case__purpose")
        .prefetch_related(
            Prefetch("case__subject_roles", queryset=CaseSubject.objects.select_related("subject")),
        )
    )
    cases = []
    for role in roles:
        access = access_by_case[role.case_id]
        case = role.case
        cases.append(
            {
                "case": case,
                "role": role.get_role_display(),
                "others": [link for link in case.subject_roles.all() if link.subject_id != subject.pk],
                "timeline": list(
                    TimelineEntry.objects.filter(case=case)
                    .filter(access.entries_q())
                    .select_related("organisation")
                    .order_by("happened_at", "pk")
                ),
                "assessments": list(
                    case.risk_assessments.select_related("organisation").order_by("assessed_on")
                ),
                "interventions": list(
                    case.interventions.filter(Q(subject=subject) | Q(subject__isnull=True)).select_related(
                        "type", "organisation"
                    )
                ),
            }
        )
    return {"subject": subject, "cases": cases}
