"""Importing an action plan a group already keeps in a spreadsheet (.xlsx) or CSV file.

Three steps, and nothing is written to the plan until the last:

1. ``action_import_create``: the file is checked by its content (openpyxl must open an
   .xlsx; a CSV must decode as UTF-8 or Windows-1252), its header row found — the first of
   the first 20 rows with at least two recognisable headings, past title rows, blank rows
   and merged cells — a column mapping proposed from the headings, and the rows kept
   with their row numbers as the spreadsheet shows them (an ``ActionImport`` waiting
   for confirmation). The same file imports once per group.
2. ``build_preview``: what each row becomes with the mapping, or why it cannot be
   imported ("Row 7: no person or organisation called 'J Smith' in the partnership").
   ``action_import_remap`` changes the mapping.
3. ``action_import_confirm``: every good row becomes an action (``services.action_create``)
   in one transaction; bad rows are skipped and reported. Or ``action_import_discard``.

How cells are read:
- merged cells: a cell merged down several rows (one issue over three actions) counts
  for every row; a header merged across columns names each of them (their values are
  joined); a row that is a single cell merged across the table is a section heading,
  skipped with a note;
- dates: real Excel dates, 31/03/2027, 31-03-27, 31.03.2027, 31 March 2027, 31st Mar 27,
  March 2027 (the month's last day), 2027-03-31; "Ongoing", "TBC" and "n/a" mean none;
- who leads: a person of the partnership by name, an organisation by name, or both
  ("PC Paula Beat, Castleford Police", "PC Paula Beat (Castleford Police)");
- the evaluation: "Yes", "Partly", "No", "Too early to tell" at its start give whether
  it worked, the rest is the evidence; "Learning: …" the learning; "To be evaluated by
  <date>" the date it will be judged;
- status words (Complete, Done, Green, Amber, Red, On track, Not started …) a status.
  A done action needs an evaluation: one without gets "evaluate by" in 90 days and a
  note. With no status, a clear evaluation means done.
"""

import csv
import datetime as dt
import hashlib
import io
import re
import warnings
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tandem.partnership.models import Group, Membership, Organisation, Person
from tandem.strategy.models import StrategicPriority

from . import services
from .models import Action, ActionImport, ActionUpdate

MAX_BYTES = 5 * 1024 * 1024
MAX_UNZIPPED_BYTES = 80 * 1024 * 1024  # an .xlsx is a zip: refuse one that would swell past this
MAX_ACTIONS = 2000
MAX_COLUMNS = 60
SCAN_ROWS = 20_000
HEADER_SEARCH_ROWS = 20
PREVIEW_ROWS = 50
EVALUATE_WITHIN_DAYS = 90
EXTENSIONS = (".xlsx", ".csv")
FINAL_JUDGEMENTS = (Action.Worked.YES, Action.Worked.PARTLY, Action.Worked.NO)

TYPE_MESSAGE = "The file must be an Excel spreadsheet (.xlsx) or a CSV file"
SIZE_MESSAGE = f"The file must be smaller than {MAX_BYTES // (1024 * 1024)} MB"
NOT_XLSX_MESSAGE = (
    "The file could not be opened as an Excel spreadsheet. Open it in Excel or LibreOffice, save it "
    "as .xlsx or .csv, and upload it again"
)
NOT_CSV_MESSAGE = "The file is not a CSV file. Save it from your spreadsheet as .csv, or upload the .xlsx"
NO_HEADER_MESSAGE = (
    f"No header row found: the first {HEADER_SEARCH_ROWS} rows have no column called Action, Issue, "
    "Lead or Date for completion. Put the column headings in one row above the actions"
)


# --- The fields and the headings that name them ------------------------------------------


def words(text: str) -> tuple[str, ...]:
    """ "due | due date | deadline" → ("due", "due date", "deadline")."""
    return tuple(word.strip() for word in text.split("|"))


@dataclass(frozen=True)
class ImportField:
    key: str
    label: str  # the heading Tandem's own export uses
    synonyms: tuple[str, ...]
    required: bool = False
    hint: str = ""


def normalise(text: str) -> str:
    """ "The Action(s) to be carried out:" → "actions to be carried out"."""
    text = str(text).casefold().replace("&", " and ")
    text = re.sub(r"[^\w\s]", "", text)
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"^(the|an|a) ", "", text)


