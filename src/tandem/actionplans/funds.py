"""Group funds: who holds them, the ledger's services and reads, and the annual statement.

Seed 000: a treasurer is "only necessary if the group holds funds in their own right … it may
be simpler to use an accountable body such as the parish council". A group's ledger records
grants and donations in and spending out, in pounds and pence stored exactly (``Decimal``,
never ``float``). Only keepers change it (``access.can_keep_ledger``); django-simple-history
keeps every version of every entry, with who made the change.

The financial year runs from 1 April to 31 March; it is named by the calendar year it starts
in (2025 is "2025/26").
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min, Sum
from django.utils import timezone
from django.utils.text import slugify

from tandem.partnership.models import Group, Membership

from .models import Action, LedgerEntry

PENNY = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal("1000000.00")
RECEIPT_MAX_BYTES = 5 * 1024 * 1024

AMOUNT_FORMAT_MESSAGE = "Enter the amount in pounds and pence, like £1,234.50"
AMOUNT_PLACES_MESSAGE = "Enter the amount with no more than 2 decimal places, like £12.35"
AMOUNT_POSITIVE_MESSAGE = (
    "Enter an amount more than £0. Record money paid out as spending, not as a negative amount"
)
AMOUNT_MAX_MESSAGE = "Enter an amount of £1,000,000 or less"
FUTURE_MESSAGE = "The date cannot be in the future"
RECEIPT_TYPE_MESSAGE = "The receipt must be a PDF, JPEG or PNG file"
RECEIPT_SIZE_MESSAGE = "The receipt must be smaller than 5 MB"
RECEIPT_EMPTY_MESSAGE = "The selected file is empty"
NEGATIVE_LABEL = "I understand the balance will be negative"

# Stored receipts are one of these, told apart by their first bytes (never by their name).
RECEIPT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
}

ENTRY_FIELDS = {"kind", "date", "amount", "counterparty", "description", "action", "receipt"}


# --- Money -----------------------------------------------------------------------------

_AMOUNT_RE = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d*))?$", re.ASCII)


def parse_amount(value) -> Decimal:
    """An amount of money from what a person typed ("£1,234.50", "1234.5", "0.30") or a Decimal:
    positive, at most 2 decimal places, at most £1,000,000. ``ValidationError`` otherwise."""
    if isinstance(value, float):
        raise TypeError("Money is never a float: pass a string or a Decimal.")
    if value is None:
        raise ValidationError("Enter the amount")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValidationError(AMOUNT_FORMAT_MESSAGE)
        text = format(value, "f")
    else:
        text = str(value)
    text = re.sub(r"\s+", "", text.replace("\u00a0", " "))
    if not text:
        raise ValidationError("Enter the amount")
    text = text.replace("\u2212", "-")
    unsigned = text.removeprefix("£").removeprefix("-").removeprefix("£")
    if text.startswith(("-", "£-")) or (text.startswith("(") and text.endswith(")")):
        raise ValidationError(AMOUNT_POSITIVE_MESSAGE)
    match = _AMOUNT_RE.match(unsigned)
    if match is None or not unsigned.strip(".") or unsigned.startswith(","):
        raise ValidationError(AMOUNT_FORMAT_MESSAGE)
    try:
        amount = Decimal(unsigned.replace(",", ""))
    except InvalidOperation as exc:
        raise ValidationError(AMOUNT_FORMAT_MESSAGE) from exc
    if amount <= 0:
        raise ValidationError(AMOUNT_POSITIVE_MESSAGE)
    if amount > MAX_AMOUNT:
        raise ValidationError(AMOUNT_MAX_MESSAGE)
    if amount != amount.quantize(PENNY, rounding=ROUND_DOWN):
        raise ValidationError(AMOUNT_PLACES_MESSAGE)
    return amount.quantize(PENNY)


def money(value: Decimal | None) -> str:
    """ "£1,234.50", "-£20.00" ("" for None)."""
    if value is None:
        return ""
    value = Decimal(value).quantize(PENNY)
    sign = "-" if value < 0 else ""
    return f"{sign}£{abs(value):,.2f}"


def date_text(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


# --- Financial years ---------------------------------------------------------------------


@dataclass(frozen=True)
class FinancialYear:
    """1 April of ``start`` to 31 March of the year after."""

    start: int

    @property
    def starts_on(self) -> dt.date:
        return dt.date(self.start, 4, 1)

    @property
    def ends_on(self) -> dt.date:
        return dt.date(self.start + 1, 3, 31)

    @property
    def label(self) -> str:
        """ "2025/26"."""
        return f"{self.start}/{(self.start + 1) % 100:02d}"

    @property
    def long_label(self) -> str:
        """ "1 April 2025 to 31 March 2026"."""
        return f"{date_text(self.starts_on)} to {date_text(self.ends_on)}"

    def __contains__(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on

    @classmethod
    def of(cls, day: dt.date) -> "FinancialYear":
        return cls(day.year if day.month >= 4 else day.year - 1)

    @classmethod
    def current(cls) -> "FinancialYear":
        return cls.of(timezone.localdate())


def financial_years(group: Group) -> list[FinancialYear]:
    """The financial years from the group's first entry to this one, newest first."""
    current = FinancialYear.current()
    first = LedgerEntry.objects.filter(group=group).aggregate(first=Min("date"))["first"]
    start = FinancialYear.of(first).start if first else current.start
    return [FinancialYear(year) for year in range(current.start, min(start, current.start) - 1, -1)]


