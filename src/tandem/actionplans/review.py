"""The quarterly review of the annual plan, and its committee report.

Seed 004: "The Partnership meets on a quarterly basis to discuss and work around priorities."
Each quarter of the plan's year gets one review. For every strategic priority it shows:

- the plan's actions counted by status **as at the end of the quarter**: each action's status
  is the last one recorded by then (from its history); an action recorded later (imported, or
  entered after the event) counts with its current status, except that one completed after the
  quarter ended counts as still open ("on track") then. "Overdue" is derived at the quarter's
  end: an open action whose date for completion is before the last day of the quarter. Counts
  of a past quarter therefore do not change when actions change afterwards.
- a RAG rating, always shown with its words (``priority_rag``):
  **red** when more than a quarter of its actions (leaving out cancelled ones) are overdue, or
  any of its indicators is off target; otherwise **amber** when any action is overdue or at
  risk; otherwise **green**. A priority with no actions and no indicator figures is "not rated".
- its indicators against their targets at the end of the quarter
  (``tandem.strategy.selectors.indicator_progress``),
- the officers' narrative.

The committee report (PDF and Word) carries a draft recommendation in the "RESOLVED that …"
form, and can be put on the agenda of a meeting of the partnership's top-level group with the
PDF attached as a paper. A final review is frozen.
"""

import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Subquery
from django.template.loader import render_to_string
from django.utils import timezone

from tandem.strategy.models import Indicator, StrategicPriority
from tandem.strategy.selectors import IndicatorProgress, indicator_progress

from .annual import (
    STATUS_LABELS,
    STATUS_ORDER,
    STATUS_TAGS,
    add_months,
    date_text,
    evaluation_text,
    lead_text,
    top_groups,
)
from .models import Action, AnnualPlan, AnnualPlanEntry, QuarterlyReview, ReviewNarrative

FINAL_MESSAGE = "This review is final, so it cannot change."
OVERDUE_SHARE_RED = 0.25

RAG_TEXT = {
    "red": "Red: off track",
    "amber": "Amber: some concerns",
    "green": "Green: on track",
    "none": "Not rated: no actions or figures yet",
}
RAG_TAG = {
    "red": "govuk-tag--red",
    "amber": "govuk-tag--orange",
    "green": "govuk-tag--green",
    "none": "govuk-tag--grey",
}
INDICATOR_TAG = {
    "green": "govuk-tag--green",
    "amber": "govuk-tag--orange",
    "red": "govuk-tag--red",
    "grey": "govuk-tag--grey",
}
# Chart colours (GOV.UK palette); the words are always beside them.
STATUS_COLOURS = {
    "not_started": "#505a5f",
    "on_track": "#00703c",
    "at_risk": "#f47738",
    "overdue": "#d4351c",
    "done": "#1d70b8",
    "cancelled": "#b1b4b6",
}


def _user(by):
    return by if getattr(by, "is_authenticated", False) else None


def _set_history(instance, by, reason: str = "") -> None:
    if _user(by) is not None:
        instance._history_user = by
    if reason:
        instance._change_reason = reason


# --- Quarters ------------------------------------------------------------------------------------


def plan_quarters(plan: AnnualPlan) -> list[tuple[dt.date, dt.date]]:
    """The quarters of the plan's year from its first day: (first day, last day)."""
    quarters = []
    start = plan.starts_on
    while start <= plan.ends_on and len(quarters) < 4:
        end = min(add_months(start, 3) - dt.timedelta(days=1), plan.ends_on)
        quarters.append((start, end))
        start = end + dt.timedelta(days=1)
    return quarters


def quarter_text(period_end: dt.date) -> str:
    """ "the quarter to 31 December 2026"."""
    return f"the quarter to {date_text(period_end)}"


def review_title(review: QuarterlyReview) -> str:
    return f"{review.plan.title}: review of {quarter_text(review.period_end)}"


# --- Status at the end of the quarter ----------------------------------------------------------


