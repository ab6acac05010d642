"""A group's action plan as a spreadsheet (.xlsx), a Word document (.docx) and CSV.

The columns are the seed's five first, in its order — the issue to be resolved, the
action to be carried out, who is to lead, the date for completion, the evaluation —
then the rest Tandem keeps. Every format is drawn from the same ``ExportRow`` list, so
what a viewer may read is decided once:

- the actions the viewer may see (``access.actions_visible_q``);
- the latest progress note: the latest public one for the public and outsiders, the
  latest of any kind for the plan's insiders;
- a lead's name for the public only with their agreement (their organisation otherwise);
- a linked problem's title only when the viewer may see the problem.

Row 1 of the spreadsheet and the CSV is the header row, so an export imports again
(``imports.py`` reads these headings, and "Who is to lead" written as "Name, Organisation").
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.db.models import F, Prefetch, Q
from django.utils import timezone

from tandem.partnership.access import Viewer
from tandem.partnership.models import Group

from .access import actions_visible_q, is_plan_insider
from .models import Action, ActionUpdate

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CSV = "text/csv; charset=utf-8"

HEADINGS = [
    "Issue to be resolved",
    "Action to be carried out",
    "Who is to lead",
    "Date for completion",
    "Evaluation: did it work?",
    "Status",
    "Start date",
    "Supporting organisations",
    "Strategic priority",
    "Latest progress",
    "Reference",
]
# Spreadsheet column widths, in characters.
WIDTHS = [40, 50, 30, 14, 40, 12, 12, 30, 24, 50, 12]
DATE_COLUMNS = {3, 6}  # zero-based: date for completion, start date
NAME_WITHHELD = "Name withheld"
PRIVATE_PROBLEM = "A problem that is not public"
# Status filter values besides Action.Status: the derived "overdue", and any open status.
STATUS_FILTERS = {*Action.Status.values, Action.OVERDUE, "open"}


@dataclass(frozen=True)
class ExportRow:
    issue: str
    action: str
    lead: str
    due_on: dt.date | None
    evaluation: str
    status: str
    start_on: dt.date | None
    supporting: str
    priority: str
    progress: str
    reference: str

    def values(self) -> list:
        return [
            self.issue,
            self.action,
            self.lead,
            self.due_on,
            self.evaluation,
            self.status,
            self.start_on,
            self.supporting,
            self.priority,
            self.progress,
            self.reference,
        ]


def date_text(day: dt.date | None) -> str:
    """ "31 March 2027"."""
    return f"{day.day} {day:%B %Y}" if day else ""


def short_date(day: dt.date | None) -> str:
    """ "31/03/2027", as Excel reads a date in the UK."""
    return f"{day:%d/%m/%Y}" if day else ""


def filename(group: Group, extension: str, *, today: dt.date | None = None) -> str:
    """ "oakfield-local-action-group-action-plan-2026-11-23.xlsx"."""
    today = today or timezone.localdate()
    return f"{group.slug}-action-plan-{today:%Y-%m-%d}.{extension}"


def lead_text(action: Action, *, insider: bool) -> str:
    """ "PC Paula Beat, Castleford Police"; the person's name for the public only with their
    agreement."""
    name = ""
    if action.lead_id:
        name = action.lead.name if insider or action.lead.show_name_publicly else ""
        if not name and not action.lead_organisation_id:
            name = NAME_WITHHELD
    organisation = action.lead_organisation.name if action.lead_organisation_id else ""
    return ", ".join(part for part in (name, organisation) if part)


def evaluation_text(action: Action) -> str:
    """ "Yes: complaints fell from 12 a month to 3. Learning: …", or "To be evaluated by 31 March
    2027" for an action done but too soon to judge."""
    judgement = ": ".join(
        part for part in (action.get_worked_display(), action.evaluation_evidence.strip()) if part
    )
    parts = []
    if not action.worked and action.evaluate_by:
        parts.append(f"To be evaluated by {date_text(action.evaluate_by)}")
    if judgement:
        parts.append(judgement)
    if action.evaluation_learning.strip():
        parts.append(f"Learning: {action.evaluation_learning.strip()}")
    return ". ".join(part.rstrip(". ") for part in parts)


def _status_q(status: str, today: dt.date) -> Q:
    """Actions whose shown status is ``status`` ("overdue" is derived, never stored)."""
    open_statuses = list(Action.OPEN_STATUSES)
    if status == Action.OVERDUE:
        return Q(status__in=open_statuses, due_on__lt=today)
    if status == "open":
        return Q(status__in=open_statuses)
    if status in open_statuses:
        return Q(status=status) & (Q(due_on__isnull=True) | Q(due_on__gte=today))
    return Q(status=status)