# --- Who holds the funds ----------------------------------------------------------------


@dataclass(frozen=True)
class FundsHolder:
    treasurers: list[str]  # their names ("" when withheld)
    accountable_body: str

    @property
    def is_recorded(self) -> bool:
        return bool(self.treasurers or self.accountable_body)

    @property
    def text(self) -> str:
        """ "Funds are held by its treasurer, Tom Treasurer." and the like."""
        if self.treasurers:
            label = "treasurers" if len(self.treasurers) > 1 else "treasurer"
            named = [name for name in self.treasurers if name]
            names = f", {' and '.join(named)}" if named else ""
            text = f"Funds are held by its {label}{names}."
            if self.accountable_body:
                text += f" Its accountable body is {self.accountable_body}."
            return text
        if self.accountable_body:
            return f"Funds are held by its accountable body, {self.accountable_body}."
        return "Nobody is recorded as holding its funds."


def funds_holder(group: Group, *, public: bool = False) -> FundsHolder:
    """Who holds the group's funds: its current treasurer(s), or its accountable body.

    ``public``: for documents shown at an open meeting, a treasurer who has not agreed to be
    named publicly is "the treasurer"."""
    memberships = (
        Membership.objects.current()
        .filter(group=group, role=Membership.Role.TREASURER)
        .select_related("person")
        .order_by("person__name")
    )
    # "" for a treasurer who has not agreed to be named publicly.
    names = [m.person.name if (m.person.show_name_publicly or not public) else "" for m in memberships]
    body = group.accountable_body.name if group.accountable_body_id else ""
    return FundsHolder(treasurers=names, accountable_body=body)


# --- Receipts ----------------------------------------------------------------------------


def _head(uploaded_file, size: int = 16) -> bytes:
    uploaded_file.seek(0)
    head = uploaded_file.read(size)
    uploaded_file.seek(0)
    return head