def status_at(*, status: str, due_on: dt.date | None, completed_on: dt.date | None, on: dt.date) -> str:
    """The status to count on day ``on``: "overdue" for an open action whose date for completion
    is before it; an action completed after ``on`` was still open ("on track") then."""
    if status == Action.Status.DONE and completed_on is not None and completed_on > on:
        status = Action.Status.ON_TRACK
    if status in Action.OPEN_STATUSES and due_on is not None and due_on < on:
        return Action.OVERDUE
    return status


def _end_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


@dataclass(frozen=True)
class ActionAt:
    """One action of the plan as it stood at the end of the quarter."""

    action_id: int
    priority_id: int | None
    status: str
    completed_on: dt.date | None
    is_public: bool  # listed by name in the report (public action, public or no group)


def statuses_at(plan: AnnualPlan, on: dt.date) -> list[ActionAt]:
    """Each action in the plan with its status on ``on``, in the plan's order.

    Two queries: the entries with their actions' current fields, and — for a day already past —
    the actions' history up to the end of ``on``."""
    rows = list(
        AnnualPlanEntry.objects.filter(plan=plan)
        .order_by("strategic_priority__position", "position", "pk")
        .values_list(
            "action_id",
            "strategic_priority_id",
            "action__status",
            "action__due_on",
            "action__completed_on",
            "action__is_public",
            "action__group_id",
            "action__group__is_public",
        )
    )
    recorded: dict[int, tuple[str, dt.date | None, dt.date | None]] = {}
    if on < timezone.localdate():
        history = (
            Action.history.filter(
                id__in=Subquery(AnnualPlanEntry.objects.filter(plan=plan).values("action_id")),
                history_date__lt=_end_of_day(on),
            )
            .order_by("id", "-history_date", "-history_id")
            .values_list("id", "status", "due_on", "completed_on")
        )
        for pk, status, due_on, completed_on in history.iterator(chunk_size=2000):
            recorded.setdefault(pk, (status, due_on, completed_on))
    result = []
    for action_id, priority_id, status, due_on, completed_on, public, group_id, group_public in rows:
        status, due_on, completed_on = recorded.get(action_id, (status, due_on, completed_on))
        result.append(
            ActionAt(
                action_id=action_id,
                priority_id=priority_id,
                status=status_at(status=status, due_on=due_on, completed_on=completed_on, on=on),
                completed_on=completed_on,
                is_public=bool(public and (group_id is None or group_public)),
            )
        )
    return result


def priority_rag(*, counts: dict[str, int], indicator_statuses: list[str]) -> str:
    """Red, amber, green or "none" for one strategic priority (see the module docstring)."""
    considered = sum(n for status, n in counts.items() if status != Action.Status.CANCELLED)
    overdue = counts.get(Action.OVERDUE, 0)
    if (considered and overdue / considered > OVERDUE_SHARE_RED) or "off_target" in indicator_statuses:
        return "red"
    if overdue or counts.get(Action.Status.AT_RISK, 0):
        return "amber"
    if not considered and all(status == "no_data" for status in indicator_statuses):
        return "none"
    return "green"


# --- The review page ----------------------------------------------------------------------------


@dataclass
class StatusCount:
    status: str
    label: str
    count: int

    @property
    def colour(self) -> str:
        return STATUS_COLOURS[self.status]


@dataclass
class IndicatorRow:
    progress: IndicatorProgress

    @property
    def indicator(self) -> Indicator:
        return self.progress.indicator

    @property
    def tag(self) -> str:
        return INDICATOR_TAG.get(self.progress.rag, "govuk-tag--grey")

    @property
    def latest_text(self) -> str:
        latest = self.progress.latest
        if latest is None:
            return "No figures yet"
        return f"{_number(latest.value)} (quarter from {date_text(latest.period_start)})"


def _number(value) -> str:
    text = f"{value:,.2f}"
    return text[:-3] if text.endswith(".00") else text


