"""Importing an action plan kept in a spreadsheet: the header row found past titles and merged
cells, a preview with bad rows reported by row number, nothing written until confirmed."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tandem.actionplans import imports
from tandem.actionplans.models import Action, ActionImport, ActionUpdate, Reminder
from tests.factories import make_organisation, make_organiser

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(build) -> bytes:
    workbook = openpyxl.Workbook()
    build(workbook.active)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _council_plan(sheet) -> None:
    """An action plan as a parish council keeps it: a merged title, a blank row, a header with a
    heading merged across two columns, blank rows between actions, an issue merged down over two
    actions, a section heading row, and dates both as real dates and as text."""
    sheet["A1"] = "Oakfield Local Action Group – Action Plan 2026/27"
    sheet.merge_cells("A1:G1")
    sheet.append([])
    sheet.append(
        ["Ref", "Issues to be resolved", "Action", None, "Lead", "Target date", "Did it work?", "RAG"]
    )
    sheet.merge_cells("C3:D3")
    # row 4
    sheet.append(
        [
            "1",
            "Motorbikes racing on Mill Lane",
            "Extra patrols at dusk",
            None,
            "PC Paula Beat",
            dt.datetime(2027, 3, 31),  # noqa: DTZ001 - a spreadsheet's date and time has no zone
            "",
            "Green",
        ]
    )
    sheet.append([])  # row 5: blank
    # rows 6 and 7: one issue, two actions (merged down)
    sheet.append(
        [
            "2",
            "Litter and drinking in the park",
            "Ask the council for more bins",
            "(two by the gate)",
            "Castleford Police",
            "31 March 2027",
            "",
            "Amber",
        ]
    )
    sheet.append(["3", None, "Leaflet the houses by the park", None, "Chris Chair", "30/04/27", "", ""])
    sheet.merge_cells("B6:B7")
    # row 8: a section heading across the table
    sheet["A8"] = "Road safety"
    sheet.merge_cells("A8:H8")
    # row 9: done, with an evaluation
    sheet.append(
        [
            "4",
            "Speeding on School Road",
            "Speed watch sessions",
            None,
            "Chris Chair, Castleford Police",
            dt.date(2026, 1, 15),
            "Yes - complaints fell from 12 to 3 a month",
            "Complete",
        ]
    )
    sheet.append([])  # row 10: blank
    # row 11: done, but no word on whether it worked
    sheet.append(
        [
            "5",
            "Parking on the pavement",
            "Letters to the drivers",
            None,
            "castleford police",
            "15-01-26",
            "",
            "Done",
        ]
    )


def _broken_plan(sheet) -> None:
    sheet.append(["Issue", "Action", "Who is to lead", "Date for completion"])
    sheet.append(["Graffiti on the bus shelter", "Report it to the council", "Chris Chair", "31/03/2027"])
    sheet.append(["Speeding", "Speed watch", "Chris Chair", "next spring"])
    sheet.append(["Noise", "Letters", "J Smith", "31/03/2027"])
    sheet.append([])
    sheet.append(["Dog fouling", None, "Chris Chair", "31/31/2027"])


def _upload(client, cast, content: bytes, name: str = "action-plan.xlsx", group=None):
    url = reverse("actionplans:import-upload", kwargs={"slug": (group or cast.group).slug})
    return client.post(url, {"file": SimpleUploadedFile(name, content, XLSX)})


def _preview_url(action_import) -> str:
    return reverse("actionplans:import-preview", kwargs={"pk": action_import.pk})


def _confirm(client, action_import, **data):
    return client.post(_preview_url(action_import), {"step": "confirm", **data})


@pytest.fixture
def organiser(client, cast):
    user = make_organiser(cast)
    client.force_login(user)
    return user


# --- A plan made by another tool ---------------------------------------------------------------


def test_a_council_spreadsheet_is_previewed_without_writing_anything(client, cast, organiser):
    response = _upload(client, cast, _xlsx(_council_plan))
    action_import = ActionImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _preview_url(action_import)
    assert action_import.status == ActionImport.Status.PREVIEW
    assert action_import.header_row == 3
    assert action_import.mapping == {
        "reference": "Ref",
        "issue": "Issues to be resolved",
        "description": "Action",
        "lead": "Lead",
        "due_on": "Target date",
        "evaluation": "Did it work?",
        "status": "RAG",
    }
    assert not Action.objects.exists()

    page = client.get(_preview_url(action_import))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Check the import of action-plan.xlsx" in html
    assert "Import 5 actions" in html
    assert "Row 8: it looks like a section heading (“Road safety”)" in html
    assert "Row 11: marked done with no word on whether it worked" in html
    assert not Action.objects.exists()


def test_a_council_spreadsheet_imports_every_action_correctly(client, cast, organiser):
    _upload(client, cast, _xlsx(_council_plan))
    action_import = ActionImport.objects.get()
    today = timezone.localdate()

    response = _confirm(client, action_import, is_public="on")

    assert response.status_code == 302
    actions = {a.reference: a for a in Action.objects.filter(group=cast.group)}
    assert set(actions) == {"1", "2", "3", "4", "5"}
    patrols = actions["1"]
    assert patrols.issue == "Motorbikes racing on Mill Lane"
    assert patrols.description == "Extra patrols at dusk"
    assert patrols.lead == cast.police_rep.person
    assert patrols.lead_organisation == cast.police  # the organisation she represents in the group
    assert patrols.due_on == dt.date(2027, 3, 31)
    assert patrols.status == Action.Status.ON_TRACK
    assert patrols.is_public
    assert patrols.imported_from == action_import
    bins = actions["2"]
    # The heading merged across two columns: both cells are the action.
    assert bins.description == "Ask the council for more bins\n(two by the gate)"
    assert bins.lead is None and bins.lead_organisation == cast.police
    assert bins.due_on == dt.date(2027, 3, 31)
    assert bins.status == Action.Status.AT_RISK
    leaflets = actions["3"]
    # The issue merged down over two rows belongs to both actions.
    assert leaflets.issue == "Litter and drinking in the park"
    assert leaflets.lead == cast.chair_person
    assert leaflets.due_on == dt.date(2027, 4, 30)
    assert leaflets.status == Action.Status.NOT_STARTED
    speed = actions["4"]
    assert speed.lead == cast.chair_person and speed.lead_organisation == cast.police
    assert speed.status == Action.Status.DONE
    assert speed.worked == Action.Worked.YES
    assert speed.evaluation_evidence == "complaints fell from 12 to 3 a month"
    assert speed.completed_on == dt.date(2026, 1, 15)
    parking = actions["5"]
    assert parking.lead_organisation == cast.police
    assert parking.status == Action.Status.DONE
    assert parking.worked == ""
    assert parking.evaluate_by == today + dt.timedelta(days=90)
    assert Reminder.objects.filter(action=parking, kind="evaluation", due_on=parking.evaluate_by).exists()

    action_import.refresh_from_db()
    assert action_import.status == ActionImport.Status.IMPORTED
    assert action_import.confirmed_at is not None
    report = client.get(_preview_url(action_import)).content.decode()
    assert "5 actions imported" in report
    assert "Row 11: marked done with no word on whether it worked" in report


def test_imported_actions_are_private_unless_chosen_public(client, cast, organiser):
    _upload(client, cast, _xlsx(_council_plan))
    _confirm(client, ActionImport.objects.get())
    assert not Action.objects.filter(is_public=True).exists()
    assert Action.objects.count() == 5


def test_a_second_header_row_under_merged_headings_is_read(client, cast, organiser):
    def two_rows(sheet):
        sheet.append(["Issue", "Action", "Who is to lead", "Dates", None])
        sheet.append([None, None, None, "Start", "Due"])
        sheet.merge_cells("D1:E1")
        for column in "ABC":
            sheet.merge_cells(f"{column}1:{column}2")
        sheet.append(["Graffiti", "Paint over it", "Chris Chair", "01/02/2027", "28/02/2027"])

    _upload(client, cast, _xlsx(two_rows))
    action_import = ActionImport.objects.get()
    assert action_import.mapping["start_on"] == "Start"
    assert action_import.mapping["due_on"] == "Due"
    _confirm(client, action_import)
    action = Action.objects.get()
    assert (action.start_on, action.due_on) == (dt.date(2027, 2, 1), dt.date(2027, 2, 28))


# --- A broken plan --------------------------------------------------------------------------


def test_a_broken_spreadsheet_is_refused_row_by_row(client, cast, organiser):
    _upload(client, cast, _xlsx(_broken_plan))
    action_import = ActionImport.objects.get()
    html = client.get(_preview_url(action_import)).content.decode()
    assert "Row 3: &#x27;next spring&#x27; in “Date for completion” is not a date" in html
    assert "Row 4: no person or organisation called &#x27;J Smith&#x27; in the partnership" in html
    assert "Row 6: no action to be carried out" in html
    assert "31/31/2027" in html
    assert "Row 5" not in html  # the blank row is skipped silently
    assert "Import 1 action" in html

    response = _confirm(client, action_import)

    assert response.status_code == 302
    assert list(Action.objects.values_list("description", flat=True)) == ["Report it to the council"]
    action_import.refresh_from_db()
    assert [(e["row"], e.get("note", False)) for e in action_import.errors] == [
        (3, False),
        (4, False),
        (6, False),
    ]
    assert (
        action_import.errors[1]["reason"] == "no person or organisation called 'J Smith' in the partnership"
    )


def test_a_file_with_no_good_rows_cannot_be_confirmed(client, cast, organiser):
    def bad(sheet):
        sheet.append(["Issue", "Action", "Lead"])
        sheet.append(["Noise", "Letters", "J Smith"])

    _upload(client, cast, _xlsx(bad))
    action_import = ActionImport.objects.get()
    assert "Import 1 action" not in client.get(_preview_url(action_import)).content.decode()
    response = _confirm(client, action_import)
    assert response.status_code == 400
    assert "None of the rows can be imported" in response.content.decode()
    assert not Action.objects.exists()
    action_import.refresh_from_db()
    assert action_import.status == ActionImport.Status.PREVIEW


def test_unknown_strategic_priorities_and_organisations_are_reported(client, cast, organiser, strategy):
    make_organisation(name="Oakfield Parish Council")

    def plan(sheet):
        sheet.append(["Issue", "Action", "Lead", "Strategic priority", "Partners"])
        sheet.append(["Speeding", "Speed watch", "Chris Chair", "Road safety", "Oakfield Parish Council"])
        sheet.append(["Noise", "Letters", "Chris Chair", "Noise", ""])
        sheet.append(["Graffiti", "Paint", "Chris Chair", "", "Banksy Ltd"])

    _upload(client, cast, _xlsx(plan))
    _confirm(client, ActionImport.objects.get())
    action = Action.objects.get()
    assert action.strategic_priority.title == "Road safety"
    assert [o.name for o in action.supporting_organisations.all()] == ["Oakfield Parish Council"]
    errors = ActionImport.objects.get().errors
    assert errors[0]["row"] == 3 and "no strategic priority called 'Noise'" in errors[0]["reason"]
    assert errors[1]["row"] == 4 and "no organisation called 'Banksy Ltd'" in errors[1]["reason"]


# --- The mapping -------------------------------------------------------------------------------


def _unusual(sheet):
    sheet.append(["Concern raised", "Action", "Person responsible", "Date for completion", "Notes"])
    sheet.append(["Graffiti", "Paint over it", "Chris Chair", "28/02/2027", "Paint bought"])


def test_a_column_tandem_does_not_recognise_can_be_chosen(client, cast, organiser):
    _upload(client, cast, _xlsx(_unusual))
    action_import = ActionImport.objects.get()
    html = client.get(_preview_url(action_import)).content.decode()
    assert "Choose the column that holds “Issue to be resolved”" in html
    assert "Import 1 action" not in html

    response = client.post(
        _preview_url(action_import),
        {
            "step": "map",
            "column_issue": "Concern raised",
            "column_description": "Action",
            "column_lead": "Person responsible",
            "column_due_on": "Date for completion",
            "column_progress": "Notes",
        },
    )

    assert response.status_code == 302
    action_import.refresh_from_db()
    assert action_import.mapping["lead"] == "Person responsible"
    assert not Action.objects.exists()
    assert "Import 1 action" in client.get(_preview_url(action_import)).content.decode()
    _confirm(client, action_import)
    action = Action.objects.get()
    assert action.issue == "Graffiti"
    update = ActionUpdate.objects.get(action=action)
    assert update.text == "Paint bought"
    assert update.is_internal


def test_a_column_chosen_twice_or_a_missing_one_is_a_400(client, cast, organiser):
    _upload(client, cast, _xlsx(_unusual))
    action_import = ActionImport.objects.get()
    before = dict(action_import.mapping)
    response = client.post(
        _preview_url(action_import),
        {"step": "map", "column_issue": "Action", "column_description": "Action", "column_lead": ""},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "The column “Action” is already chosen for “Issue to be resolved”" in html
    assert "Choose the column that holds “Who is to lead”" in html
    response = client.post(_preview_url(action_import), {"step": "map", "column_issue": "No such column"})
    assert response.status_code == 400
    action_import.refresh_from_db()
    assert action_import.mapping == before


def test_an_unknown_step_is_a_400(client, cast, organiser):
    _upload(client, cast, _xlsx(_broken_plan))
    response = client.post(_preview_url(ActionImport.objects.get()), {"step": "explode"})
    assert response.status_code == 400
    assert not Action.objects.exists()


# --- Discard, confirm once, import once ----------------------------------------------------------


def test_a_discarded_upload_writes_nothing_and_cannot_be_confirmed(client, cast, organiser):
    _upload(client, cast, _xlsx(_council_plan))
    action_import = ActionImport.objects.get()
    response = client.post(_preview_url(action_import), {"step": "discard"})
    assert response.status_code == 302
    action_import.refresh_from_db()
    assert action_import.status == ActionImport.Status.DISCARDED
    response = _confirm(client, action_import)
    assert response.status_code == 400
    assert "discarded" in response.content.decode()
    assert not Action.objects.exists()


def test_an_import_is_confirmed_once(client, cast, organiser):
    _upload(client, cast, _xlsx(_council_plan))
    action_import = ActionImport.objects.get()
    _confirm(client, action_import)
    response = _confirm(client, action_import)
    assert response.status_code == 400
    assert "already been imported" in response.content.decode()
    assert Action.objects.count() == 5


def test_the_same_file_is_imported_only_once(client, cast, organiser):
    content = _xlsx(_council_plan)
    _upload(client, cast, content)
    _confirm(client, ActionImport.objects.get())

    response = _upload(client, cast, content, name="copy-of-the-plan.xlsx")

    assert response.status_code == 400
    assert "This file was already imported into the plan on" in response.content.decode()
    assert ActionImport.objects.count() == 1
    assert Action.objects.count() == 5


def test_the_same_file_uploaded_twice_before_confirming_imports_once(client, cast, organiser):
    content = _xlsx(_council_plan)
    _upload(client, cast, content)
    _upload(client, cast, content)
    first, second = ActionImport.objects.order_by("pk")
    _confirm(client, first)
    response = _confirm(client, second)
    assert response.status_code == 400
    assert "already imported" in response.content.decode()
    assert Action.objects.count() == 5


# --- Bad files -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("plan.xlsx", b"PK\x03\x04 this is not really a workbook", "could not be opened as an Excel"),
        ("plan.xlsx", b"just some text", "could not be opened as an Excel"),
        ("plan.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old excel", "older Excel file (.xls)"),
        (
            "plan.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old excel",
            "must be an Excel spreadsheet (.xlsx) or a CSV",
        ),
        ("plan.pdf", b"%PDF-1.7", "must be an Excel spreadsheet (.xlsx) or a CSV"),
        ("plan.csv", b"\x00\x01\x02binary", "is not a CSV file"),
        ("plan.xlsx", b"", "The selected file is empty"),
        ("plan.csv", b"Our action plan\n\nnothing here,at all\n", "No header row found: the first 20 rows"),
        ("plan.csv", b"Issue,Action,Lead\n,,\n", "column headings in row 1 but no actions under them"),
    ],
)
def test_a_bad_file_is_a_400_with_a_message(client, cast, organiser, name, content, message):
    response = _upload(client, cast, content, name=name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ActionImport.objects.exists()


def test_an_upload_without_a_file_is_a_400(client, cast, organiser):
    url = reverse("actionplans:import-upload", kwargs={"slug": cast.group.slug})
    response = client.post(url, {})
    assert response.status_code == 400
    assert "Select a file" in response.content.decode()


def test_a_file_over_5_mb_is_refused(client, cast, organiser):
    content = b"Issue,Action,Lead\n" + b"x" * (5 * 1024 * 1024)
    response = _upload(client, cast, content, name="plan.csv")
    assert response.status_code == 400
    assert "smaller than 5 MB" in response.content.decode()
    assert not ActionImport.objects.exists()


def test_a_headings_only_workbook_is_refused(client, cast, organiser):
    response = _upload(client, cast, _xlsx(lambda sheet: sheet.append(["Issue", "Action", "Lead"])))
    assert response.status_code == 400
    assert "no actions under them" in response.content.decode()


def test_a_windows_csv_with_a_pound_sign_and_semicolons_imports(client, cast, organiser):
    content = (
        "Issue;Action;Who is to lead;Due\r\nScams;Talk at the £1 coffee morning;Chris Chair;31 Mar 2027\r\n"
    ).encode("cp1252")
    response = _upload(client, cast, content, name="plan.csv")
    assert response.status_code == 302
    _confirm(client, ActionImport.objects.get())
    action = Action.objects.get()
    assert action.description == "Talk at the £1 coffee morning"
    assert action.due_on == dt.date(2027, 3, 31)


# --- Who may import --------------------------------------------------------------------------


def test_the_upload_page_is_for_the_plans_editors(client, cast):
    url = reverse("actionplans:import-upload", kwargs={"slug": cast.group.slug})
    assert client.get(url).status_code == 302
    for user, status in (
        (cast.outsider, 403),
        (cast.member, 403),
        (cast.officer, 200),
        (cast.administrator, 200),
    ):
        client.force_login(user)
        assert client.get(url).status_code == status
    client.force_login(make_organiser(cast))
    page = client.get(url)
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.content.decode()


def test_a_plain_member_cannot_upload_or_confirm(client, cast, organiser):
    _upload(client, cast, _xlsx(_council_plan))
    action_import = ActionImport.objects.get()
    client.force_login(cast.member)
    response = _upload(client, cast, _xlsx(_broken_plan))
    assert response.status_code == 403
    assert client.get(_preview_url(action_import)).status_code == 403
    assert _confirm(client, action_import).status_code == 403
    assert ActionImport.objects.count() == 1
    assert not Action.objects.exists()


def test_a_private_groups_import_is_not_found_by_outsiders(client, cast):
    client.force_login(cast.officer)
    response = _upload(client, cast, _xlsx(_broken_plan), group=cast.private_group)
    assert response.status_code == 302
    action_import = ActionImport.objects.get()
    client.force_login(cast.outsider)
    assert client.get(_preview_url(action_import)).status_code == 404
    url = reverse("actionplans:import-upload", kwargs={"slug": cast.private_group.slug})
    assert client.get(url).status_code == 404


# --- The round trip -------------------------------------------------------------------------------


FIELDS = (
    "issue",
    "description",
    "lead_id",
    "lead_organisation_id",
    "due_on",
    "start_on",
    "status",
    "worked",
    "evaluation_evidence",
    "evaluation_learning",
    "strategic_priority_id",
    "reference",
)


@pytest.fixture
def exported_plan(cast, strategy, make_action):
    from tandem.actionplans import services

    today = timezone.localdate()
    council = make_organisation(name="Castleford Borough Council")
    make_action(
        "Extra patrols on Mill Lane at dusk",
        start_on=today,
        due_on=today + dt.timedelta(days=30),
        status="at_risk",
        strategic_priority=strategy.priorities.get(slug="rural-crime"),
        supporting_organisations=[council, cast.police],
        reference="R-7",
    )
    done = make_action(
        "Mend the lights", issue="Dark underpass", lead=cast.chair_person, lead_organisation=None
    )
    services.action_complete(
        action=done, worked="partly", evidence="Fewer reports", learning="Start earlier", by=cast.officer
    )
    later = make_action("Survey the residents", lead=None, lead_organisation=cast.police, due_on=None)
    services.action_complete(
        action=later, worked="", evaluate_by=today + dt.timedelta(days=40), by=cast.officer
    )
    return {a.description: {f: getattr(a, f) for f in FIELDS} for a in Action.objects.all()}


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_an_exported_plan_imports_again_as_it_was(client, cast, organiser, exported_plan, kind):
    # given the plan exported by its chair, and the actions removed from the plan
    url = reverse(f"actionplans:group-actions-{kind}", kwargs={"slug": cast.group.slug})
    content = client.get(url).content
    originals = {
        a.pk: set(a.supporting_organisations.values_list("name", flat=True)) for a in Action.objects.all()
    }
    supporting = {a.description: originals[a.pk] for a in Action.objects.all()}
    Action.objects.all().delete()

    # when the export is imported
    response = _upload(client, cast, content, name=f"export.{kind}")
    assert response.status_code == 302
    action_import = ActionImport.objects.get()
    assert action_import.errors == []
    _confirm(client, action_import)

    # then every action is as it was
    imported = {a.description: a for a in Action.objects.all()}
    assert set(imported) == set(exported_plan)
    for description, expected in exported_plan.items():
        action = imported[description]
        assert {f: getattr(action, f) for f in FIELDS} == expected, description
        assert set(action.supporting_organisations.values_list("name", flat=True)) == supporting[description]
    assert imported["Survey the residents"].evaluate_by == timezone.localdate() + dt.timedelta(days=40)


# --- Reading values ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("31/03/2027", dt.date(2027, 3, 31)),
        ("31-03-27", dt.date(2027, 3, 31)),
        ("31.3.2027", dt.date(2027, 3, 31)),
        ("31 March 2027", dt.date(2027, 3, 31)),
        ("31st Mar 27", dt.date(2027, 3, 31)),
        ("March 2027", dt.date(2027, 3, 31)),
        ("Feb-28", dt.date(2028, 2, 29)),
        ("2027-03-31", dt.date(2027, 3, 31)),
        ("46477", dt.date(2027, 3, 31)),
        ("Ongoing", None),
        ("TBC", None),
        ("", None),
    ],
)
def test_uk_dates_are_read(text, day):
    assert imports.parse_date(text) == day


@pytest.mark.parametrize("text", ["next spring", "31/02/2027", "03/31/2027", "Q3"])
def test_what_is_not_a_date_is_refused(text):
    with pytest.raises(ValueError):
        imports.parse_date(text)


@pytest.mark.parametrize(
    ("text", "worked", "evidence", "learning"),
    [
        ("Yes", "yes", "", ""),
        ("Yes - complaints fell by half", "yes", "complaints fell by half", ""),
        ("Partly: fewer calls. Learning: start sooner", "partly", "fewer calls", "start sooner"),
        ("No.", "no", "", ""),
        ("No further incidents since March", "", "No further incidents since March", ""),
        ("Did not work, the riders moved on", "no", "the riders moved on", ""),
        ("Worked with the school on a poster", "", "Worked with the school on a poster", ""),
        ("Too early to tell", "too_early", "", ""),
        ("Residents say it is quieter", "", "Residents say it is quieter", ""),
    ],
)
def test_the_evaluation_says_whether_it_worked_only_where_clear(text, worked, evidence, learning):
    evaluation = imports.parse_evaluation(text)
    assert (evaluation.worked, evaluation.evidence, evaluation.learning) == (worked, evidence, learning)


def test_to_be_evaluated_by_gives_the_date():
    evaluation = imports.parse_evaluation("To be evaluated by 1 March 2027")
    assert evaluation.evaluate_by == dt.date(2027, 3, 1)
    assert evaluation.worked == ""


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Complete", "done"),
        ("Done", "done"),
        ("Green", "on_track"),
        ("Amber", "at_risk"),
        ("Red", "at_risk"),
        ("On track", "on_track"),
        ("Not started", "not_started"),
        ("In progress", "on_track"),
        ("Green - on track", "on_track"),
        ("Cancelled", "cancelled"),
        ("", ""),
    ],
)
def test_status_words_are_read(text, status):
    assert imports.parse_status(text) == status


def test_an_unknown_status_word_is_refused():
    with pytest.raises(ValueError):
        imports.parse_status("Purple")


@pytest.mark.parametrize(
    ("heading", "key"),
    [
        ("Issues to be resolved", "issue"),
        ("The issues to be resolved.", "issue"),
        ("Problem", "issue"),
        ("Action(s)", "description"),
        ("Action to be carried out", "description"),
        ("Who is to lead on this action", "lead"),
        ("Responsible", "lead"),
        ("Owner", "lead"),
        ("Due", "due_on"),
        ("Deadline", "due_on"),
        ("Target date", "due_on"),
        ("An evaluation, did it work?", "evaluation"),
        ("Outcome", "evaluation"),
        ("RAG", "status"),
        ("Start", "start_on"),
        ("No.", "reference"),
        ("Ref", "reference"),
        ("Oakfield action plan 2026", None),
    ],
)
def test_headings_are_recognised(heading, key):
    assert imports.field_for_heading(heading) == key