FIELDS = (
    ImportField(
        "issue",
        "Issue to be resolved",
        words(
            "issue | issues | issue to be resolved | issues to be resolved | issue identified | issues "
            "identified | problem | problems | problem to be resolved | problem to be solved | concern | "
            "concerns | what is the issue | issue problem"
        ),
        required=True,
    ),
    ImportField(
        "description",
        "Action to be carried out",
        words(
            "action | actions | action to be carried out | actions to be carried out | action required | "
            "actions required | action agreed | actions agreed | agreed action | proposed action | proposed "
            "actions | what we will do | what will be done | activity | task"
        ),
        required=True,
    ),
    ImportField(
        "lead",
        "Who is to lead",
        words(
            "lead | leads | who is to lead | who is to lead on this action | who will lead | lead officer | "
            "lead person | lead agency | lead organisation | lead organization | lead partner | led by | "
            "responsible | responsibility | responsible officer | responsible person | responsible agency | "
            "owner | action owner | by whom | who"
        ),
        required=True,
        hint="A person or organisation of the partnership, or both: “PC Paula Beat, Castleford Police”",
    ),
    ImportField(
        "due_on",
        "Date for completion",
        words(
            "date for completion | completion date | target completion date | date due | due | due date | "
            "due by | deadline | target date | target | by when | when | timescale | timescales | end date"
        ),
        hint="Dates like 31/03/2027 or 31 March 2027",
    ),
    ImportField(
        "evaluation",
        "Evaluation: did it work?",
        words(
            "evaluation | evaluation did it work | did it work | outcome | "
            "outcomes | result | results | impact | evaluation outcome"
        ),
        hint="“Yes”, “Partly”, “No” or “Too early to tell” at the start, then the evidence",
    ),
    ImportField(
        "status",
        "Status",
        words("status | rag | rag status | rag rating | brag | current status | progress status"),
        hint="Not started, On track, At risk, Done, Cancelled, or Red, Amber, Green",
    ),
    ImportField("start_on", "Start date", words("start | start date | date started | started | commenced")),
    ImportField(
        "supporting",
        "Supporting organisations",
        words(
            "supporting organisations | supporting organisation | supporting organizations | supporting "
            "partners | supporting agencies | supported by | support | partners | partners involved | other "
            "agencies"
        ),
        hint="Organisations' names, separated by semicolons",
    ),
    ImportField(
        "strategic_priority",
        "Strategic priority",
        words("strategic priority | strategic priorities | csp priority | priority | theme"),
    ),
    ImportField(
        "progress",
        "Latest progress",
        words(
            "latest progress | progress | progress update | progress to date | update | updates | comments "
            "| commentary | notes"
        ),
        hint="Imported as an internal progress note",
    ),
    ImportField(
        "reference",
        "Reference",
        words("reference | ref | ref no | no | number | action no | action number | id"),
    ),
)
FIELD_BY_KEY = {f.key: f for f in FIELDS}
SYNONYMS = {normalise(synonym): f.key for f in FIELDS for synonym in (f.synonyms + (f.label,))}


def field_for_heading(heading: str) -> str | None:
    return SYNONYMS.get(normalise(heading))


def propose_mapping(headings: list[str]) -> dict[str, str]:
    """Tandem field → the first heading that names it."""
    mapping: dict[str, str] = {}
    for heading in headings:
        key = field_for_heading(heading)
        if key and key not in mapping:
            mapping[key] = heading
    return mapping


def mapping_problems(mapping: dict[str, str], headings: list[str]) -> list[str]:
    problems = []
    for f in FIELDS:
        if f.required and not mapping.get(f.key):
            problems.append(f"Choose the column that holds “{f.label}”")
    used = [heading for heading in mapping.values() if heading]
    for heading in sorted({h for h in used if used.count(h) > 1}):
        problems.append(f"The column “{heading}” is chosen for more than one field: choose it once")
    for heading in used:
        if heading not in headings:
            problems.append(f"There is no column called “{heading}” in the file")
    return problems


# --- Reading the file ----------------------------------------------------------------------


@dataclass
class Grid:
    """A sheet's cells as text, row-major, from 0; merges as (row, col, last row, last col)."""

    name: str
    cells: list[list[str]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)


@dataclass
class ParsedFile:
    sheet: str
    header_row: int  # 1-based, as the spreadsheet shows it
    headings: list[str]
    rows: list[dict]  # {"row": n, "cells": {heading: text}} or {"row": n, "heading": text}


FORMULA_STARTS = ("=", "+", "-", "@")


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    # Tandem's CSV export guards text a spreadsheet would run as a formula with a leading '.
    if text.startswith("'") and text[1:2] in FORMULA_STARTS:
        text = text[1:]
    return text


def _xlsx_grids(content: bytes) -> list[Grid]:
    if not content.startswith(b"PK\x03\x04"):
        if content.startswith(b"\xd0\xcf\x11\xe0"):
            raise ValidationError(
                "This is an older Excel file (.xls) named .xlsx. Open it in Excel and save it as .xlsx"
            )
        raise ValidationError(NOT_XLSX_MESSAGE)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
                raise ValidationError("The spreadsheet is too large to import: split it into smaller files")
    except zipfile.BadZipFile as exc:
        raise ValidationError(NOT_XLSX_MESSAGE) from exc
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(content), data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds of error on a damaged file
        raise ValidationError(NOT_XLSX_MESSAGE) from exc
    sheets = [workbook.active] + [s for s in workbook.worksheets if s is not workbook.active]
    grids = []
    for sheet in sheets:
        if sheet is None or not hasattr(sheet, "iter_rows"):
            continue
        last_row = min(sheet.max_row or 0, SCAN_ROWS)
        last_col = min(sheet.max_column or 0, MAX_COLUMNS)
        if last_row < 1 or last_col < 1:
            continue
        try:
            cells = [
                [cell_text(value) for value in row]
                for row in sheet.iter_rows(min_row=1, max_row=last_row, max_col=last_col, values_only=True)
            ]
        except Exception as exc:
            raise ValidationError(NOT_XLSX_MESSAGE) from exc
        merges = [
            (r.min_row - 1, r.min_col - 1, min(r.max_row, last_row) - 1, min(r.max_col, last_col) - 1)
            for r in sheet.merged_cells.ranges
            if r.min_row <= last_row and r.min_col <= last_col
        ]
        grids.append(Grid(name=sheet.title, cells=cells, merges=merges))
    return grids