def group_action_list(
    group: Group, viewer: Viewer, *, status: str = "", strategic_priority=None
) -> list[Action]:
    """The group's actions this viewer may see, by date for completion (a fixed number of queries)."""
    insider = is_plan_insider(viewer, group)
    updates = ActionUpdate.objects.order_by("-created_at", "-pk")
    if not insider:
        updates = updates.filter(is_internal=False)
    actions = (
        Action.objects.filter(actions_visible_q(viewer), group=group)
        .select_related("problem", "lead", "lead_organisation", "strategic_priority")
        .prefetch_related(
            "supporting_organisations", Prefetch("updates", queryset=updates, to_attr="export_updates")
        )
        .order_by(F("due_on").asc(nulls_last=True), "pk")
    )
    if status:
        actions = actions.filter(_status_q(status, timezone.localdate()))
    if strategic_priority is not None:
        actions = actions.filter(strategic_priority=strategic_priority)
    return list(actions)


def _visible_problem_ids(actions: list[Action], viewer: Viewer) -> set[int]:
    from tandem.problems.access import problems_visible_q
    from tandem.problems.models import Problem

    ids = {action.problem_id for action in actions if action.problem_id and not action.issue}
    if not ids:
        return set()
    return set(Problem.objects.filter(problems_visible_q(viewer), pk__in=ids).values_list("pk", flat=True))


def export_rows(
    group: Group, viewer: Viewer, *, status: str = "", strategic_priority=None
) -> list[ExportRow]:
    actions = group_action_list(group, viewer, status=status, strategic_priority=strategic_priority)
    insider = is_plan_insider(viewer, group)
    problems = _visible_problem_ids(actions, viewer)
    rows = []
    for action in actions:
        issue = action.issue
        if not issue and action.problem_id:
            issue = action.problem.title if action.problem_id in problems else PRIVATE_PROBLEM
        latest = action.export_updates[0] if action.export_updates else None
        progress = ""
        if latest is not None:
            progress = f"{date_text(timezone.localtime(latest.created_at).date())}: {latest.text.strip()}"
        rows.append(
            ExportRow(
                issue=issue,
                action=action.description,
                lead=lead_text(action, insider=insider),
                due_on=action.due_on,
                evaluation=evaluation_text(action),
                status=action.display_status_label,
                start_on=action.start_on,
                supporting="; ".join(org.name for org in action.supporting_organisations.all()),
                priority=action.strategic_priority.title if action.strategic_priority_id else "",
                progress=progress,
                reference=action.reference,
            )
        )
    return rows


def title(group: Group) -> str:
    return f"{group.name}: action plan"


# --- Spreadsheet -----------------------------------------------------------------------------


def _cell_text(value: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value)


def to_xlsx(group: Group, rows: list[ExportRow], *, today: dt.date | None = None) -> bytes:
    """Row 1 the bold, frozen header; dates as real dates; text never read as a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    today = today or timezone.localdate()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Action plan"
    workbook.properties.title = f"{title(group)}, {date_text(today)}"
    workbook.properties.creator = "Tandem"
    workbook.properties.language = "en-GB"
    sheet.append(HEADINGS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(row.values(), start=1):
            cell = sheet.cell(row=number, column=column)
            if isinstance(value, dt.date):
                cell.value = value
                cell.number_format = "DD/MM/YYYY"
            elif value:
                cell.value = _cell_text(value)
                cell.data_type = "s"  # "=SUM(…)" typed in an action stays text
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(HEADINGS))}{max(1, len(rows) + 1)}"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- CSV -------------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_text(value) -> str:
    """Dates as 31/03/2027; text that a spreadsheet would run as a formula gets a leading '."""
    if isinstance(value, dt.date):
        return short_date(value)
    value = value or ""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def to_csv(rows: list[ExportRow]) -> bytes:
    """UTF-8 with a byte order mark, so that Excel shows "£" and "–" as they are."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADINGS)
    for row in rows:
        writer.writerow([_csv_text(value) for value in row.values()])
    return buffer.getvalue().encode("utf-8-sig")


# --- Word ------------------------------------------------------------------------------------


def _british_english(document) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    if rpr_default is None:
        return
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-GB")


def _repeat_as_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def to_docx(group: Group, rows: list[ExportRow], *, today: dt.date | None = None) -> bytes:
    """A4 landscape: a heading with the group's name and the date, then one table."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm, Pt

    today = today or timezone.localdate()
    document = docx.Document()
    properties = document.core_properties
    properties.title = f"{title(group)}, {date_text(today)}"
    properties.language = "en-GB"
    properties.author = "Tandem"
    _british_english(document)
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(12))
    document.add_heading(title(group), level=0)
    document.add_paragraph(f"Exported from Tandem on {date_text(today)}.")
    if not rows:
        document.add_paragraph("There are no actions in this plan.")
    table = document.add_table(rows=1, cols=len(HEADINGS))
    table.style = "Table Grid"
    _repeat_as_header(table.rows[0])
    for cell, text in zip(table.rows[0].cells, HEADINGS, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
            run.font.size = Pt(8)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row.values(), strict=True):
            cell.text = date_text(value) if isinstance(value, dt.date) or value is None else _cell_text(value)
            for run in cell.paragraphs[0].runs:
                run.font.size = Pt(8)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
