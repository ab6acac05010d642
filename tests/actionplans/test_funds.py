"""A group's funds: money parsing, the ledger and its balance, receipts, the annual statement
(PDF and .xlsx), who may see and change it, and what an action has spent."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
import weasyprint
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tandem.actionplans import funds
from tandem.actionplans.models import LedgerEntry
from tandem.partnership.models import Membership
from tests.factories import make_group, make_membership, make_organisation, make_person, make_user

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
GIF = b"GIF89a" + b"\x00" * 64

KIND = LedgerEntry.Kind


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def treasurer(cast):
    """Tess Treasurer, the treasurer of cast.group, with an account."""
    user = make_user(name="Tess Treasurer", email="tess@example.org")
    person = make_person(name="Tess Treasurer", email="tess@example.org", user=user)
    make_membership(group=cast.group, person=person, role=Membership.Role.TREASURER)
    return user


def record(cast, kind, day, amount, *, by=None, **fields):
    fields.setdefault("counterparty", "Castleford Council" if kind != KIND.SPENDING else "Hall hire")
    fields.setdefault("description", "Community grant" if kind != KIND.SPENDING else "Room for the fun day")
    return funds.entry_record(
        group=cast.group, kind=kind, date=day, amount=amount, by=by or cast.administrator, **fields
    )


def pdf_text(html: str) -> str:
    """The text WeasyPrint lays out on the pages of a document."""
    document = weasyprint.HTML(string=html).render()
    texts = []

    def walk(box):
        if hasattr(box, "text") and isinstance(box.text, str):
            texts.append(box.text)
        for child in getattr(box, "children", []) or []:
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return " ".join(texts)


# --- Money -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("£1,234.50", Decimal("1234.50")),
        ("1234.5", Decimal("1234.50")),
        ("  £12 ", Decimal("12.00")),
        ("0.01", Decimal("0.01")),
        (".5", Decimal("0.50")),
        ("12.300", Decimal("12.30")),
        ("£1,000,000", Decimal("1000000.00")),
        (Decimal("7.5"), Decimal("7.50")),
    ],
)
def test_it_reads_amounts_as_exact_pounds_and_pence(typed, expected):
    amount = funds.parse_amount(typed)

    assert amount == expected
    assert amount.as_tuple().exponent == -2


def test_pennies_add_up_exactly():
    total = funds.parse_amount("0.1") + funds.parse_amount("0.2")

    assert total == Decimal("0.30")
    assert str(total) == "0.30"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12.345", funds.AMOUNT_PLACES_MESSAGE),
        ("0.001", funds.AMOUNT_PLACES_MESSAGE),
        ("-5", funds.AMOUNT_POSITIVE_MESSAGE),
        ("£-5.00", funds.AMOUNT_POSITIVE_MESSAGE),
        ("-£5.00", funds.AMOUNT_POSITIVE_MESSAGE),
        ("(5.00)", funds.AMOUNT_POSITIVE_MESSAGE),
        ("0", funds.AMOUNT_POSITIVE_MESSAGE),
        ("£0.00", funds.AMOUNT_POSITIVE_MESSAGE),
        ("1000000.01", funds.AMOUNT_MAX_MESSAGE),
        ("9" * 60, funds.AMOUNT_MAX_MESSAGE),
        ("twelve pounds", funds.AMOUNT_FORMAT_MESSAGE),
        ("12,34", funds.AMOUNT_FORMAT_MESSAGE),
        ("1e5", funds.AMOUNT_FORMAT_MESSAGE),
        (".", funds.AMOUNT_FORMAT_MESSAGE),
        ("NaN", funds.AMOUNT_FORMAT_MESSAGE),
        (Decimal("NaN"), funds.AMOUNT_FORMAT_MESSAGE),
        ("", "Enter the amount"),
    ],
)
def test_it_refuses_amounts_that_are_not_pounds_and_pence(typed, message):
    with pytest.raises(ValidationError) as refused:
        funds.parse_amount(typed)

    assert refused.value.messages == [message]


def test_money_is_never_a_float():
    with pytest.raises(TypeError):
        funds.parse_amount(0.1)


def test_money_is_shown_in_pounds_with_separators():
    assert funds.money(Decimal("1234.5")) == "£1,234.50"
    assert funds.money(Decimal("-20")) == "-£20.00"


def test_financial_years_run_from_april_to_march():
    year = funds.FinancialYear.of(dt.date(2026, 3, 31))

    assert year == funds.FinancialYear(2025)
    assert funds.FinancialYear.of(dt.date(2025, 4, 1)) == year
    assert year.label == "2025/26"
    assert year.long_label == "1 April 2025 to 31 March 2026"


# --- The ledger --------------------------------------------------------------------------


def test_the_ledger_keeps_a_running_balance_and_totals(cast):
    record(cast, KIND.GRANT, dt.date(2025, 5, 1), "£500.00")
    record(cast, KIND.SPENDING, dt.date(2025, 5, 10), "120.55")
    record(cast, KIND.DONATION, dt.date(2025, 5, 12), "0.10")
    record(cast, KIND.DONATION, dt.date(2025, 5, 12), "0.20")
    # Back-dated: it sorts by date, before the spending.
    record(cast, KIND.OTHER_INCOME, dt.date(2025, 5, 2), "1,000")

    book = funds.ledger(cast.group)

    assert [row.balance for row in book.rows] == [
        Decimal("500.00"),
        Decimal("1500.00"),
        Decimal("1379.45"),
        Decimal("1379.55"),
        Decimal("1379.75"),
    ]
    assert book.total_in == Decimal("1500.30")
    assert book.total_out == Decimal("120.55")
    assert book.balance == Decimal("1379.75")
    assert book.balance_text == "£1,379.75"


def test_a_year_of_the_ledger_starts_from_the_balance_brought_forward(cast):
    record(cast, KIND.GRANT, dt.date(2025, 3, 31), "100")
    record(cast, KIND.SPENDING, dt.date(2025, 4, 1), "30")

    book = funds.ledger(cast.group, funds.FinancialYear(2025))

    assert book.opening_balance == Decimal("100.00")
    assert [row.balance for row in book.rows] == [Decimal("70.00")]
    assert book.balance == Decimal("70.00")


def test_spending_that_takes_the_balance_below_zero_is_refused_unless_understood(cast):
    record(cast, KIND.GRANT, dt.date(2025, 5, 1), "100")

    with pytest.raises(ValidationError) as refused:
        record(cast, KIND.SPENDING, dt.date(2025, 5, 3), "120")

    assert "it would be -£20.00 on 3 May 2025" in refused.value.message_dict["allow_negative"][0]
    assert LedgerEntry.objects.count() == 1

    record(cast, KIND.SPENDING, dt.date(2025, 5, 3), "120", allow_negative=True)

    assert funds.ledger(cast.group).balance == Decimal("-20.00")


def test_back_dated_spending_before_the_money_came_in_is_refused(cast):
    record(cast, KIND.GRANT, dt.date(2025, 5, 10), "100")

    with pytest.raises(ValidationError) as refused:
        record(cast, KIND.SPENDING, dt.date(2025, 5, 1), "50")

    assert "-£50.00 on 1 May 2025" in refused.value.message_dict["allow_negative"][0]
    assert LedgerEntry.objects.count() == 1


def test_lowering_income_below_what_was_spent_is_refused(cast):
    grant = record(cast, KIND.GRANT, dt.date(2025, 5, 1), "100")
    record(cast, KIND.SPENDING, dt.date(2025, 5, 3), "80")

    with pytest.raises(ValidationError):
        funds.entry_update(entry=grant, data={"amount": "50"}, by=cast.administrator)

    grant.refresh_from_db()
    assert grant.amount == Decimal("100.00")


def test_a_ledger_already_below_zero_can_still_be_corrected(cast):
    spending = record(cast, KIND.SPENDING, dt.date(2025, 5, 3), "80", allow_negative=True)

    changed = funds.entry_update(
        entry=spending, data={"description": "Hall hire for the fun day"}, by=cast.administrator
    )

    assert changed == ["description"]
    spending.refresh_from_db()
    assert spending.description == "Hall hire for the fun day"


def test_it_refuses_a_future_date_an_action_of_another_group_and_blank_details(cast, make_action):
    other = make_group(partnership=cast.partnership, name="Westfield Local Action Group")
    make_membership(group=other, person=cast.police_rep.person, organisation=cast.police)
    elsewhere = make_action(group=other)

    with pytest.raises(ValidationError) as refused:
        funds.entry_record(
            group=cast.group,
            kind=KIND.GRANT,
            date=timezone.localdate() + dt.timedelta(days=1),
            amount="10",
            counterparty=" ",
            description="",
            action=elsewhere,
            by=cast.administrator,
        )

    errors = refused.value.message_dict
    assert errors["date"] == [funds.FUTURE_MESSAGE]
    assert errors["action"] == ["Choose an action of this group's plan"]
    assert "counterparty" in errors and "description" in errors
    assert not LedgerEntry.objects.exists()


def test_every_change_is_kept_in_history_with_who_made_it(cast, treasurer):
    entry = record(cast, KIND.GRANT, dt.date(2025, 5, 1), "100", by=treasurer)

    funds.entry_update(entry=entry, data={"amount": "£150"}, by=cast.administrator)

    history = funds.ledger_history(cast.group)
    assert [(item.who, item.action) for item in history] == [
        ("Ada Administrator", "Changed"),
        ("Tess Treasurer", "Recorded"),
    ]
    assert [(c.field, c.old, c.new) for c in history[0].changes] == [("Amount", "£100.00", "£150.00")]


def test_an_action_shows_its_budget_and_what_was_spent_on_it(cast, make_action):
    action = make_action(budget=Decimal("250.00"))
    record(cast, KIND.GRANT, dt.date(2025, 5, 1), "1000")
    record(cast, KIND.SPENDING, dt.date(2025, 5, 2), "99.99", action=action)
    record(cast, KIND.SPENDING, dt.date(2025, 5, 3), "0.01", action=action)
    record(cast, KIND.SPENDING, dt.date(2025, 5, 4), "500")  # not for this action
    record(cast, KIND.DONATION, dt.date(2025, 5, 5), "20", action=action)  # money in, not spent

    money = funds.action_money(action)

    assert money.budget == Decimal("250.00")
    assert money.spent == Decimal("100.00")
    assert money.remaining_text == "£150.00"


# --- Receipts ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("till receipt.pdf", PDF, "application/pdf"),
        ("photo.jpeg", JPEG, "image/jpeg"),
        ("scan.png", PNG, "image/png"),
        ("misnamed.txt", PNG, "image/png"),  # the first bytes decide, not the name
    ],
)
def test_receipts_are_pdf_jpeg_or_png_by_their_content(client, cast, name, content, content_type):
    record(cast, KIND.GRANT, dt.date(2025, 5, 1), "100")
    entry = record(cast, KIND.SPENDING, dt.date(2025, 5, 2), "10", receipt=SimpleUploadedFile(name, content))
    client.force_login(cast.member)

    response = client.get(reverse("actionplans:entry-receipt", kwargs={"pk": entry.pk}))

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == content


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("receipt.gif", GIF), funds.RECEIPT_TYPE_MESSAGE),
        (SimpleUploadedFile("receipt.pdf", b"MZ\x90\x00 not a pdf"), funds.RECEIPT_TYPE_MESSAGE),
        (SimpleUploadedFile("receipt.pdf", b""), funds.RECEIPT_EMPTY_MESSAGE),
        (
            SimpleUploadedFile("huge.pdf", PDF + b"0" * (5 * 1024 * 1024)),
            funds.RECEIPT_SIZE_MESSAGE,
        ),
    ],
)
def test_other_receipts_are_refused(cast, upload, message):
    with pytest.raises(ValidationError) as refused:
        record(cast, KIND.GRANT, dt.date(2025, 5, 1), "100", receipt=upload)

    assert refused.value.message_dict["receipt"] == [message]
    assert not LedgerEntry.objects.exists()


def test_the_form_refuses_a_receipt_of_the_wrong_type_with_a_message(client, cast, treasurer):
    client.force_login(treasurer)
    data = {
        "kind": KIND.DONATION,
        "date_0": "1",
        "date_1": "5",
        "date_2": "2025",
        "amount": "25",
        "counterparty": "Oakfield WI",
        "description": "Cake sale",
        "receipt": SimpleUploadedFile("receipt.gif", GIF),
    }

    response = client.post(reverse("actionplans:entry-create", kwargs={"slug": cast.group.slug}), data)

    assert response.status_code == 400
    assert funds.RECEIPT_TYPE_MESSAGE in response.content.decode()
    assert not LedgerEntry.objects.exists()


# --- The statement for the annual open meeting ------------------------------------------


@pytest.fixture
def year_of_entries(cast, make_action):
    """2025/26 with £200 brought forward: £1,000 grant, £150.50 and £0.25 + £0.05 donations in;
    £300 + £99.99 on the fun day, £50 on leaflets and £25 on nothing in particular out.
    One entry before the year and one after it."""
    fun_day = make_action("Summer fun day for young people", reference="A1")
    leaflets = make_action("Leaflet drop about scams")
    record(cast, KIND.GRANT, dt.date(2025, 3, 31), "200")  # the year before
    record(cast, KIND.GRANT, dt.date(2025, 4, 1), "1000")
    record(cast, KIND.DONATION, dt.date(2025, 6, 1), "150.50")
    record(cast, KIND.DONATION, dt.date(2025, 6, 2), "0.25")
    record(cast, KIND.DONATION, dt.date(2025, 6, 3), "0.05")
    record(cast, KIND.SPENDING, dt.date(2025, 7, 1), "300", action=fun_day)
    record(cast, KIND.SPENDING, dt.date(2025, 7, 2), "99.99", action=fun_day)
    record(cast, KIND.SPENDING, dt.date(2025, 8, 1), "50", action=leaflets)
    record(cast, KIND.SPENDING, dt.date(2026, 3, 31), "25")
    record(cast, KIND.GRANT, dt.date(2026, 4, 1), "5000")  # the year after
    return fun_day, leaflets


def test_the_statement_totals_a_financial_year(cast, year_of_entries):
    statement = funds.statement(cast.group, funds.FinancialYear(2025))

    assert statement.opening_balance == Decimal("200.00")
    assert [(line.label, line.amount) for line in statement.income] == [
        ("Grant received", Decimal("1000.00")),
        ("Donation received", Decimal("150.80")),
    ]
    assert [(line.label, line.amount) for line in statement.spending] == [
        ("A1: Summer fun day for young people", Decimal("399.99")),
        ("Leaflet drop about scams", Decimal("50.00")),
        (funds.NO_ACTION, Decimal("25.00")),
    ]
    assert statement.total_income == Decimal("1150.80")
    assert statement.total_spending == Decimal("474.99")
    assert statement.closing_balance == Decimal("875.81")
    assert statement.entry_count == 8


def test_the_statement_pdf_shows_the_totals(client, cast, year_of_entries):
    statement = funds.statement(cast.group, funds.FinancialYear(2025))
    client.force_login(cast.member)

    text = pdf_text(funds.statement_html(statement))
    response = client.get(
        reverse("actionplans:statement-pdf", kwargs={"slug": cast.group.slug}), {"year": "2025"}
    )

    for figure in ("£200.00", "£1,150.80", "£474.99", "£875.81", "£399.99", "£150.80"):
        assert figure in text
    assert "Statement of funds: 2025/26" in text
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == (
        'attachment; filename="oakfield-local-action-group-funds-2025-26.pdf"'
    )


def test_the_statement_spreadsheet_has_the_totals_and_every_entry(client, cast, year_of_entries):
    client.force_login(cast.member)

    response = client.get(
        reverse("actionplans:statement-xlsx", kwargs={"slug": cast.group.slug}), {"year": "2025"}
    )

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(
        'filename="oakfield-local-action-group-funds-2025-26.xlsx"'
    )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    summary = {row[0]: row[1] for row in book["Statement"].iter_rows(values_only=True) if row and row[0]}
    assert Decimal(str(summary["Opening balance"])) == Decimal("200.00")
    assert Decimal(str(summary["Total income"])) == Decimal("1150.80")
    assert Decimal(str(summary["Total spending"])) == Decimal("474.99")
    assert Decimal(str(summary["Closing balance"])) == Decimal("875.81")
    entries = list(book["Entries"].iter_rows(min_row=3, values_only=True))
    assert len(entries) == 8
    assert Decimal(str(entries[-1][7])) == Decimal("875.81")


def test_a_statement_for_a_year_that_is_not_a_year_is_a_bad_request(client, cast):
    client.force_login(cast.member)

    response = client.get(
        reverse("actionplans:statement-pdf", kwargs={"slug": cast.group.slug}), {"year": "twenty"}
    )

    assert response.status_code == 400


# --- The ledger page and who may see and change it ---------------------------------------


def _get(client, user, url):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url)


def test_only_the_groups_insiders_see_its_funds(client, cast):
    record(cast, KIND.GRANT, dt.date(2025, 5, 1), "321.09")
    url = reverse("actionplans:group-funds", kwargs={"slug": cast.group.slug})
    expected = {"public": 404, "outsider": 404, "member": 200, "officer": 200, "administrator": 200}

    statuses = {role: _get(client, user, url).status_code for role, user in cast.users().items()}

    assert statuses == expected
    page = _get(client, cast.member, url).content.decode()
    assert "£321.09" in page
    assert "Record money in or out" not in page
    assert 'id="history"' not in page


def test_only_keepers_may_record_or_change_entries(client, cast):
    entry = record(cast, KIND.GRANT, dt.date(2025, 5, 1), "100")
    create = reverse("actionplans:entry-create", kwargs={"slug": cast.group.slug})
    edit = reverse("actionplans:entry-edit", kwargs={"pk": entry.pk})
    expected = {"public": 404, "outsider": 404, "member": 403, "officer": 403, "administrator": 200}

    for url in (create, edit):
        statuses = {role: _get(client, user, url).status_code for role, user in cast.users().items()}
        assert statuses == expected


def _entry_post(**changes):
    data = {
        "kind": KIND.SPENDING,
        "date_0": "2",
        "date_1": "5",
        "date_2": "2025",
        "amount": "£40.25",
        "counterparty": "Oakfield Print",
        "description": "Posters for the fun day",
        "action": "",
    }
    data.update(changes)
    return data


def test_an_officer_who_is_not_an_administrator_cannot_record_money(client, cast):
    record(cast, KIND.GRANT, dt.date(2025, 5, 1), "100")
    client.force_login(cast.officer)

    response = client.post(
        reverse("actionplans:entry-create", kwargs={"slug": cast.group.slug}), _entry_post()
    )

    assert response.status_code == 403
    assert LedgerEntry.objects.count() == 1


def test_the_treasurer_records_spending_and_sees_it_on_the_ledger(client, cast, treasurer, make_action):
    action = make_action("Summer fun day")
    record(cast, KIND.GRANT, dt.date(2025, 5, 1), "100")
    client.force_login(treasurer)

    response = client.post(
        reverse("actionplans:entry-create", kwargs={"slug": cast.group.slug}),
        _entry_post(action=str(action.pk), receipt=SimpleUploadedFile("posters.pdf", PDF)),
    )

    assert response.status_code == 302
    entry = LedgerEntry.objects.get(kind=KIND.SPENDING)
    assert (entry.amount, entry.action, entry.recorded_by) == (Decimal("40.25"), action, treasurer)
    assert entry.receipt.name.endswith("posters.pdf")
    page = client.get(response["Location"]).content.decode()
    assert "has been recorded" in page
    assert "£59.75" in page  # the balance after it
    assert 'id="history"' in page and "Tess Treasurer" in page
    assert "Funds are held by its treasurer, Tess Treasurer." in page
    assert "<svg" in page and "<desc" in page


def test_the_form_refuses_spending_below_zero_until_the_box_is_ticked(client, cast, treasurer):
    client.force_login(treasurer)
    url = reverse("actionplans:entry-create", kwargs={"slug": cast.group.slug})

    refused = client.post(url, _entry_post())

    assert refused.status_code == 400
    assert "it would be -£40.25 on 2 May 2025" in refused.content.decode()
    assert not LedgerEntry.objects.exists()

    accepted = client.post(url, _entry_post(allow_negative="on"))

    assert accepted.status_code == 302
    assert funds.ledger(cast.group).balance == Decimal("-40.25")


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("12.345", funds.AMOUNT_PLACES_MESSAGE),
        ("-3", funds.AMOUNT_POSITIVE_MESSAGE),
        ("", "Enter the amount"),
    ],
)
def test_the_form_refuses_a_bad_amount_with_a_message(client, cast, treasurer, amount, message):
    client.force_login(treasurer)

    response = client.post(
        reverse("actionplans:entry-create", kwargs={"slug": cast.group.slug}),
        _entry_post(kind=KIND.GRANT, amount=amount),
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not LedgerEntry.objects.exists()


def test_the_form_refuses_a_date_in_the_future(client, cast, treasurer):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    client.force_login(treasurer)

    response = client.post(
        reverse("actionplans:entry-create", kwargs={"slug": cast.group.slug}),
        _entry_post(kind=KIND.GRANT, date_0=tomorrow.day, date_1=tomorrow.month, date_2=tomorrow.year),
    )

    assert response.status_code == 400
    assert funds.FUTURE_MESSAGE in response.content.decode()


def test_a_member_for_the_accountable_body_corrects_an_entry(client, cast):
    council = make_organisation(name="Oakfield Parish Council")
    cast.group.accountable_body = council
    cast.group.save(update_fields=["accountable_body"])
    clerk = make_user(name="Cleo Clerk")
    make_membership(group=cast.group, person=make_person(name="Cleo Clerk", user=clerk), organisation=council)
    entry = record(cast, KIND.GRANT, dt.date(2025, 5, 1), "100")
    client.force_login(clerk)

    response = client.post(
        reverse("actionplans:entry-edit", kwargs={"pk": entry.pk}),
        _entry_post(kind=KIND.GRANT, amount="1,100", counterparty="Castleford Council"),
    )

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.amount == Decimal("1100.00")
    page = client.get(reverse("actionplans:group-funds", kwargs={"slug": cast.group.slug})).content.decode()
    assert "Funds are held by its accountable body, Oakfield Parish Council." in page
    assert "£100.00 → £1,100.00" in page


def test_the_page_says_when_nobody_holds_the_funds_and_officers_can_fix_it(client, cast):
    url = reverse("actionplans:group-funds", kwargs={"slug": cast.group.slug})
    edit = reverse("partnership:group-edit", kwargs={"slug": cast.group.slug})

    as_officer = _get(client, cast.officer, url).content.decode()
    as_member = _get(client, cast.member, url).content.decode()

    assert "Nobody is recorded as holding its funds." in as_officer
    assert edit in as_officer
    assert "Nobody is recorded as holding its funds." in as_member
    assert edit not in as_member


def test_the_year_filter_shows_one_financial_year(client, cast, year_of_entries):
    client.force_login(cast.member)
    url = reverse("actionplans:group-funds", kwargs={"slug": cast.group.slug})

    page = client.get(url, {"year": "2025"}).content.decode()
    bad = client.get(url, {"year": "1066"})

    assert "Balance brought forward" in page and "£875.81" in page
    assert "£5,000.00" not in page
    assert bad.status_code == 400
    assert "Choose a financial year from the list." in bad.content.decode()


def test_receipts_are_not_for_outsiders(client, cast):
    record(cast, KIND.GRANT, dt.date(2025, 5, 1), "100")
    entry = record(cast, KIND.SPENDING, dt.date(2025, 5, 2), "10", receipt=SimpleUploadedFile("r.pdf", PDF))
    url = reverse("actionplans:entry-receipt", kwargs={"pk": entry.pk})

    statuses = {role: _get(client, user, url).status_code for role, user in cast.users().items()}

    assert statuses == {"public": 404, "outsider": 404, "member": 200, "officer": 200, "administrator": 200}


# --- The chart ---------------------------------------------------------------------------------


def test_the_chart_draws_a_step_line_through_each_days_balance():
    chart = funds.balance_chart(
        [(dt.date(2025, 4, 11), Decimal("100")), (dt.date(2025, 4, 21), Decimal("-50"))],
        start=dt.date(2025, 4, 1),
        end=dt.date(2025, 5, 1),
        opening=Decimal("0"),
    )

    # 30 days over 578 points; £-50 to £100 in steps of £50 over 210 points.
    assert chart.path == "M86.0,154.0 H278.7 V14.0 H471.3 V224.0 H664.0"
    assert [tick.label for tick in chart.y_ticks] == ["-£50.00", "£0.00", "£50.00", "£100.00"]
    assert chart.zero_y == 154.0
    assert "Lowest: -£50.00 on 21 April 2025" in chart.description


def test_the_ledger_page_takes_the_same_queries_however_many_entries(
    client, cast, make_action, django_assert_max_num_queries
):
    action = make_action("Summer fun day")
    url = reverse("actionplans:group-funds", kwargs={"slug": cast.group.slug})
    client.force_login(cast.administrator)
    record(cast, KIND.GRANT, dt.date(2025, 4, 1), "1000")
    record(cast, KIND.SPENDING, dt.date(2025, 4, 2), "1", action=action)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for day in range(3, 28):
        record(cast, KIND.SPENDING, dt.date(2025, 4, day), "1", action=action)
        funds.entry_update(
            entry=LedgerEntry.objects.latest("pk"), data={"description": "Changed"}, by=cast.administrator
        )

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)

    assert response.status_code == 200
    assert response.content.decode().count("For the action:") == 26


def test_a_receipt_can_be_replaced_or_removed_and_the_history_says_so(client, cast, treasurer):
    record(cast, KIND.GRANT, dt.date(2025, 5, 1), "100")
    entry = record(
        cast, KIND.SPENDING, dt.date(2025, 5, 2), "10", receipt=SimpleUploadedFile("first.pdf", PDF)
    )
    client.force_login(treasurer)
    url = reverse("actionplans:entry-edit", kwargs={"pk": entry.pk})
    same = {"amount": "10", "counterparty": "Hall hire", "description": "Room for the fun day"}

    replaced = client.post(url, _entry_post(**same, receipt=SimpleUploadedFile("second.png", PNG)))
    entry.refresh_from_db()
    assert replaced.status_code == 302 and entry.receipt.name.endswith("second.png")

    both = client.post(
        url, _entry_post(**same, receipt=SimpleUploadedFile("third.png", PNG), remove_receipt="on")
    )
    assert both.status_code == 400

    removed = client.post(url, _entry_post(**same, remove_receipt="on"))
    entry.refresh_from_db()
    assert removed.status_code == 302 and not entry.receipt
    changes = [(c.field, c.old, c.new) for item in funds.ledger_history(cast.group)[:2] for c in item.changes]
    assert changes == [("Receipt", "second.png", "None"), ("Receipt", "first.pdf", "second.png")]