def receipt_kind(head: bytes) -> str | None:
    """ "pdf", "jpg" or "png" from a file's first bytes; None for anything else."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    return None


def receipt_check(uploaded_file) -> str:
    """The receipt's kind ("pdf", "jpg", "png") after checking its size and first bytes;
    ``ValidationError`` on ``receipt`` otherwise. The name and declared type are not trusted."""
    size = getattr(uploaded_file, "size", None) or 0
    if not size:
        raise ValidationError({"receipt": RECEIPT_EMPTY_MESSAGE})
    if size > RECEIPT_MAX_BYTES:
        raise ValidationError({"receipt": RECEIPT_SIZE_MESSAGE})
    kind = receipt_kind(_head(uploaded_file))
    if kind is None:
        raise ValidationError({"receipt": RECEIPT_TYPE_MESSAGE})
    return kind


def _receipt_name(uploaded_file, kind: str) -> str:
    stem = slugify(Path(getattr(uploaded_file, "name", "") or "").stem)[:40].strip("-")
    return f"{stem or 'receipt'}.{kind}"


def receipt_content_type(entry: LedgerEntry) -> tuple[str, str]:
    """(content type, extension) of a stored receipt, from its first bytes."""
    with entry.receipt.open("rb") as handle:
        kind = receipt_kind(handle.read(16))
    if kind is None:  # not written by receipt_check: never served as what it claims to be
        return "application/octet-stream", "bin"
    return RECEIPT_TYPES[kind], kind


# --- Changing the ledger -----------------------------------------------------------------


def _user(by):
    return by if getattr(by, "is_authenticated", False) else None


def _lowest(rows: list[tuple[dt.date, float, Decimal]], since: dt.date) -> tuple[Decimal, dt.date | None]:
    """The lowest running balance on or after ``since`` (counting the final balance), and its date."""
    balance = ZERO
    lowest: Decimal | None = None
    lowest_on = None
    for day, _order, signed in sorted(rows, key=lambda row: (row[0], row[1])):
        balance += signed
        if day >= since and (lowest is None or balance < lowest):
            lowest, lowest_on = balance, day
    if lowest is None or balance < lowest:
        lowest, lowest_on = balance, lowest_on
    return lowest, lowest_on


def _signed(kind: str, amount: Decimal) -> Decimal:
    return amount if kind in LedgerEntry.INCOME else -amount


def _check_balance(
    *, group: Group, entry: LedgerEntry | None, kind: str, day: dt.date, amount: Decimal, allow_negative: bool
) -> None:
    """Refuse a change that takes the balance below £0 (or further below it) on any day from the
    change on, unless the keeper has said they understand it will be negative."""
    if allow_negative:
        return
    existing = [
        (row["date"], row["pk"], _signed(row["kind"], row["amount"]))
        for row in LedgerEntry.objects.filter(group=group).values("pk", "date", "kind", "amount")
    ]
    others = [row for row in existing if entry is None or row[1] != entry.pk]
    order = entry.pk if entry is not None else float("inf")
    after = [*others, (day, order, _signed(kind, amount))]
    since = min(day, entry.date) if entry is not None else day
    new_lowest, new_on = _lowest(after, since)
    old_lowest, _ = _lowest(existing, since)
    if new_lowest < 0 and new_lowest < old_lowest:
        when = f" on {date_text(new_on)}" if new_on else ""
        raise ValidationError(
            {
                "allow_negative": (
                    "This would take the balance below £0: at its lowest it would be "
                    f"{money(new_lowest)}{when}. Check the amount and date. If they are right, "
                    f"tick “{NEGATIVE_LABEL}”"
                )
            }
        )


def _check_entry(*, group: Group, kind: str, day: dt.date, action: Action | None) -> dict:
    errors = {}
    if kind not in LedgerEntry.Kind.values:
        errors["kind"] = "Select whether money came in or went out"
    if day is None:
        errors["date"] = "Enter the date"
    elif day > timezone.localdate():
        errors["date"] = FUTURE_MESSAGE
    if action is not None and action.group_id != group.pk:
        errors["action"] = "Choose an action of this group's plan"
    return errors


@transaction.atomic
def entry_record(
    *,
    group: Group,
    kind: str,
    date: dt.date,
    amount,
    counterparty: str,
    description: str,
    action: Action | None = None,
    receipt=None,
    by,
    allow_negative: bool = False,
) -> LedgerEntry:
    """Record money in or out of a group's funds. ``amount`` is positive (the kind says which
    way); spending that takes the balance below £0 needs ``allow_negative``."""
    Group.objects.select_for_update().filter(pk=group.pk).first()  # one change to a ledger at a time
    errors = _check_entry(group=group, kind=kind, day=date, action=action)
    try:
        amount = parse_amount(amount)
    except ValidationError as exc:
        errors["amount"] = exc.messages[0]
    counterparty, description = (counterparty or "").strip(), (description or "").strip()
    if not counterparty:
        errors["counterparty"] = "Enter who paid the money in, or who was paid"
    if not description:
        errors["description"] = "Enter what the money was for"
    if receipt:
        try:
            kind_of_file = receipt_check(receipt)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        else:
            receipt.name = _receipt_name(receipt, kind_of_file)
    if errors:
        raise ValidationError(errors)
    _check_balance(group=group, entry=None, kind=kind, day=date, amount=amount, allow_negative=allow_negative)
    entry = LedgerEntry(
        group=group,
        kind=kind,
        date=date,
        amount=amount,
        counterparty=counterparty,
        description=description,
        action=action,
        recorded_by=_user(by),
    )
    if receipt:
        entry.receipt = receipt
    entry.full_clean()
    if _user(by) is not None:
        entry._history_user = by
    entry.save()
    return entry


@transaction.atomic
def entry_update(*, entry: LedgerEntry, data: dict, by, allow_negative: bool = False) -> list[str]:
    """Change a ledger entry; returns the names of the fields that changed (none: nothing saved).

    ``data`` may hold any of kind, date, amount, counterparty, description, action and receipt
    (an uploaded file replaces it, ``False`` removes it, ``None`` keeps it). Old receipts are kept:
    the history still points at them."""
    unknown = set(data) - ENTRY_FIELDS
    if unknown:
        raise TypeError(f"Cannot update {', '.join(sorted(unknown))}")
    Group.objects.select_for_update().filter(pk=entry.group_id).first()
    entry = LedgerEntry.objects.select_related("group").get(pk=entry.pk)
    group = entry.group
    kind = data.get("kind", entry.kind)
    day = data.get("date", entry.date)
    action = data.get("action", entry.action)
    errors = _check_entry(group=group, kind=kind, day=day, action=action)
    amount = entry.amount
    if "amount" in data:
        try:
            amount = parse_amount(data["amount"])
        except ValidationError as exc:
            errors["amount"] = exc.messages[0]
    values = {"kind": kind, "date": day, "amount": amount, "action": action}
    for name, message in (
        ("counterparty", "Enter who paid the money in, or who was paid"),
        ("description", "Enter what the money was for"),
    ):
        if name in data:
            values[name] = (data[name] or "").strip()
            if not values[name]:
                errors[name] = message
    receipt = data.get("receipt")
    if receipt:
        try:
            kind_of_file = receipt_check(receipt)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        else:
            receipt.name = _receipt_name(receipt, kind_of_file)
    if errors:
        raise ValidationError(errors)
    changed = [name for name, value in values.items() if getattr(entry, name) != value]
    if receipt or (receipt is False and entry.receipt):
        changed.append("receipt")
    if not changed:
        return []
    if {"kind", "date", "amount"} & set(changed):
        _check_balance(
            group=group, entry=entry, kind=kind, day=day, amount=amount, allow_negative=allow_negative
        )
    for name, value in values.items():
        setattr(entry, name, value)
    if receipt:
        entry.receipt = receipt
    elif receipt is False:
        entry.receipt = ""
    entry.full_clean()
    if _user(by) is not None:
        entry._history_user = by
    entry.save()
    return changed


# --- Reading the ledger ------------------------------------------------------------------


@dataclass
class LedgerRow:
    entry: LedgerEntry
    money_in: Decimal | None
    money_out: Decimal | None
    balance: Decimal

    @property
    def money_in_text(self) -> str:
        return money(self.money_in)

    @property
    def money_out_text(self) -> str:
        return money(self.money_out)

    @property
    def balance_text(self) -> str:
        return money(self.balance)


@dataclass
class Ledger:
    group: Group
    year: FinancialYear | None
    rows: list[LedgerRow]
    opening_balance: Decimal
    total_in: Decimal
    total_out: Decimal

    @property
    def balance(self) -> Decimal:
        """The closing balance: the balance now, or at the end of the year shown."""
        return self.opening_balance + self.total_in - self.total_out

    @property
    def opening_text(self) -> str:
        return money(self.opening_balance)

    @property
    def total_in_text(self) -> str:
        return money(self.total_in)

    @property
    def total_out_text(self) -> str:
        return money(self.total_out)

    @property
    def balance_text(self) -> str:
        return money(self.balance)

    @property
    def is_negative(self) -> bool:
        return self.balance < 0


def _balance_before(group: Group, day: dt.date) -> Decimal:
    totals = dict(
        LedgerEntry.objects.filter(group=group, date__lt=day)
        .order_by()
        .values_list("kind")
        .annotate(total=Sum("amount"))
        .values_list("kind", "total")
    )
    return sum((_signed(kind, total) for kind, total in totals.items()), ZERO)


def ledger(group: Group, year: FinancialYear | None = None) -> Ledger:
    """The group's entries, oldest first, each with the running balance after it; the totals
    in and out and the balance. With ``year``, that financial year's entries, starting from the
    balance brought forward."""
    entries = LedgerEntry.objects.filter(group=group).select_related("action", "recorded_by")
    opening = ZERO
    if year is not None:
        entries = entries.filter(date__range=(year.starts_on, year.ends_on))
        opening = _balance_before(group, year.starts_on)
    balance, total_in, total_out, rows = opening, ZERO, ZERO, []
    for entry in entries.order_by("date", "pk"):
        if entry.is_income:
            balance += entry.amount
            total_in += entry.amount
            rows.append(LedgerRow(entry=entry, money_in=entry.amount, money_out=None, balance=balance))
        else:
            balance -= entry.amount
            total_out += entry.amount
            rows.append(LedgerRow(entry=entry, money_in=None, money_out=entry.amount, balance=balance))
    return Ledger(
        group=group, year=year, rows=rows, opening_balance=opening, total_in=total_in, total_out=total_out
    )


@dataclass(frozen=True)
class ActionMoney:
    budget: Decimal | None
    spent: Decimal

    @property
    def remaining(self) -> Decimal | None:
        """What is left of the budget (negative when overspent); None without a budget."""
        return None if self.budget is None else self.budget - self.spent

    @property
    def budget_text(self) -> str:
        return money(self.budget) if self.budget is not None else "No budget set"

    @property
    def spent_text(self) -> str:
        return money(self.spent)

    @property
    def remaining_text(self) -> str:
        return money(self.remaining) if self.remaining is not None else ""


def action_money(action: Action) -> ActionMoney:
    """An action's budget and what the ledgers record as spent on it."""
    spent = action.ledger_entries.filter(kind=LedgerEntry.Kind.SPENDING).aggregate(total=Sum("amount"))[
        "total"
    ]
    return ActionMoney(budget=action.budget, spent=spent or ZERO)