@dataclass
class ReportAction:
    """An action named in the review: done in the quarter, or overdue or at risk at its end."""

    action: Action
    status: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def status_tag(self) -> str:
        return STATUS_TAGS[self.status]

    @property
    def group_name(self) -> str:
        return self.action.group.name if self.action.group_id else "Partnership-level"

    @property
    def lead(self) -> str:
        return lead_text(self.action, show_names=False)

    @property
    def due(self) -> str:
        return date_text(self.action.due_on) if self.action.due_on else "Not set"

    @property
    def evaluation(self) -> str:
        return evaluation_text(self.action)


@dataclass
class ActionList:
    """Up to ``LISTED`` public actions, and how many more there are."""

    LISTED = 25

    rows: list[ReportAction] = field(default_factory=list)
    more: int = 0  # public ones beyond the first LISTED
    not_public: int = 0

    @property
    def total(self) -> int:
        return len(self.rows) + self.more + self.not_public


@dataclass
class PriorityReview:
    priority: StrategicPriority | None
    counts: list[StatusCount]
    rag: str
    indicators: list[IndicatorRow] = field(default_factory=list)
    narrative: str = ""
    completed: ActionList = field(default_factory=ActionList)
    exceptions: ActionList = field(default_factory=ActionList)

    @property
    def report_lists(self) -> list[tuple[str, ActionList]]:
        return [
            ("Done in the quarter", self.completed),
            ("Overdue or at risk at the end of the quarter", self.exceptions),
        ]

    @property
    def title(self) -> str:
        return self.priority.title if self.priority else "No strategic priority"

    @property
    def total(self) -> int:
        return sum(row.count for row in self.counts)

    def count(self, status: str) -> int:
        return next((row.count for row in self.counts if row.status == status), 0)

    @property
    def rag_text(self) -> str:
        return RAG_TEXT[self.rag]

    @property
    def rag_tag(self) -> str:
        return RAG_TAG[self.rag]

    @property
    def anchor(self) -> str:
        return f"priority-{self.priority.pk}" if self.priority else "priority-none"


@dataclass
class ChartSegment:
    status: str
    label: str
    count: int
    x: float
    width: float
    colour: str


@dataclass
class ChartRow:
    label: str
    total: int
    y: int
    segments: list[ChartSegment]

    @property
    def text_y(self) -> int:
        return self.y + 15

    @property
    def total_x(self) -> float:
        return (self.segments[-1].x + self.segments[-1].width + 6) if self.segments else Chart.BAR_X + 6


@dataclass
class Chart:
    """A stacked bar per strategic priority of its actions by status (server-rendered SVG)."""

    BAR_X = 200
    BAR_WIDTH = 420
    ROW_HEIGHT = 30

    rows: list[ChartRow]
    legend: list[tuple[str, str, int]]  # (label, colour, x)
    height: int
    description: str

    @property
    def width(self) -> int:
        return self.BAR_X + self.BAR_WIDTH + 50

    @property
    def legend_y(self) -> int:
        return self.height - 20


def _chart(priorities: list["PriorityReview"]) -> Chart:
    biggest = max((p.total for p in priorities), default=0) or 1
    rows = []
    for index, priority in enumerate(priorities):
        x = float(Chart.BAR_X)
        segments = []
        for row in priority.counts:
            if not row.count:
                continue
            width = round(Chart.BAR_WIDTH * row.count / biggest, 1)
            segments.append(
                ChartSegment(
                    status=row.status, label=row.label, count=row.count, x=x, width=width, colour=row.colour
                )
            )
            x += width
        label = priority.title if len(priority.title) <= 28 else priority.title[:27] + "…"
        rows.append(
            ChartRow(label=label, total=priority.total, y=10 + index * Chart.ROW_HEIGHT, segments=segments)
        )
    legend = [(label, STATUS_COLOURS[status], 10 + i * 110) for i, (status, label) in enumerate(STATUS_ORDER)]
    description = "; ".join(
        f"{p.title}: {p.total} action{'s' if p.total != 1 else ''}"
        + (
            " (" + ", ".join(f"{row.count} {row.label.lower()}" for row in p.counts if row.count) + ")"
            if p.total
            else ""
        )
        for p in priorities
    )
    return Chart(
        rows=rows,
        legend=legend,
        height=10 + len(rows) * Chart.ROW_HEIGHT + 40,
        description=description,
    )


