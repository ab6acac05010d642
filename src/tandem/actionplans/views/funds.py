"""A group's funds: the ledger with its running balance and chart, recording and changing
entries, receipts, and the statement for the annual open meeting (PDF and .xlsx).

Everything is for the group's insiders (its members, officers and administrators; 404 for
everyone else). Only keepers — the treasurer, a member representing the accountable body,
and administrators — change the ledger (403 for other insiders). See ``access.py``.
"""

from django.contrib import messages
from django.core.exceptions import BadRequest, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from tandem.actionplans import funds
from tandem.actionplans.access import access_group_funds_for_user, access_ledger_entry_for_user
from tandem.actionplans.fund_forms import EntryForm, YearForm
from tandem.partnership.access import viewer_for
from tandem.partnership.models import Group
from tandem.partnership.views import _apply_errors, _data

FORM_METHODS = require_http_methods(["GET", "HEAD", "POST"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _funds_url(group: Group, year: funds.FinancialYear | None = None) -> str:
    url = reverse("actionplans:group-funds", kwargs={"slug": group.slug})
    return f"{url}?year={year.start}" if year is not None else url


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def group_funds(request: HttpRequest, slug: str) -> HttpResponse:
    """Members of the group: its ledger (every entry with the balance after it, totals in and out,
    the balance and a chart of it over time), for one financial year or all of them; who holds the
    funds; and for keepers, the history of every change."""
    group, keeper = access_group_funds_for_user(request.user, slug)
    years = funds.financial_years(group)
    form = YearForm(request.GET or None, years=years)
    year = form.financial_year()
    book = funds.ledger(group, year)
    statement_year = year or funds.FinancialYear.current()
    return render(
        request,
        "actionplans/funds_ledger.html",
        {
            "group": group,
            "keeper": keeper,
            "is_officer": viewer_for(request.user).is_officer,
            "holder": funds.funds_holder(group),
            "form": form,
            "year": year,
            "year_running": year is not None and timezone.localdate() <= year.ends_on,
            "ledger": book,
            "chart": funds.ledger_chart(book),
            "statement_year": statement_year,
            "statement_query": f"?year={statement_year.start}",
            "history": funds.ledger_history(group) if keeper else None,
        },
        status=400 if form.errors else 200,
    )


def _entry_page(request: HttpRequest, context: dict, *, status: int = 200) -> HttpResponse:
    return render(request, "actionplans/entry_form.html", context, status=status)


def _files(request: HttpRequest):
    return request.FILES if request.method == "POST" else None


@FORM_METHODS
def entry_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Keepers of the group's funds: record money in or out."""
    group, _ = access_group_funds_for_user(request.user, slug, write=True)
    form = EntryForm(_data(request), _files(request), group=group)
    if request.method == "POST" and form.is_valid():
        try:
            entry = funds.entry_record(
                group=group,
                **form.service_data(),
                by=request.user,
                allow_negative=form.cleaned_data["allow_negative"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request, f"{entry.get_kind_display()} of {funds.money(entry.amount)} has been recorded."
            )
            return redirect(_funds_url(group, funds.FinancialYear.of(entry.date)))
    return _entry_page(
        request,
        {
            "form": form,
            "group": group,
            "title": "Record money in or out",
            "balance": funds.ledger(group).balance_text,
            "cancel_url": _funds_url(group),
        },
        status=400 if form.errors else 200,
    )


@FORM_METHODS
def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Keepers of the group's funds: correct an entry (the previous version is kept in the history)."""
    entry, _ = access_ledger_entry_for_user(request.user, pk, write=True)
    group = entry.group
    initial = {
        "kind": entry.kind,
        "date": entry.date,
        "amount": f"{entry.amount:,.2f}",
        "counterparty": entry.counterparty,
        "description": entry.description,
        "action": entry.action_id,
    }
    form = EntryForm(_data(request), _files(request), group=group, entry=entry, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            changed = funds.entry_update(
                entry=entry,
                data=form.service_data(),
                by=request.user,
                allow_negative=form.cleaned_data["allow_negative"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            if changed:
                messages.success(
                    request, "The entry has been changed. The previous version is kept in the history."
                )
            else:
                messages.info(request, "Nothing was changed.")
            return redirect(_funds_url(group, funds.FinancialYear.of(form.cleaned_data["date"])))
    return _entry_page(
        request,
        {
            "form": form,
            "group": group,
            "entry": entry,
            "title": "Change an entry",
            "balance": funds.ledger(group).balance_text,
            "cancel_url": _funds_url(group, funds.FinancialYear.of(entry.date)),
        },
        status=400 if form.errors else 200,
    )


@require_safe
def entry_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """Members of the group: download an entry's receipt."""
    entry, _ = access_ledger_entry_for_user(request.user, pk)
    if not entry.receipt:
        raise Http404("This entry has no receipt")
    try:
        content_type, extension = funds.receipt_content_type(entry)
        handle = entry.receipt.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404("The receipt's file is missing") from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{entry.group.slug}-receipt-{entry.date:%Y-%m-%d}-{entry.pk}.{extension}",
        content_type=content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _statement(request: HttpRequest, slug: str) -> funds.Statement:
    group, _ = access_group_funds_for_user(request.user, slug)
    value = request.GET.get("year", "")
    if not value:
        year = funds.FinancialYear.current()
    elif value.isdigit() and len(value) == 4 and 1900 <= int(value) <= funds.FinancialYear.current().start:
        year = funds.FinancialYear(int(value))
    else:
        raise BadRequest("Choose a financial year by the year it starts in, like 2025 for 2025/26.")
    return funds.statement(group, year)


@require_safe
def statement_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    """Members of the group: the statement of its funds for a financial year (``?year=2025`` for
    2025/26; this year by default), as a PDF for the annual open meeting."""
    statement = _statement(request, slug)
    return _download(
        funds.statement_pdf(statement), "application/pdf", funds.statement_filename(statement, "pdf")
    )


@require_safe
def statement_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    """Members of the group: the statement of its funds for a financial year as a spreadsheet,
    with every entry of the year on a second sheet."""
    statement = _statement(request, slug)
    return _download(funds.statement_xlsx(statement), XLSX, funds.statement_filename(statement, "xlsx"))
