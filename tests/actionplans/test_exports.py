"""A group's action plan downloaded as .xlsx, .docx and CSV: the seed's columns first, and only
what the viewer may see."""

import csv
import datetime as dt
import io

import docx
import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.actionplans import exports, services
from tandem.actionplans.models import ActionUpdate
from tests.factories import make_organisation

SEED_COLUMNS = [
    "Issue to be resolved",
    "Action to be carried out",
    "Who is to lead",
    "Date for completion",
    "Evaluation: did it work?",
]


def _url(cast, kind: str, group=None, **params) -> str:
    url = reverse(f"actionplans:group-actions-{kind}", kwargs={"slug": (group or cast.group).slug})
    if params:
        url += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    return url


def _sheet(response):
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    return workbook.active


def _rows(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def plan(cast, strategy, make_action):
    """Three actions of cast.group: a public one in progress with public and internal notes, a done
    one with its evaluation, and a private one."""
    today = timezone.localdate()
    council = make_organisation(name="Castleford Borough Council")
    patrols = make_action(
        "Extra patrols on Mill Lane at dusk",
        issue="Motorbikes racing on Mill Lane",
        start_on=today - dt.timedelta(days=10),
        due_on=today + dt.timedelta(days=20),
        status="on_track",
        strategic_priority=strategy.priorities.get(slug="anti-social-behaviour"),
        supporting_organisations=[council],
        reference="ASB-1",
    )
    ActionUpdate.objects.create(
        action=patrols,
        text="Two evening patrols done",
        created_at=timezone.now() - dt.timedelta(days=3),
    )
    ActionUpdate.objects.create(
        action=patrols, text="Informant named the riders", is_internal=True, created_at=timezone.now()
    )
    lighting = make_action(
        "Ask the council to mend the lights in the underpass",
        issue="Dark underpass",
        lead=None,
        lead_organisation=cast.police,
        due_on=today - dt.timedelta(days=5),
    )
    services.action_complete(
        action=lighting,
        worked="yes",
        evidence="No reports of robbery since.",
        learning="Ask sooner",
        by=cast.officer,
    )
    secret = make_action("Visit the family at number 12", issue="Nuisance neighbours", is_public=False)
    return {"patrols": patrols, "lighting": lighting, "secret": secret}


def test_the_spreadsheet_has_the_seeds_columns_first_and_a_bold_frozen_header(client, cast, plan):
    client.force_login(cast.member)
    response = client.get(_url(cast, "xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX
    today = timezone.localdate()
    assert response["Content-Disposition"] == (
        f'attachment; filename="oakfield-local-action-group-action-plan-{today:%Y-%m-%d}.xlsx"'
    )
    sheet = _sheet(response)
    header = [cell.value for cell in sheet[1]]
    assert header[:5] == SEED_COLUMNS
    assert header == exports.HEADINGS
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width >= 40


def test_the_spreadsheet_has_every_action_a_member_may_see_with_real_dates(client, cast, plan):
    client.force_login(cast.member)
    rows = _rows(_sheet(client.get(_url(cast, "xlsx"))))
    by_action = {row[1]: dict(zip(exports.HEADINGS, row, strict=True)) for row in rows[1:]}
    assert set(by_action) == {
        "Extra patrols on Mill Lane at dusk",
        "Ask the council to mend the lights in the underpass",
        "Visit the family at number 12",
    }
    patrols = by_action["Extra patrols on Mill Lane at dusk"]
    assert patrols["Issue to be resolved"] == "Motorbikes racing on Mill Lane"
    assert patrols["Who is to lead"] == "PC Paula Beat, Castleford Police"
    assert isinstance(patrols["Date for completion"], dt.datetime)
    assert patrols["Date for completion"].date() == plan["patrols"].due_on
    assert patrols["Start date"].date() == plan["patrols"].start_on
    assert patrols["Status"] == "On track"
    assert patrols["Supporting organisations"] == "Castleford Borough Council"
    assert patrols["Strategic priority"] == "Anti-social behaviour"
    assert patrols["Reference"] == "ASB-1"
    # Members see the latest note, internal or not.
    assert patrols["Latest progress"].endswith(": Informant named the riders")
    lighting = by_action["Ask the council to mend the lights in the underpass"]
    assert lighting["Who is to lead"] == "Castleford Police"
    assert lighting["Status"] == "Done"
    assert lighting["Evaluation: did it work?"] == "Yes: No reports of robbery since. Learning: Ask sooner"


def test_the_public_gets_public_actions_public_notes_and_names_only_with_agreement(client, cast, plan):
    rows = _rows(_sheet(client.get(_url(cast, "xlsx"))))
    actions = [row[1] for row in rows[1:]]
    assert "Visit the family at number 12" not in actions
    patrols = dict(
        zip(exports.HEADINGS, rows[1 + actions.index("Extra patrols on Mill Lane at dusk")], strict=True)
    )
    assert "Informant" not in patrols["Latest progress"]
    assert patrols["Latest progress"].endswith(": Two evening patrols done")
    # PC Paula Beat has not agreed to be named publicly: her organisation stands for her.
    assert patrols["Who is to lead"] == "Castleford Police"


def test_a_lead_who_agreed_is_named_to_the_public(client, cast, plan):
    person = cast.police_rep.person
    person.show_name_publicly = True
    person.save(update_fields=["show_name_publicly"])
    rows = _rows(_sheet(client.get(_url(cast, "xlsx"))))
    assert "PC Paula Beat, Castleford Police" in [row[2] for row in rows]


def test_overdue_is_worked_out_not_stored(client, cast, make_action):
    late = make_action("Write to the landlord", due_on=timezone.localdate() - dt.timedelta(days=1))
    rows = _rows(_sheet(client.get(_url(cast, "xlsx"))))
    assert rows[1][5] == "Overdue"
    late.refresh_from_db()
    assert late.status == "not_started"


def test_text_that_looks_like_a_formula_stays_text(client, cast, make_action):
    make_action('=HYPERLINK("http://example.com")', issue="+44 scam calls")
    client.force_login(cast.member)
    sheet = _sheet(client.get(_url(cast, "xlsx")))
    assert sheet["B2"].data_type == "s"
    assert sheet["B2"].value == '=HYPERLINK("http://example.com")'
    rows = _csv_rows(client.get(_url(cast, "csv")))
    assert rows[1][0] == "'+44 scam calls"
    assert rows[1][1] == '\'=HYPERLINK("http://example.com")'


def test_the_csv_is_utf8_with_a_byte_order_mark_and_uk_dates(client, cast, plan):
    client.force_login(cast.member)
    response = client.get(_url(cast, "csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate()
    assert response["Content-Disposition"] == (
        f'attachment; filename="oakfield-local-action-group-action-plan-{today:%Y-%m-%d}.csv"'
    )
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = _csv_rows(response)
    assert rows[0] == exports.HEADINGS
    patrols = next(row for row in rows if row[1] == "Extra patrols on Mill Lane at dusk")
    assert patrols[3] == f"{plan['patrols'].due_on:%d/%m/%Y}"
    assert len(rows) == 4


def test_the_word_document_is_landscape_with_the_group_and_date_and_one_table(client, cast, plan):
    client.force_login(cast.member)
    response = client.get(_url(cast, "docx"))
    assert response.status_code == 200
    assert response["Content-Type"] == exports.DOCX
    assert response["Content-Disposition"].endswith('.docx"')
    document = docx.Document(io.BytesIO(response.content))
    section = document.sections[0]
    assert section.page_width > section.page_height
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "Oakfield Local Action Group: action plan" in text
    assert exports.date_text(timezone.localdate()) in text
    [table] = document.tables
    assert [cell.text for cell in table.rows[0].cells] == exports.HEADINGS
    body = [[cell.text for cell in row.cells] for row in table.rows[1:]]
    patrols = next(row for row in body if row[1] == "Extra patrols on Mill Lane at dusk")
    assert patrols[3] == exports.date_text(plan["patrols"].due_on)
    assert patrols[2] == "PC Paula Beat, Castleford Police"
    assert document.core_properties.language == "en-GB"


def test_the_public_word_document_leaves_out_private_actions(client, cast, plan):
    document = docx.Document(io.BytesIO(client.get(_url(cast, "docx")).content))
    text = " ".join(cell.text for row in document.tables[0].rows for cell in row.cells)
    assert "Extra patrols" in text
    assert "Visit the family" not in text


def test_downloads_filter_like_the_plan_page(client, cast, plan, strategy):
    client.force_login(cast.member)
    rows = _csv_rows(client.get(_url(cast, "csv", status="done")))
    assert [row[1] for row in rows[1:]] == ["Ask the council to mend the lights in the underpass"]
    priority = strategy.priorities.get(slug="anti-social-behaviour")
    rows = _csv_rows(client.get(_url(cast, "csv", priority=priority.pk)))
    assert [row[1] for row in rows[1:]] == ["Extra patrols on Mill Lane at dusk"]
    rows = _csv_rows(client.get(_url(cast, "csv", strategic_priority="anti-social-behaviour")))
    assert [row[1] for row in rows[1:]] == ["Extra patrols on Mill Lane at dusk"]


def test_overdue_is_a_filter_and_an_on_track_filter_leaves_it_out(client, cast, make_action):
    make_action("Late one", due_on=timezone.localdate() - dt.timedelta(days=1), status="on_track")
    make_action("Fine one", due_on=timezone.localdate() + dt.timedelta(days=1), status="on_track")
    assert [row[1] for row in _csv_rows(client.get(_url(cast, "csv", status="overdue")))[1:]] == ["Late one"]
    assert [row[1] for row in _csv_rows(client.get(_url(cast, "csv", status="on_track")))[1:]] == ["Fine one"]


@pytest.mark.parametrize("params", [{"status": "finished"}, {"priority": "999999"}, {"priority": "nope"}])
def test_a_bad_filter_is_a_400_with_a_message(client, cast, plan, params):
    response = client.get(_url(cast, "xlsx", **params))
    assert response.status_code == 400
    assert response.content.decode()


def test_a_private_groups_plan_is_not_found_by_outsiders(client, cast):
    for user in (None, cast.outsider, cast.member):
        client.logout()
        if user:
            client.force_login(user)
        for kind in ("xlsx", "docx", "csv"):
            assert client.get(_url(cast, kind, group=cast.private_group)).status_code == 404
    client.force_login(cast.officer)
    assert client.get(_url(cast, "xlsx", group=cast.private_group)).status_code == 200


def test_an_empty_plan_still_downloads(client, cast):
    sheet = _sheet(client.get(_url(cast, "xlsx")))
    assert _rows(sheet) == [exports.HEADINGS]
    document = docx.Document(io.BytesIO(client.get(_url(cast, "docx")).content))
    assert "There are no actions in this plan." in [p.text for p in document.paragraphs]
    assert _csv_rows(client.get(_url(cast, "csv"))) == [exports.HEADINGS]


def test_downloads_take_the_same_number_of_queries_however_many_actions(
    client, cast, make_action, django_assert_max_num_queries
):
    client.force_login(cast.member)
    make_action("One")
    with django_assert_max_num_queries(20) as few:
        client.get(_url(cast, "xlsx"))
    for n in range(6):
        action = make_action(f"More {n}", supporting_organisations=[cast.police])
        ActionUpdate.objects.create(action=action, text="Progress")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(_url(cast, "xlsx"))