@dataclass
class ReviewPage:
    review: QuarterlyReview
    plan: AnnualPlan
    as_at: dt.date
    priorities: list[PriorityReview]

    @property
    def title(self) -> str:
        return review_title(self.review)

    @property
    def quarter(self) -> str:
        return quarter_text(self.review.period_end)

    @property
    def totals(self) -> list[StatusCount]:
        return [
            StatusCount(status=status, label=label, count=sum(p.count(status) for p in self.priorities))
            for status, label in STATUS_ORDER
        ]

    @property
    def total(self) -> int:
        return sum(p.total for p in self.priorities)

    @property
    def chart(self) -> Chart:
        return _chart(self.priorities)

    @property
    def status_labels(self) -> list[str]:
        return [label for _, label in STATUS_ORDER]


def _action_lists(completed, exceptions) -> dict[tuple[str, int | None], ActionList]:
    """The public actions to name under each priority (the first ``ActionList.LISTED`` in the
    plan's order), and counts of the rest. One query for the named actions."""
    lists: dict[tuple[str, int | None], ActionList] = defaultdict(ActionList)
    wanted: dict[int, tuple[tuple[str, int | None], str]] = {}
    for kind, rows_by_priority in (("completed", completed), ("exceptions", exceptions)):
        for priority_id, rows in rows_by_priority.items():
            action_list = lists[(kind, priority_id)]
            public = [row for row in rows if row.is_public]
            action_list.not_public = len(rows) - len(public)
            action_list.more = max(0, len(public) - ActionList.LISTED)
            for row in public[: ActionList.LISTED]:
                wanted[row.action_id] = ((kind, priority_id), row.status)
    if wanted:
        actions = Action.objects.filter(pk__in=list(wanted)).select_related(
            "group", "lead", "lead_organisation"
        )
        by_pk = {action.pk: action for action in actions}
        for pk, (key, status) in wanted.items():  # in the plan's order
            if pk in by_pk:
                lists[key].rows.append(ReportAction(action=by_pk[pk], status=status))
    return lists