# --- The statement for the annual open meeting -------------------------------------------


@dataclass
class StatementLine:
    label: str
    amount: Decimal

    @property
    def amount_text(self) -> str:
        return money(self.amount)


@dataclass
class Statement:
    group: Group
    year: FinancialYear
    holder: FundsHolder
    opening_balance: Decimal
    income: list[StatementLine]
    spending: list[StatementLine]
    entry_count: int
    prepared_on: dt.date
    ledger: Ledger = field(repr=False)

    @property
    def total_income(self) -> Decimal:
        return sum((line.amount for line in self.income), ZERO)

    @property
    def total_spending(self) -> Decimal:
        return sum((line.amount for line in self.spending), ZERO)

    @property
    def closing_balance(self) -> Decimal:
        return self.opening_balance + self.total_income - self.total_spending

    @property
    def title(self) -> str:
        return f"{self.group.name}: statement of funds for {self.year.label}"

    @property
    def is_complete(self) -> bool:
        """Whether the year has ended (a statement of a year still running is "so far")."""
        return self.prepared_on > self.year.ends_on

    @property
    def opening_text(self) -> str:
        return money(self.opening_balance)

    @property
    def total_income_text(self) -> str:
        return money(self.total_income)

    @property
    def total_spending_text(self) -> str:
        return money(self.total_spending)

    @property
    def closing_text(self) -> str:
        return money(self.closing_balance)