def _decode(content: bytes) -> str:
    if b"\x00" in content:
        raise ValidationError(NOT_CSV_MESSAGE)
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(
        "The CSV file's characters could not be read. Save it as “CSV UTF-8” and upload it again"
    )


def _csv_grid(content: bytes) -> Grid:
    if content.startswith(b"PK\x03\x04"):
        raise ValidationError(
            "The file is named .csv but is an Excel spreadsheet. Rename it to .xlsx, or save it as CSV"
        )
    text = _decode(content)
    sample = text[:20_000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = []
        for number, row in enumerate(csv.reader(io.StringIO(text, newline=""), dialect=dialect)):
            if number >= SCAN_ROWS:
                break
            rows.append([cell_text(value) for value in row[:MAX_COLUMNS]])
    except csv.Error as exc:
        raise ValidationError(f"The CSV file could not be read: {exc}") from exc
    return Grid(name="CSV", cells=rows)


def _fill_merges_down(grid: Grid) -> None:
    """A cell merged down several rows counts for each of them (one issue over three actions)."""
    for top, left, bottom, right in grid.merges:
        if bottom <= top:
            continue
        value = _at(grid.cells, top, left)
        for r in range(top, bottom + 1):
            for c in range(left, right + 1):
                _put(grid.cells, r, c, value)


def _at(cells: list[list[str]], r: int, c: int) -> str:
    return cells[r][c] if r < len(cells) and c < len(cells[r]) else ""


def _put(cells: list[list[str]], r: int, c: int, value: str) -> None:
    if r >= len(cells):
        return
    row = cells[r]
    if c >= len(row):
        row.extend([""] * (c + 1 - len(row)))
    row[c] = value


def _header_texts(grid: Grid, r: int, width: int) -> list[str]:
    """Row ``r``'s headings, a heading merged across columns naming each of them."""
    texts = [_at(grid.cells, r, c) for c in range(width)]
    for top, left, bottom, right in grid.merges:
        if top <= r <= bottom and right > left:
            value = _at(grid.cells, top, left)
            for c in range(left, min(right, width - 1) + 1):
                texts[c] = value
    return texts


def _horizontal_merge_at(grid: Grid, r: int, c: int) -> tuple[int, int, int, int] | None:
    for merge in grid.merges:
        top, left, bottom, right = merge
        if top <= r <= bottom and left <= c <= right and right > left:
            return merge
    return None


def _recognised(texts: list[str]) -> set[str]:
    return {key for key in (field_for_heading(t) for t in texts if t) if key}


def _column_letter(c: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(c + 1)


def parse_grid(grid: Grid) -> ParsedFile | None:
    """The header row and the rows under it, or None when no header row is found."""
    width = max((len(row) for row in grid.cells), default=0)
    header = None
    for r in range(min(HEADER_SEARCH_ROWS, len(grid.cells))):
        texts = _header_texts(grid, r, width)
        if len(_recognised(texts)) >= 2:
            header = r
            break
    if header is None:
        return None
    texts = _header_texts(grid, header, width)
    first_data = header + 1
    # A second header row under headings merged across columns ("Dates" over "Start" and "Due").
    below = _header_texts(grid, header + 1, width) if header + 1 < len(grid.cells) else []
    sub_columns = [
        c
        for c, text in enumerate(below)
        if text
        and field_for_heading(text)
        and (_horizontal_merge_at(grid, header, c) or not field_for_heading(texts[c]))
    ]
    if sub_columns and not any(
        text and not field_for_heading(text) and text != texts[c] for c, text in enumerate(below)
    ):
        for c in sub_columns:
            texts[c] = below[c]
        first_data = header + 2
    _fill_merges_down(grid)
    headings = []
    for c, text in enumerate(texts):
        name = re.sub(r"\s+", " ", text).strip()
        if not name and any(_at(grid.cells, r, c) for r in range(first_data, len(grid.cells))):
            name = f"Column {_column_letter(c)}"
        headings.append(name)
    ordered = list(dict.fromkeys(h for h in headings if h))
    rows = []
    for r in range(first_data, len(grid.cells)):
        values = [_at(grid.cells, r, c) for c in range(width)]
        filled = [c for c, value in enumerate(values) if value]
        if not filled:
            continue  # blank rows are skipped silently
        merge = _horizontal_merge_at(grid, r, filled[0])
        if merge and merge[2] == r and merge[3] - merge[1] >= 2 and all(c <= merge[3] for c in filled):
            rows.append({"row": r + 1, "heading": values[filled[0]][:200]})
            continue
        cells: dict[str, str] = dict.fromkeys(ordered, "")
        for c, value in enumerate(values):
            heading = headings[c] if c < len(headings) else ""
            if not value or not heading:
                continue
            if cells[heading] and value != cells[heading] and value not in cells[heading].split("\n"):
                cells[heading] = f"{cells[heading]}\n{value}"
            elif not cells[heading]:
                cells[heading] = value
        rows.append({"row": r + 1, "cells": cells})
    return ParsedFile(sheet=grid.name, header_row=header + 1, headings=ordered, rows=rows)


def read_file(name: str, content: bytes) -> ParsedFile:
    """The header row, headings and rows of an uploaded .xlsx or .csv file; ValidationError with a
    message for the person uploading it otherwise."""
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in EXTENSIONS:
        raise ValidationError(TYPE_MESSAGE)
    if not content:
        raise ValidationError("The selected file is empty")
    if len(content) > MAX_BYTES:
        raise ValidationError(SIZE_MESSAGE)
    grids = _xlsx_grids(content) if extension == ".xlsx" else [_csv_grid(content)]
    parsed = None
    for grid in grids:
        parsed = parse_grid(grid)
        if parsed is not None:
            break
    if parsed is None:
        raise ValidationError(NO_HEADER_MESSAGE)
    actions = [row for row in parsed.rows if "cells" in row]
    if not actions:
        raise ValidationError(
            f"The file has column headings in row {parsed.header_row} but no actions under them"
        )
    if len(actions) > MAX_ACTIONS:
        raise ValidationError(
            f"The file has {len(actions):,} rows of actions: import at most {MAX_ACTIONS:,} at a time"
        )
    return parsed


# --- Reading values ------------------------------------------------------------------------

MONTHS = {
    **{dt.date(2000, m, 1).strftime("%B").casefold(): m for m in range(1, 13)},
    **{dt.date(2000, m, 1).strftime("%b").casefold(): m for m in range(1, 13)},
    "sept": 9,
}
NO_DATE = frozenset(
    ("", *words("ongoing | on going | on-going | continuous | tbc | tba | tbd | n/a | na | none | - | – | —"))
)


def _year(text: str) -> int:
    year = int(text)
    return 2000 + year if year < 100 else year


def _last_day(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def parse_date(text: str) -> dt.date | None:
    """A UK date, or None for "no date" words; ValueError when it is not a date."""
    text = re.sub(r"\s+", " ", (text or "").strip())
    lowered = text.casefold()
    if lowered in NO_DATE:
        return None
    if match := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?", text):
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    if match := re.fullmatch(r"(\d{1,2})\s?[/\-.]\s?(\d{1,2})\s?[/\-.]\s?(\d{2}|\d{4})", text):
        return dt.date(_year(match[3]), int(match[2]), int(match[1]))
    match = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?[ \-]([a-z]+)\.?,?[ \-](\d{2}|\d{4})", lowered)
    if match and match[2] in MONTHS:
        return dt.date(_year(match[3]), MONTHS[match[2]], int(match[1]))
    match = re.fullmatch(r"(?:end of )?([a-z]+)\.?[ \-](\d{2}|\d{4})", lowered)
    if match and match[1] in MONTHS:  # "March 2027": by the end of the month
        return _last_day(_year(match[2]), MONTHS[match[1]])
    if re.fullmatch(r"\d{5}", text) and 20_000 <= int(text) <= 80_000:  # an Excel serial date
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(text))
    raise ValueError(text)


STATUS_WORDS = {
    Action.Status.NOT_STARTED: words(
        "not started | not yet started | not begun | planned | pending | to do | todo | new | open"
    ),
    Action.Status.ON_TRACK: words(
        "on track | green | g | in progress | ongoing | on going | started | underway | under way "
        "| progressing"
    ),
    Action.Status.AT_RISK: words(
        "at risk | amber | a | red | r | delayed | behind | behind schedule | off track | slipping | overdue"
    ),
    Action.Status.DONE: words(
        "done | complete | completed | closed | finished | achieved | blue | b | resolved"
    ),
    Action.Status.CANCELLED: words("cancelled | canceled | withdrawn | abandoned | stopped | dropped"),
}
STATUS_BY_WORD = {normalise(word): status for status, names in STATUS_WORDS.items() for word in names}
STATUS_BY_WORD.update({normalise(label): value for value, label in Action.Status.choices})


def parse_status(text: str) -> str | None:
    """A status, "" for none given; ValueError when the word is not one Tandem knows."""
    key = normalise(text)
    if not key:
        return ""
    if key in STATUS_BY_WORD:
        return STATUS_BY_WORD[key]
    # "Green – on track", "Complete (March 2026)": the first words decide.
    for count in (3, 2, 1):
        start = " ".join(key.split()[:count])
        if start in STATUS_BY_WORD and len(start) > 1:
            return STATUS_BY_WORD[start]
    raise ValueError(text)


# (words, what they say about whether it worked, whether they must stand alone). A strict
# word must be followed by punctuation or nothing: "No." or "No – …" is a judgement, "No
# further incidents" or "Worked with the school …" is evidence.
WORKED_WORDS = (
    ("yes", Action.Worked.YES, False),
    ("it worked", Action.Worked.YES, False),
    ("worked", Action.Worked.YES, True),
    ("successful", Action.Worked.YES, True),
    ("effective", Action.Worked.YES, True),
    ("partly", Action.Worked.PARTLY, False),
    ("partially", Action.Worked.PARTLY, False),
    ("partly successful", Action.Worked.PARTLY, False),
    ("partially successful", Action.Worked.PARTLY, False),
    ("partial", Action.Worked.PARTLY, True),
    ("in part", Action.Worked.PARTLY, True),
    ("no", Action.Worked.NO, True),
    ("did not work", Action.Worked.NO, False),
    ("didn't work", Action.Worked.NO, False),
    ("it did not work", Action.Worked.NO, False),
    ("not successful", Action.Worked.NO, False),
    ("unsuccessful", Action.Worked.NO, False),
    ("not effective", Action.Worked.NO, False),
    ("ineffective", Action.Worked.NO, False),
    ("too early to tell", Action.Worked.TOO_EARLY, False),
    ("too early to say", Action.Worked.TOO_EARLY, False),
    ("too early", Action.Worked.TOO_EARLY, False),
    ("too soon to tell", Action.Worked.TOO_EARLY, False),
    ("too soon", Action.Worked.TOO_EARLY, False),
    ("not yet known", Action.Worked.TOO_EARLY, False),
)
WORKED_BY_WORD = {phrase: (worked, strict) for phrase, worked, strict in WORKED_WORDS}
JUDGEMENT = re.compile(
    r"^(?P<word>"
    + "|".join(
        re.escape(words).replace(r"\ ", r"\s+") for words in sorted(WORKED_BY_WORD, key=len, reverse=True)
    )
    + r")(?:(?P<mark>\s*[:.,;!–—-]\s*|\s*\n\s*|\s*$)|(?P<space>\s+))(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
EVALUATE_BY = re.compile(r"^to be evaluated by (?P<date>[^.\n]+?)(?:\.\s*|\n\s*|$)(?P<rest>.*)$", re.I | re.S)
LEARNING = re.compile(r"(?:^|[.\n]\s*)Learning:\s*(?P<learning>.*)$", re.I | re.S)


@dataclass
class Evaluation:
    worked: str = ""
    evidence: str = ""
    learning: str = ""
    evaluate_by: dt.date | None = None


def parse_evaluation(text: str) -> Evaluation:
    """ "Yes: complaints fell by half. Learning: start earlier" → yes, the evidence, the learning."""
    result = Evaluation()
    text = (text or "").strip()
    if match := EVALUATE_BY.match(text):
        try:
            result.evaluate_by = parse_date(match["date"])
        except (ValueError, OverflowError):
            result.evaluate_by = None
        else:
            text = match["rest"].strip()
    if match := LEARNING.search(text):
        result.learning = match["learning"].strip()
        text = text[: match.start()].strip()
    if match := JUDGEMENT.match(text):
        worked, strict = WORKED_BY_WORD[re.sub(r"\s+", " ", match["word"].casefold())]
        if match["mark"] is not None or not strict:
            result.worked = worked
            text = match["rest"].strip()
    result.evidence = text
    return result


# --- Who leads, and other names ---------------------------------------------------------------


def _key(name: str) -> str:
    return re.sub(r"\s+", " ", (name or "").strip().strip(".")).casefold()


LEAD_SPLITS = (
    re.compile(r"^(?P<a>.+?)\s*\((?P<b>[^()]+)\)$"),
    re.compile(r"^(?P<a>.+),\s*(?P<b>[^,]+)$"),
    re.compile(r"^(?P<a>.+?)\s+[-–—/]\s+(?P<b>.+)$"),
    re.compile(r"^(?P<a>.+?)\s*/\s*(?P<b>.+)$"),
    re.compile(r"^(?P<a>.+?)\s*\n\s*(?P<b>.+)$", re.S),
)


class Directory:
    """The people and organisations of a group's partnership, and its strategic priorities, by name."""

    def __init__(self, group: Group) -> None:
        self.group = group
        today = timezone.localdate()
        memberships = Membership.objects.filter(group__partnership_id=group.partnership_id).select_related(
            "person", "organisation"
        )
        self.people: dict[str, dict[int, Person]] = defaultdict(dict)
        self.person_organisations: dict[int, set[int]] = defaultdict(set)
        self.group_organisation: dict[int, Organisation] = {}
        partnership_orgs: dict[int, Organisation] = {}
        for membership in memberships:
            person = membership.person
            self.people[_key(person.name)][person.pk] = person
            if membership.organisation_id:
                partnership_orgs[membership.organisation_id] = membership.organisation
                self.person_organisations[person.pk].add(membership.organisation_id)
                current = membership.start_date <= today and (
                    membership.end_date is None or membership.end_date >= today
                )
                if membership.group_id == group.pk and current:
                    self.group_organisation[person.pk] = membership.organisation
        self.in_group = set(Membership.objects.filter(group=group).values_list("person_id", flat=True))
        for organisation in Organisation.objects.filter(
            pk__in=Group.objects.filter(
                partnership_id=group.partnership_id, accountable_body__isnull=False
            ).values("accountable_body")
        ):
            partnership_orgs[organisation.pk] = organisation
        self.lead_organisations = {_key(o.name): o for o in partnership_orgs.values()}
        self.organisations = {_key(o.name): o for o in Organisation.objects.only("pk", "name", "slug")}
        self.priorities = self._priorities()

    def _priorities(self) -> dict[str, StrategicPriority]:
        today = timezone.localdate()
        priorities = StrategicPriority.objects.filter(
            strategy__partnership_id=self.group.partnership_id
        ).select_related("strategy")
        # The current strategy's priorities win over older ones of the same name.
        ordered = sorted(
            priorities,
            key=lambda p: (p.strategy.starts_on <= today <= p.strategy.ends_on, p.strategy.starts_on),
        )
        found = {}
        for priority in ordered:
            found[_key(priority.title)] = priority
            found[_key(priority.slug)] = priority
        return found

    def person(self, name: str, organisation: Organisation | None = None) -> Person | None:
        """The person of that name; ValueError when several people share it."""
        candidates = list(self.people.get(_key(name), {}).values())
        if len(candidates) > 1 and organisation is not None:
            candidates = [
                p for p in candidates if organisation.pk in self.person_organisations[p.pk]
            ] or candidates
        if len(candidates) > 1:
            candidates = [p for p in candidates if p.pk in self.in_group] or candidates
        if len(candidates) > 1:
            raise ValueError(name)
        return candidates[0] if candidates else None

    def lead(self, text: str) -> tuple[Person | None, Organisation | None, list[Organisation]]:
        """(person, organisation, others) for "Who is to lead"; LookupError with the reason."""
        text = text.strip()
        try:
            if (org := self.lead_organisations.get(_key(text))) is not None:
                return None, org, []
            if (person := self.person(text)) is not None:
                return person, self.group_organisation.get(person.pk), []
            for pattern in LEAD_SPLITS:
                match = pattern.match(text)
                if not match:
                    continue
                a, b = match["a"].strip(), match["b"].strip()
                for first, second in ((a, b), (b, a)):
                    org = self.lead_organisations.get(_key(second))
                    if org is not None and (person := self.person(first, org)) is not None:
                        return person, org, []
                org_a, org_b = self.lead_organisations.get(_key(a)), self.lead_organisations.get(_key(b))
                if org_a is not None and org_b is not None:
                    return None, org_a, [org_b]
        except ValueError as exc:
            raise LookupError(
                f"more than one person called '{exc.args[0]}' in the partnership: add their "
                "organisation, like 'Name, Organisation'"
            ) from exc
        raise LookupError(f"no person or organisation called '{text}' in the partnership")

    def supporting(self, text: str) -> list[Organisation]:
        """Organisations named in the text; LookupError naming the first one not known."""
        found = []
        for piece in re.split(r"[;\n]", text):
            piece = piece.strip()
            if not piece:
                continue
            if (org := self.organisations.get(_key(piece))) is not None:
                found.append(org)
                continue
            for part in re.split(r",|/| and | & ", piece):
                part = part.strip()
                if not part:
                    continue
                org = self.organisations.get(_key(part))
                if org is None:
                    raise LookupError(f"no organisation called '{part}' for Supporting organisations")
                found.append(org)
        return list(dict.fromkeys(found))


# --- The preview: what each row becomes ---------------------------------------------------


@dataclass
class RowPlan:
    row: int
    values: dict[str, str]
    issue: str = ""
    description: str = ""
    lead: Person | None = None
    lead_organisation: Organisation | None = None
    supporting: list[Organisation] = field(default_factory=list)
    due_on: dt.date | None = None
    start_on: dt.date | None = None
    status: str = Action.Status.NOT_STARTED
    evaluation: Evaluation = field(default_factory=Evaluation)
    strategic_priority: StrategicPriority | None = None
    progress: str = ""
    progress_on: dt.date | None = None
    completed_on: dt.date | None = None
    reference: str = ""
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def reason(self) -> str:
        return "; ".join(self.errors)

    @property
    def lead_text(self) -> str:
        names = [
            self.lead.name if self.lead else "",
            self.lead_organisation.name if self.lead_organisation else "",
        ]
        return ", ".join(name for name in names if name)

    @property
    def status_label(self) -> str:
        return Action.Status(self.status).label

    @property
    def evaluation_text(self) -> str:
        """ "Yes: complaints fell by half", "To be evaluated by 31 March 2027"."""
        evaluation = self.evaluation
        worked = Action.Worked(evaluation.worked).label if evaluation.worked else ""
        text = ": ".join(part for part in (worked, evaluation.evidence) if part)
        if evaluation.evaluate_by and evaluation.worked not in FINAL_JUDGEMENTS:
            by = evaluation.evaluate_by
            text = (
                f"{text}. To be evaluated by {by.day} {by:%B %Y}"
                if text
                else f"To be evaluated by {by.day} {by:%B %Y}"
            )
        return text


@dataclass
class Preview:
    action_import: ActionImport
    headings: list[str]
    mapping: dict[str, str]
    plans: list[RowPlan]
    headings_skipped: list[dict]
    problems: list[str]  # with the mapping itself

    @property
    def good(self) -> list[RowPlan]:
        return [] if self.problems else [plan for plan in self.plans if plan.ok]

    @property
    def bad(self) -> list[RowPlan]:
        return [] if self.problems else [plan for plan in self.plans if not plan.ok]

    @property
    def first_rows(self) -> list[RowPlan]:
        return self.plans[:PREVIEW_ROWS]

    @property
    def notes(self) -> list[dict]:
        notes = [
            {
                "row": item["row"],
                "reason": f"it looks like a section heading (“{item['heading']}”), so it was left out",
            }
            for item in self.headings_skipped
        ]
        notes += [{"row": plan.row, "reason": note} for plan in self.good for note in plan.notes]
        return sorted(notes, key=lambda note: note["row"])

    def report(self) -> list[dict]:
        """What ``ActionImport.errors`` keeps: bad rows, then notes on rows imported or left out."""
        bad = [{"row": plan.row, "reason": plan.reason} for plan in self.bad]
        return bad + [{**note, "note": True} for note in self.notes]


def headings_of(action_import: ActionImport) -> list[str]:
    for row in action_import.rows:
        if "cells" in row:
            return list(row["cells"])
    return []


def _check_done(plan: RowPlan, today: dt.date) -> None:
    """A done action needs an evaluation, or a date (today or later) by which it will be evaluated;
    it was completed on its date for completion, or today if that is still to come."""
    evaluation = plan.evaluation
    if evaluation.worked not in FINAL_JUDGEMENTS and (
        evaluation.evaluate_by is None or evaluation.evaluate_by < today
    ):
        evaluation.evaluate_by = today + dt.timedelta(days=EVALUATE_WITHIN_DAYS)
        why = "too early to tell whether it worked" if evaluation.worked else "no word on whether it worked"
        plan.notes.append(
            f"marked done with {why}, so it is to be evaluated by "
            f"{evaluation.evaluate_by.day} {evaluation.evaluate_by:%B %Y}"
        )
    plan.completed_on = min(plan.due_on, today) if plan.due_on else today
    if plan.start_on and plan.start_on > plan.completed_on:
        if plan.start_on > today:
            plan.errors.append("it is marked done but starts in the future")
        plan.completed_on = plan.start_on


def _plan_row(row: dict, mapping: dict[str, str], directory: Directory, today: dt.date) -> RowPlan:
    values = {key: (row["cells"].get(heading, "") if heading else "") for key, heading in mapping.items()}
    plan = RowPlan(row=row["row"], values=values)
    errors = plan.errors

    def value(key: str) -> str:
        return values.get(key, "").strip()

    def heading(key: str) -> str:
        return mapping.get(key) or FIELD_BY_KEY[key].label

    plan.issue = value("issue")
    if not plan.issue:
        errors.append(f"no issue to be resolved (the “{heading('issue')}” column is empty)")
    plan.description = value("description")
    if not plan.description:
        errors.append(f"no action to be carried out (the “{heading('description')}” column is empty)")
    lead = value("lead")
    if not lead:
        errors.append(f"no one to lead the action (the “{heading('lead')}” column is empty)")
    else:
        try:
            plan.lead, plan.lead_organisation, others = directory.lead(lead)
        except LookupError as exc:
            errors.append(str(exc))
        else:
            plan.supporting.extend(others)
    for key in ("due_on", "start_on"):
        text = value(key)
        try:
            setattr(plan, key, parse_date(text))
        except (ValueError, OverflowError):
            errors.append(f"'{text}' in “{heading(key)}” is not a date: use a date like 31/03/2027")
    if plan.start_on and plan.due_on and plan.due_on < plan.start_on:
        errors.append("the date for completion is before the start date")
    plan.evaluation = parse_evaluation(value("evaluation"))
    try:
        status = parse_status(value("status"))
    except ValueError:
        errors.append(
            f"'{value('status')}' in “{heading('status')}” is not a status: use Not started, On track, "
            "At risk, Done or Cancelled (or Red, Amber, Green)"
        )
        status = Action.Status.NOT_STARTED
    if not status:
        status = (
            Action.Status.DONE if plan.evaluation.worked in FINAL_JUDGEMENTS else Action.Status.NOT_STARTED
        )
    plan.status = status
    if status == Action.Status.DONE:
        _check_done(plan, today)
    if supporting := value("supporting"):
        try:
            plan.supporting.extend(o for o in directory.supporting(supporting) if o not in plan.supporting)
        except LookupError as exc:
            errors.append(str(exc))
    if priority := value("strategic_priority"):
        plan.strategic_priority = directory.priorities.get(_key(priority))
        if plan.strategic_priority is None:
            errors.append(f"no strategic priority called '{priority}' in the partnership's strategy")
    plan.progress = value("progress")
    if match := re.match(r"^(?P<date>[^:\n]{6,20}):\s*(?P<text>.+)$", plan.progress, re.S):
        try:
            plan.progress_on = parse_date(match["date"])
        except (ValueError, OverflowError):
            plan.progress_on = None
        else:
            plan.progress = match["text"].strip() if plan.progress_on else plan.progress
    plan.reference = value("reference")
    if len(plan.reference) > 30:
        errors.append(f"the reference '{plan.reference[:40]}…' is longer than 30 characters")
    return plan


def build_preview(action_import: ActionImport, *, mapping: dict[str, str] | None = None) -> Preview:
    mapping = {key: heading for key, heading in (mapping or action_import.mapping).items() if heading}
    headings = headings_of(action_import)
    problems = mapping_problems(mapping, headings)
    directory = Directory(action_import.group)
    today = timezone.localdate()
    rows = [row for row in action_import.rows if "cells" in row]
    if problems:
        # Still list the rows, so the person can see what is in the file.
        plans = [RowPlan(row=row["row"], values={}) for row in rows]
    else:
        plans = [_plan_row(row, mapping, directory, today) for row in rows]
    return Preview(
        action_import=action_import,
        headings=headings,
        mapping=mapping,
        plans=plans,
        headings_skipped=[row for row in action_import.rows if "heading" in row],
        problems=problems,
    )


# --- Services ------------------------------------------------------------------------------------


def _user(by):
    return by if getattr(by, "is_authenticated", False) else None


def _imported_before(group: Group, content_hash: str) -> ActionImport | None:
    return (
        ActionImport.objects.filter(
            group=group, content_hash=content_hash, status=ActionImport.Status.IMPORTED
        )
        .order_by("confirmed_at")
        .first()
    )


def _already_message(earlier: ActionImport) -> str:
    when = timezone.localtime(earlier.confirmed_at) if earlier.confirmed_at else None
    on = f" on {when.day} {when:%B %Y}" if when else ""
    return f"This file was already imported into the plan{on}, so it has not been imported again"


@transaction.atomic
def action_import_create(*, group: Group, name: str, content: bytes, by=None) -> ActionImport:
    """Read an uploaded action plan and keep it for preview; nothing is added to the plan yet."""
    content_hash = hashlib.sha256(content).hexdigest()
    if (earlier := _imported_before(group, content_hash)) is not None:
        raise ValidationError(_already_message(earlier))
    parsed = read_file(name, content)
    action_import = ActionImport(
        group=group,
        file_name=name[:255],
        content_hash=content_hash,
        header_row=parsed.header_row,
        mapping=propose_mapping(parsed.headings),
        rows=parsed.rows,
        uploaded_by=_user(by),
    )
    action_import.errors = build_preview(action_import).report()
    action_import.save()
    return action_import


def _waiting(action_import: ActionImport) -> None:
    if action_import.status == ActionImport.Status.IMPORTED:
        raise ValidationError("This file has already been imported")
    if action_import.status == ActionImport.Status.DISCARDED:
        raise ValidationError("This import was discarded: upload the file again to import it")


@transaction.atomic
def action_import_remap(*, action_import: ActionImport, mapping: dict[str, str]) -> Preview:
    """Use other columns for Tandem's fields (a field with no column is not imported)."""
    action_import = ActionImport.objects.select_for_update().select_related("group").get(pk=action_import.pk)
    _waiting(action_import)
    mapping = {key: heading for key, heading in mapping.items() if key in FIELD_BY_KEY and heading}
    problems = mapping_problems(mapping, headings_of(action_import))
    if problems:
        raise ValidationError(problems)
    action_import.mapping = mapping
    preview = build_preview(action_import)
    action_import.errors = preview.report()
    action_import.save(update_fields=["mapping", "errors"])
    return preview


def _aware_noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


def _create_action(plan: RowPlan, *, action_import: ActionImport, is_public: bool, by) -> Action:
    """One row as an action, through the same services as the forms: created open, then completed
    with its evaluation (which sets the reminder to evaluate it) or cancelled."""
    evaluation = plan.evaluation
    is_open = plan.status in Action.OPEN_STATUSES
    action = services.action_create(
        group=action_import.group,
        description=plan.description,
        issue=plan.issue,
        lead=plan.lead,
        lead_organisation=plan.lead_organisation,
        supporting_organisations=plan.supporting,
        start_on=plan.start_on,
        due_on=plan.due_on,
        status=plan.status if is_open else Action.Status.NOT_STARTED,
        strategic_priority=plan.strategic_priority,
        is_public=is_public,
        reference=plan.reference,
        imported_from=action_import,
        by=by,
    )
    if plan.progress:
        ActionUpdate.objects.create(
            action=action,
            text=plan.progress,
            is_internal=True,
            author=_user(by),
            created_at=_aware_noon(plan.progress_on) if plan.progress_on else timezone.now(),
        )
    if plan.status == Action.Status.DONE:
        return services.action_complete(
            action=action,
            worked=evaluation.worked,
            evidence=evaluation.evidence,
            learning=evaluation.learning,
            evaluate_by=evaluation.evaluate_by,
            completed_on=plan.completed_on,
            by=by,
        )
    if plan.status == Action.Status.CANCELLED:
        return services.action_cancel(
            action=action, reason=f"marked cancelled in {action_import.file_name}", by=by
        )
    if evaluation.worked or evaluation.evidence or evaluation.learning:
        # An open action with an early view of whether it is working: kept as it was written.
        action.worked = evaluation.worked
        action.evaluation_evidence = evaluation.evidence
        action.evaluation_learning = evaluation.learning
        action.full_clean()
        if _user(by) is not None:
            action._history_user = by
        action.save(update_fields=["worked", "evaluation_evidence", "evaluation_learning", "updated_at"])
    return action


@transaction.atomic
def action_import_confirm(*, action_import: ActionImport, is_public: bool = False, by=None) -> list[Action]:
    """Add every good row to the group's plan in one transaction; bad rows are skipped and
    reported in ``ActionImport.errors``. All or nothing: if one row fails now, none is added."""
    action_import = ActionImport.objects.select_for_update().select_related("group").get(pk=action_import.pk)
    _waiting(action_import)
    if (earlier := _imported_before(action_import.group, action_import.content_hash)) is not None:
        raise ValidationError(_already_message(earlier))
    preview = build_preview(action_import)
    if preview.problems:
        raise ValidationError(preview.problems)
    if not preview.good:
        raise ValidationError("None of the rows can be imported: correct the file, or choose other columns")
    action_import.status = ActionImport.Status.IMPORTED
    action_import.confirmed_at = timezone.now()
    action_import.errors = preview.report()
    try:
        with transaction.atomic():
            action_import.save(update_fields=["status", "confirmed_at", "errors"])
    except IntegrityError as exc:  # the same file confirmed at the same moment in another upload
        raise ValidationError("This file was already imported into the plan") from exc
    actions = []
    for plan in preview.good:
        try:
            actions.append(_create_action(plan, action_import=action_import, is_public=is_public, by=by))
        except ValidationError as exc:
            raise ValidationError(f"Row {plan.row}: {' '.join(exc.messages)} Nothing was imported.") from exc
    return actions


@transaction.atomic
def action_import_discard(*, action_import: ActionImport) -> None:
    action_import = ActionImport.objects.select_for_update().get(pk=action_import.pk)
    _waiting(action_import)
    action_import.status = ActionImport.Status.DISCARDED
    action_import.save(update_fields=["status"])