def review_page(review: QuarterlyReview) -> ReviewPage:
    """Everything the review's page and report show (a fixed number of queries)."""
    plan = review.plan
    on = review.period_end
    priorities = list(
        StrategicPriority.objects.filter(strategy_id=plan.strategy_id).order_by("position", "pk")
    )
    tallies: dict[int | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    completed: dict[int | None, list[ActionAt]] = defaultdict(list)
    exceptions: dict[int | None, list[ActionAt]] = defaultdict(list)
    for row in statuses_at(plan, on):
        tallies[row.priority_id][row.status] += 1
        if row.status == Action.Status.DONE and row.completed_on and row.completed_on >= review.period_start:
            completed[row.priority_id].append(row)
        elif row.status in (Action.OVERDUE, Action.Status.AT_RISK):
            exceptions[row.priority_id].append(row)
    lists = _action_lists(completed, exceptions)
    indicators = defaultdict(list)
    for indicator in (
        Indicator.objects.filter(priority__in=priorities)
        .prefetch_related("values")
        .order_by("position", "pk")
    ):
        progress = indicator_progress(indicator, on=on, values=list(indicator.values.all()))
        indicators[indicator.priority_id].append(IndicatorRow(progress=progress))
    narratives = dict(
        ReviewNarrative.objects.filter(review=review).values_list("strategic_priority_id", "text")
    )
    blocks = []
    keys: list[StrategicPriority | None] = list(priorities)
    if None in tallies:  # entries whose priority was deleted from the strategy
        keys.append(None)
    for priority in keys:
        pk = priority.pk if priority else None
        tally = tallies.get(pk, {})
        rows = indicators.get(pk, [])
        blocks.append(
            PriorityReview(
                priority=priority,
                counts=[
                    StatusCount(status=status, label=label, count=tally.get(status, 0))
                    for status, label in STATUS_ORDER
                ],
                rag=priority_rag(
                    counts=dict(tally), indicator_statuses=[row.progress.status for row in rows]
                ),
                indicators=rows,
                narrative=narratives.get(pk, "") if pk else "",
                completed=lists[("completed", pk)],
                exceptions=lists[("exceptions", pk)],
            )
        )
    return ReviewPage(review=review, plan=plan, as_at=on, priorities=blocks)


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def draft_recommendation(page: ReviewPage) -> str:
    """The recommendation to the partnership, in the "RESOLVED that …" form."""
    text = f"RESOLVED that the Partnership NOTES the progress of the {page.plan.title} in {page.quarter}"
    red = [p.title for p in page.priorities if p.rag == "red"]
    amber = [p.title for p in page.priorities if p.rag == "amber"]
    if red:
        return (
            f"{text}, and ASKS the leads of the actions under {_join(red)} to report to its next "
            "meeting on how they will be brought back on track."
        )
    if amber:
        return (
            f"{text}, and ASKS the groups to keep the actions at risk or overdue under {_join(amber)} "
            "under review."
        )
    return f"{text}, and THANKS the groups and partners for their work."


# --- Changes ---------------------------------------------------------------------------------------


@transaction.atomic
def review_create(*, plan: AnnualPlan, period_start: dt.date, by=None) -> QuarterlyReview:
    """A review of one quarter of the plan's year (one per quarter), with an empty narrative for
    each strategic priority and a draft recommendation."""
    plan = (
        AnnualPlan.objects.select_for_update(of=("self",))
        .select_related("partnership", "strategy")
        .get(pk=plan.pk)
    )
    quarters = dict(plan_quarters(plan))
    if period_start not in quarters:
        raise ValidationError({"period_start": "Choose one of the quarters of the plan's year."})
    period_end = quarters[period_start]
    if QuarterlyReview.objects.filter(plan=plan, period_start=period_start).exists():
        raise ValidationError({"period_start": f"There is already a review of {quarter_text(period_end)}."})
    review = QuarterlyReview(
        plan=plan, period_start=period_start, period_end=period_end, created_by=_user(by)
    )
    review.full_clean(validate_constraints=False)
    _set_history(review, by)
    review.save()
    priorities = StrategicPriority.objects.filter(strategy_id=plan.strategy_id)
    ReviewNarrative.objects.bulk_create(
        [ReviewNarrative(review=review, strategic_priority=priority) for priority in priorities]
    )
    review.recommendation = draft_recommendation(review_page(review))
    review.save(update_fields=["recommendation"])
    return review


def _lock(review: QuarterlyReview) -> QuarterlyReview:
    locked = QuarterlyReview.objects.select_for_update(of=("self",)).select_related("plan").get(pk=review.pk)
    if locked.status == QuarterlyReview.Status.FINAL:
        raise ValidationError(FINAL_MESSAGE)
    return locked


@transaction.atomic
def review_update(
    *,
    review: QuarterlyReview,
    summary: str,
    recommendation: str,
    narratives: dict[int, str],
    by=None,
) -> QuarterlyReview:
    """Change the summary, the recommendation and the narratives (keyed by strategic priority id)."""
    review = _lock(review)
    recommendation = (recommendation or "").strip()
    if not recommendation:
        raise ValidationError({"recommendation": "Enter the recommendation to the partnership."})
    priority_ids = set(
        StrategicPriority.objects.filter(strategy_id=review.plan.strategy_id).values_list("pk", flat=True)
    )
    if set(narratives) - priority_ids:
        raise ValidationError("Some of these strategic priorities are not in the plan's strategy.")
    review.summary = (summary or "").strip()
    review.recommendation = recommendation
    review.full_clean(validate_constraints=False)
    _set_history(review, by)
    review.save(update_fields=["summary", "recommendation"])
    existing = {row.strategic_priority_id: row for row in ReviewNarrative.objects.filter(review=review)}
    for priority_id, text in narratives.items():
        text = (text or "").strip()
        row = existing.get(priority_id)
        if row is None:
            ReviewNarrative.objects.create(review=review, strategic_priority_id=priority_id, text=text)
        elif row.text != text:
            row.text = text
            row.save(update_fields=["text"])
    return review


@transaction.atomic
def review_finalise(*, review: QuarterlyReview, by=None) -> QuarterlyReview:
    """Make the review final: frozen, and public once the plan is approved."""
    review = _lock(review)
    if not review.recommendation.strip():
        raise ValidationError("Enter the recommendation before finalising the review.")
    review.status = QuarterlyReview.Status.FINAL
    _set_history(review, by, "Finalised")
    review.save(update_fields=["status"])
    return review


def agenda_meetings(review: QuarterlyReview):
    """Upcoming meetings of the partnership's top-level groups whose agenda can still change."""
    from tandem.meetings.models import Meeting

    return (
        Meeting.objects.filter(
            group__in=top_groups(review.plan.partnership),
            status=Meeting.Status.SCHEDULED,
            starts_at__gt=timezone.now(),
        )
        .exclude(minutes_status=Meeting.MinutesStatus.APPROVED)
        .select_related("group")
        .order_by("starts_at", "pk")
    )


@transaction.atomic
def review_to_agenda(*, review: QuarterlyReview, meeting, by=None):
    """Put the review on an upcoming meeting of the partnership's top-level group: an agenda item
    with the recommendation as its description and the report (PDF) attached as a paper."""
    from tandem.meetings.services import agenda_item_add, paper_add

    review = (
        QuarterlyReview.objects.select_for_update(of=("self",))
        .select_related("plan", "plan__partnership", "plan__strategy")
        .get(pk=review.pk)
    )
    if review.status != QuarterlyReview.Status.FINAL:
        raise ValidationError("Finalise the review before putting it on an agenda: its report goes with it.")
    if review.plan.status != AnnualPlan.Status.APPROVED:
        raise ValidationError("The plan must be approved before its review goes on a meeting's agenda.")
    if not agenda_meetings(review).filter(pk=meeting.pk).exists():
        raise ValidationError(
            {
                "meeting": "Choose an upcoming meeting of the partnership's board whose agenda can "
                "still change."
            }
        )
    if review.agenda_item is not None and review.agenda_item.meeting_id == meeting.pk:
        raise ValidationError({"meeting": "The review is already on that meeting's agenda."})
    item = agenda_item_add(
        meeting=meeting,
        title=review_title(review)[:300],
        description=review.recommendation,
        by=by,
    )
    content = report_pdf(review)
    upload = SimpleUploadedFile(report_filename(review, "pdf"), content, content_type="application/pdf")
    paper_add(
        item=item,
        uploaded_file=upload,
        title=f"Quarterly review report: {quarter_text(review.period_end)}",
        by=by,
    )
    review.agenda_item = item
    _set_history(review, by, "Put on an agenda")
    review.save(update_fields=["agenda_item"])
    return item


# --- The committee report -------------------------------------------------------------------------


def report_filename(review: QuarterlyReview, extension: str) -> str:
    """ "castleford-csp-action-plan-review-2026-12-31.pdf"."""
    return f"{review.plan.partnership.slug}-action-plan-review-{review.period_end:%Y-%m-%d}.{extension}"


def report_context(review: QuarterlyReview, page: ReviewPage | None = None) -> dict:
    page = page or review_page(review)
    return {
        "page": page,
        "review": review,
        "plan": review.plan,
        "partnership": review.plan.partnership,
        "board": ", ".join(group.name for group in top_groups(review.plan.partnership)) or "The Partnership",
        "url": f"{settings.SITE_URL}{review.get_absolute_url()}",
        "period_end": date_text(review.period_end),
        "period_start": date_text(review.period_start),
        "prepared_on": date_text(timezone.localdate()),
    }


def report_html(review: QuarterlyReview, page: ReviewPage | None = None) -> str:
    """The HTML WeasyPrint lays out as the committee report."""
    return render_to_string("actionplans/review_report.html", report_context(review, page))


def report_pdf(review: QuarterlyReview, page: ReviewPage | None = None) -> bytes:
    """The committee report: A4, tagged (PDF/UA-1), British English."""
    import weasyprint  # slow to import: only when a PDF is wanted

    document = weasyprint.HTML(string=report_html(review, page), base_url=settings.SITE_URL).render(
        pdf_tags=True
    )
    return document.write_pdf(pdf_variant="pdf/ua-1")


def _new_document(title: str):
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    properties = document.core_properties
    properties.title = title
    properties.language = "en-GB"
    properties.author = "Tandem"
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    if rpr_default is not None:
        rpr = rpr_default.find(qn("w:rPr"))
        if rpr is None:
            rpr = OxmlElement("w:rPr")
            rpr_default.append(rpr)
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:val"), "en-GB")
    return document


def _docx_table(document, headings: list[str], rows: list[list[str]]):
    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headings, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in rows:
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text
    return table


def report_docx(review: QuarterlyReview, page: ReviewPage | None = None) -> bytes:
    """The committee report as a Word document: the same sections as the PDF."""
    from docx.enum.text import WD_BREAK

    context = report_context(review, page)
    page = context["page"]
    document = _new_document(page.title)
    document.add_heading(page.title, level=0)
    document.add_paragraph(f"Report to: {context['board']}")
    document.add_paragraph(f"{context['partnership'].name}")
    document.add_paragraph(f"Period: {context['period_start']} to {context['period_end']}")
    document.add_paragraph(f"Status: {review.get_status_display()}. Prepared on {context['prepared_on']}.")
    document.add_paragraph(f"Online: {context['url']}")
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    document.add_heading("1. Summary", level=1)
    document.add_paragraph(review.summary or "No summary has been written.")
    document.add_heading("2. Progress by strategic priority", level=1)
    document.add_paragraph(
        f"Actions in the plan by status at {context['period_end']}. Overdue means open with its date "
        "for completion passed by then."
    )
    labels = page.status_labels
    _docx_table(
        document,
        ["Strategic priority", *labels, "Total", "Rating"],
        [[p.title, *[str(row.count) for row in p.counts], str(p.total), p.rag_text] for p in page.priorities]
        + [["All priorities", *[str(row.count) for row in page.totals], str(page.total), ""]],
    )
    for number, priority in enumerate(page.priorities, start=1):
        document.add_heading(f"2.{number} {priority.title}", level=2)
        document.add_paragraph().add_run(f"Rating: {priority.rag_text}").bold = True
        counts = ", ".join(f"{row.count} {row.label.lower()}" for row in priority.counts if row.count)
        document.add_paragraph(
            f"{priority.total} action{'s' if priority.total != 1 else ''}"
            + (f": {counts}." if counts else ".")
        )
        for heading, action_list in priority.report_lists:
            document.add_paragraph().add_run(heading).bold = True
            if action_list.rows:
                _docx_table(
                    document,
                    ["Action", "Group", "Who leads", "Date for completion", "Status", "Did it work?"],
                    [
                        [
                            row.action.description,
                            row.group_name,
                            row.lead,
                            row.due,
                            row.status_label,
                            row.evaluation,
                        ]
                        for row in action_list.rows
                    ],
                )
            if action_list.more:
                document.add_paragraph(f"And {action_list.more} more: see the plan online.")
            if action_list.not_public:
                verb = "s are" if action_list.not_public != 1 else " is"
                document.add_paragraph(f"{action_list.not_public} further action{verb} not public.")
            if not action_list.total:
                document.add_paragraph("None.")
        if priority.indicators:
            _docx_table(
                document,
                ["Indicator", "Baseline", "Target", "Latest figure", "Status"],
                [
                    [
                        row.indicator.name,
                        _number(row.indicator.baseline),
                        _number(row.indicator.target),
                        row.latest_text,
                        row.progress.text,
                    ]
                    for row in priority.indicators
                ],
            )
        else:
            document.add_paragraph("No indicators.")
        document.add_heading("Narrative", level=3)
        document.add_paragraph(priority.narrative or "No narrative has been written.")
    document.add_heading("3. Recommendation", level=1)
    document.add_paragraph().add_run(review.recommendation).bold = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