NO_ACTION = "Not linked to an action"


def _action_label(action: Action) -> str:
    text = action.description.strip().splitlines()[0] if action.description.strip() else "An action"
    if len(text) > 90:
        text = text[:89].rstrip() + "…"
    return f"{action.reference}: {text}" if action.reference else text


def statement(group: Group, year: FinancialYear) -> Statement:
    """Opening balance, income by kind, spending by action and the closing balance for one
    financial year."""
    book = ledger(group, year)
    income_totals: dict[str, Decimal] = {}
    spending_totals: dict[int | None, Decimal] = {}
    actions: dict[int, Action] = {}
    for row in book.rows:
        entry = row.entry
        if entry.is_income:
            income_totals[entry.kind] = income_totals.get(entry.kind, ZERO) + entry.amount
        else:
            spending_totals[entry.action_id] = spending_totals.get(entry.action_id, ZERO) + entry.amount
            if entry.action_id:
                actions[entry.action_id] = entry.action
    kind_labels = dict(LedgerEntry.Kind.choices)
    income = [
        StatementLine(label=kind_labels[kind], amount=income_totals[kind])
        for kind in LedgerEntry.INCOME
        if kind in income_totals
    ]
    spending = sorted(
        (
            StatementLine(label=_action_label(actions[pk]), amount=total)
            for pk, total in spending_totals.items()
            if pk is not None
        ),
        key=lambda line: (-line.amount, line.label),
    )
    if None in spending_totals:
        spending.append(StatementLine(label=NO_ACTION, amount=spending_totals[None]))
    return Statement(
        group=group,
        year=year,
        holder=funds_holder(group, public=True),
        opening_balance=book.opening_balance,
        income=income,
        spending=spending,
        entry_count=len(book.rows),
        prepared_on=timezone.localdate(),
        ledger=book,
    )


def statement_filename(statement: Statement, extension: str) -> str:
    """ "oakfield-local-action-group-funds-2025-26.pdf"."""
    year = statement.year.label.replace("/", "-")
    return f"{statement.group.slug}-funds-{year}.{extension}"


def statement_html(statement: Statement) -> str:
    from django.template.loader import render_to_string

    return render_to_string("actionplans/statement_pdf.html", {"statement": statement})


def statement_pdf(statement: Statement) -> bytes:
    """A4, tagged (PDF/UA-1), British English, in the style of the meeting packs."""
    import weasyprint  # slow to import: only when a PDF is wanted
    from django.conf import settings

    document = weasyprint.HTML(string=statement_html(statement), base_url=settings.SITE_URL).render(
        pdf_tags=True
    )
    return document.write_pdf(pdf_variant="pdf/ua-1")


def statement_xlsx(statement: Statement) -> bytes:
    """The statement as a workbook: "Statement" (the summary) and "Entries" (every entry of the
    year with its running balance). Amounts are numbers in pounds, formatted as £."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    pounds = '"£"#,##0.00;-"£"#,##0.00'
    bold = Font(bold=True)
    book = Workbook()
    book.properties.title = statement.title
    book.properties.creator = "Tandem"
    book.properties.language = "en-GB"
    sheet = book.active
    sheet.title = "Statement"
    sheet.append([statement.title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([f"Financial year {statement.year.long_label}"])
    sheet.append([statement.holder.text])
    sheet.append([f"Prepared on {date_text(statement.prepared_on)}"])
    sheet.append([])

    def line(label: str, amount: Decimal, *, strong: bool = False) -> None:
        sheet.append([label, amount])
        sheet.cell(row=sheet.max_row, column=2).number_format = pounds
        if strong:
            sheet.cell(row=sheet.max_row, column=1).font = bold
            sheet.cell(row=sheet.max_row, column=2).font = bold

    line("Opening balance", statement.opening_balance, strong=True)
    sheet.append([])
    sheet.append(["Income"])
    sheet.cell(row=sheet.max_row, column=1).font = bold
    for item in statement.income:
        line(item.label, item.amount)
    line("Total income", statement.total_income, strong=True)
    sheet.append([])
    sheet.append(["Spending"])
    sheet.cell(row=sheet.max_row, column=1).font = bold
    for item in statement.spending:
        line(item.label, item.amount)
    line("Total spending", statement.total_spending, strong=True)
    sheet.append([])
    line("Closing balance", statement.closing_balance, strong=True)
    sheet.column_dimensions["A"].width = 60
    sheet.column_dimensions["B"].width = 16

    entries = book.create_sheet("Entries")
    headings = ["Date", "Kind", "Payer or payee", "What for", "Action", "Money in", "Money out", "Balance"]
    entries.append(headings)
    for cell in entries[1]:
        cell.font = bold
    entries.append(
        [
            statement.year.starts_on,
            "Balance brought forward",
            "",
            "",
            "",
            None,
            None,
            statement.opening_balance,
        ]
    )
    for row in statement.ledger.rows:
        entry = row.entry
        entries.append(
            [
                entry.date,
                entry.get_kind_display(),
                entry.counterparty,
                entry.description,
                _action_label(entry.action) if entry.action_id else "",
                row.money_in,
                row.money_out,
                row.balance,
            ]
        )
    for cells in entries.iter_rows(min_row=2):
        cells[0].number_format = "d mmmm yyyy"
        for cell in cells[5:]:
            cell.number_format = pounds
    for letter, width in zip("ABCDEFGH", (16, 20, 30, 40, 40, 14, 14, 14), strict=True):
        entries.column_dimensions[letter].width = width
    entries.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- The balance over time as a chart ----------------------------------------------------


@dataclass
class ChartTick:
    position: float
    label: str


@dataclass
class BalanceChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    path: str
    zero_y: float
    y_ticks: list[ChartTick]
    x_ticks: list[ChartTick]
    description: str


def _nice_step(span: Decimal) -> Decimal:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about four intervals."""
    raw = span / 4
    magnitude = Decimal(1).scaleb(raw.adjusted())
    for factor in (1, 2, Decimal("2.5"), 5, 10):
        if magnitude * factor >= raw:
            return magnitude * factor
    return magnitude * 10  # pragma: no cover (10 always suffices)


def balance_chart(
    points: list[tuple[dt.date, Decimal]], *, start: dt.date, end: dt.date, opening: Decimal
) -> BalanceChart | None:
    """A step line of the balance from ``start`` (at ``opening``) through the balance at the end
    of each day in ``points`` to ``end``, laid out for a server-rendered SVG. None without points."""
    if not points:
        return None
    width, height, left, right, top, bottom = 680, 260, 86, 16, 14, 36
    end = max(end, points[-1][0], start + dt.timedelta(days=1))
    values = [opening, *(balance for _, balance in points)]
    low, high = min(min(values), ZERO), max(max(values), ZERO)
    if low == high:
        high = low + 100
    step = _nice_step(high - low)
    low = (low / step).to_integral_value(rounding=ROUND_FLOOR) * step
    high = (high / step).to_integral_value(rounding=ROUND_CEILING) * step
    plot_w, plot_h = width - left - right, height - top - bottom
    days = (end - start).days

    def x(day: dt.date) -> float:
        return round(left + plot_w * (day - start).days / days, 1)

    def y(value: Decimal) -> float:
        return round(top + plot_h * float((high - value) / (high - low)), 1)

    commands = [f"M{x(start)},{y(opening)}"]
    for day, balance in points:
        commands.append(f"H{x(day)}")
        commands.append(f"V{y(balance)}")
    commands.append(f"H{x(end)}")
    y_ticks = []
    value = low
    while value <= high:
        y_ticks.append(ChartTick(position=y(value), label=money(value)))
        value += step
    x_ticks = []
    for i in range(5):
        day = start + dt.timedelta(days=round(days * i / 4))
        x_ticks.append(ChartTick(position=x(day), label=f"{day.day} {day:%b %Y}"))
    lowest = min(points, key=lambda point: point[1])
    highest = max(points, key=lambda point: point[1])
    final = points[-1]
    description = (
        f"The balance was {money(opening)} on {date_text(start)} and {money(final[1])} on "
        f"{date_text(final[0])}. Lowest: {money(lowest[1])} on {date_text(lowest[0])}. "
        f"Highest: {money(highest[1])} on {date_text(highest[0])}. "
        "The table below gives every entry with the balance after it."
    )
    return BalanceChart(
        width=width,
        height=height,
        left=left,
        right=width - right,
        top=top,
        bottom=height - bottom,
        path=" ".join(commands),
        zero_y=y(ZERO),
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        description=description,
    )


def ledger_chart(book: Ledger) -> BalanceChart | None:
    """The chart of a ledger: the balance at the end of each day with entries."""
    by_day: dict[dt.date, Decimal] = {}
    for row in book.rows:
        by_day[row.entry.date] = row.balance
    points = sorted(by_day.items())
    if not points:
        return None
    today = timezone.localdate()
    if book.year is not None:
        start, end = book.year.starts_on, min(book.year.ends_on, max(today, points[-1][0]))
    else:
        start, end = points[0][0], max(today, points[-1][0])
    return balance_chart(points, start=start, end=end, opening=book.opening_balance)


# --- History -----------------------------------------------------------------------------


@dataclass
class HistoryChange:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: dt.datetime
    who: str
    action: str
    subject: str
    changes: list[HistoryChange]


HISTORY_FIELDS = ("kind", "date", "amount", "counterparty", "description", "action", "receipt")
HISTORY_LABELS = {
    "kind": "Kind",
    "date": "Date",
    "amount": "Amount",
    "counterparty": "Payer or payee",
    "description": "What for",
    "action": "Action",
    "receipt": "Receipt",
}


def _history_value(name: str, record, actions: dict[int, Action]) -> str:
    if name == "action":
        if record.action_id is None:
            return "None"
        action = actions.get(record.action_id)
        return _action_label(action) if action else f"Action #{record.action_id} (removed)"
    value = getattr(record, name)
    if name == "kind":
        return dict(LedgerEntry.Kind.choices).get(value, value)
    if name == "date":
        return date_text(value)
    if name == "amount":
        return money(value)
    if name == "receipt":
        return Path(value).name if value else "None"
    return value or "None"


def ledger_history(group: Group) -> list[HistoryEntry]:
    """Who changed the group's ledger, what they changed and when, newest first."""
    records = list(
        LedgerEntry.history.filter(group_id=group.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    action_ids = {record.action_id for record in records if record.action_id}
    actions = Action.objects.in_bulk(action_ids)
    kinds = dict(LedgerEntry.Kind.choices)
    previous: dict[int, object] = {}
    entries = []
    for record in records:
        before = previous.get(record.id)
        changes = []
        if record.history_type == "~" and before is not None:
            for name in HISTORY_FIELDS:
                old, new = _history_value(name, before, actions), _history_value(name, record, actions)
                if old != new:
                    changes.append(HistoryChange(field=HISTORY_LABELS[name], old=old, new=new))
        elif record.history_type == "+":
            for name in HISTORY_FIELDS:
                unset = (name == "action" and not record.action_id) or (
                    name == "receipt" and not record.receipt
                )
                if unset:
                    continue
                changes.append(
                    HistoryChange(
                        field=HISTORY_LABELS[name], old="", new=_history_value(name, record, actions)
                    )
                )
        previous[record.id] = record
        user = record.history_user
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=(user.name or user.email) if user else "The system",
                action={"+": "Recorded", "~": "Changed", "-": "Deleted"}.get(record.history_type, "Changed"),
                subject=(
                    f"{kinds.get(record.kind, record.kind)} of {money(record.amount)} "
                    f"on {date_text(record.date)}"
                ),
                changes=changes,
            )
        )
    entries.reverse()
    return [entry for entry in entries if entry.action != "Changed" or entry.changes]
