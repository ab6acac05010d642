"""The case forms through their views: what good input does, and that bad input gets a 400 with
the GOV.UK error summary and changes nothing."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tandem.cases.models import (
    Agreement,
    AuditEntry,
    Case,
    CaseSubject,
    Intervention,
    InterventionType,
    Questionnaire,
    RiskAssessment,
    Signatory,
    Task,
    TimelineEntry,
)

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
DOCX = b"PK\x03\x04" + b"\x00" * 60


def _date(name: str, value: dt.date) -> dict:
    return {f"{name}_0": value.day, f"{name}_1": value.month, f"{name}_2": value.year}


def _post(client, user, url, data):
    client.force_login(user)
    return client.post(url, data, HTTP_HOST="localhost")


def _get(client, user, url):
    client.force_login(user)
    return client.get(url, HTTP_HOST="localhost")


def _refused_form(response) -> str:
    assert response.status_code == 400
    content = response.content.decode()
    assert "govuk-error-summary" in content and "There is a problem" in content
    return content


# --- Agreements ------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _agreement_data(cc, **overrides) -> dict:
    today = timezone.localdate()
    data = {
        "partnership": cc.cast.partnership.pk,
        "title": "Scams against older residents",
        "purpose": "To protect residents targeted by doorstep and telephone scams.",
        "purposes": [cc.purpose.pk],
        "organisations": [cc.police.pk, cc.council.pk],
        "lawful_basis": Agreement.LawfulBasis.choices[0][0],
        "special_category_condition": "",
        "power": "Crime and Disorder Act 1998 s115",
        "data_categories": "Names, addresses, dates of birth, contacts",
        "retention_months": 24,
        "retention_action": Agreement.RetentionAction.choices[0][0],
        **_date("starts_on", today),
        **_date("expires_on", today + dt.timedelta(days=365)),
        **_date("review_on", today + dt.timedelta(days=180)),
    }
    data.update(overrides)
    return data


def test_an_administrator_drafts_an_agreement_with_its_signed_pdf(client, cc, media):
    data = _agreement_data(cc, document=SimpleUploadedFile("agreement.pdf", PDF, "application/pdf"))
    response = _post(client, cc.cast.administrator, "/cases/agreements/new/", data)
    assert response.status_code == 302
    agreement = Agreement.objects.get(title="Scams against older residents")
    assert agreement.document_content_type == "application/pdf"
    assert agreement.document_size == len(PDF)
    assert set(agreement.signatories.values_list("organisation_id", flat=True)) == {
        cc.police.pk,
        cc.council.pk,
    }
    assert agreement.fully_signed_on is None  # nobody has signed yet


def test_agency_staff_draft_an_agreement_with_a_word_document(client, cc, media):
    data = _agreement_data(cc, document=SimpleUploadedFile("agreement.docx", DOCX))
    assert _post(client, cc.signatory, "/cases/agreements/new/", data).status_code == 302
    assert Agreement.objects.get(title="Scams against older residents").document_name == "agreement.docx"


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("agreement.exe", PDF, "must be a PDF or a Word (.docx) file"),
        ("agreement.pdf", b"MZ\x90\x00 not a pdf at all", "not a real PDF file"),
        ("agreement.docx", PDF, "not a real DOCX file"),
        ("agreement.pdf", b"", "empty"),
    ],
)
def test_an_upload_of_the_wrong_type_is_refused_and_nothing_is_saved(
    client, cc, media, name, content, message
):
    before = Agreement.objects.count()
    data = _agreement_data(cc, document=SimpleUploadedFile(name, content))
    content_html = _refused_form(_post(client, cc.cast.administrator, "/cases/agreements/new/", data))
    assert message in content_html
    assert Agreement.objects.count() == before
    assert not any(media.rglob("*.*"))


def test_an_upload_over_the_size_limit_is_refused(client, cc, media, monkeypatch):
    monkeypatch.setattr(Agreement, "MAX_BYTES", 1024)
    big = SimpleUploadedFile("agreement.pdf", PDF + b"0" * 2048)
    data = _agreement_data(cc, document=big)
    content = _refused_form(_post(client, cc.cast.administrator, "/cases/agreements/new/", data))
    assert "smaller than 10 MB" in content
    assert not Agreement.objects.filter(title="Scams against older residents").exists()


def test_an_agreement_with_one_party_or_no_title_is_refused(client, cc, media):
    before = Agreement.objects.count()
    data = _agreement_data(cc, title="", organisations=[cc.police.pk])
    content = _refused_form(_post(client, cc.cast.administrator, "/cases/agreements/new/", data))
    assert "at least two signatory organisations" in content
    assert Agreement.objects.count() == before


def test_staff_must_include_their_own_agency(client, cc, media):
    data = _agreement_data(cc, organisations=[cc.council.pk, cc.fire.pk])
    content = _refused_form(_post(client, cc.signatory, "/cases/agreements/new/", data))
    assert "Include your own organisation" in content
    assert not Agreement.objects.filter(title="Scams against older residents").exists()


def test_the_agreement_comes_into_force_when_the_last_party_signs(client, cc, media):
    _post(client, cc.cast.administrator, "/cases/agreements/new/", _agreement_data(cc))
    agreement = Agreement.objects.get(title="Scams against older residents")
    url = f"/cases/agreements/{agreement.pk}/sign/"
    sign = {"signer_name": "Chief Inspector Example", "signer_role": "Chief Inspector"}

    response = _post(client, cc.signatory, url, {"organisation": cc.police.pk, **sign})
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.fully_signed_on is None and not agreement.is_in_force()

    response = _post(client, cc.council_officer, url, {"organisation": cc.council.pk, **sign})
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.fully_signed_on == timezone.localdate() and agreement.is_in_force()
    signature = agreement.signatories.get(organisation=cc.police)
    assert signature.signer_name == "Chief Inspector Example" and signature.recorded_by == cc.signatory


def test_staff_cannot_sign_for_another_agency_nor_without_a_name(client, cc, media):
    _post(client, cc.cast.administrator, "/cases/agreements/new/", _agreement_data(cc))
    agreement = Agreement.objects.get(title="Scams against older residents")
    url = f"/cases/agreements/{agreement.pk}/sign/"
    _refused_form(_post(client, cc.signatory, url, {"organisation": cc.council.pk, "signer_name": "X"}))
    _refused_form(_post(client, cc.signatory, url, {"organisation": cc.police.pk, "signer_name": ""}))
    assert not Signatory.objects.filter(agreement=agreement, signed_on__isnull=False).exists()


# --- Cases -----------------------------------------------------------------------------


def test_a_signatory_opens_a_case_through_the_form(client, cc):
    data = {
        "agreement": cc.agreement.pk,
        "purpose": cc.purpose.pk,
        "title": "Older resident targeted by phone scams",
        "summary": "Lost savings to a caller claiming to be from the bank.",
        "about": Case.About.PERSON,
        "lead_organisation": cc.police.pk,
        "agencies": [cc.council.pk],
    }
    response = _post(client, cc.signatory, "/cases/new/", data)
    assert response.status_code == 302
    case = Case.objects.get(title="Older resident targeted by phone scams")
    assert response["Location"] == case.get_absolute_url()
    assert case.lead_officer == cc.signatory
    assert set(case.agencies.values_list("organisation_id", flat=True)) == {cc.police.pk, cc.council.pk}
    assert AuditEntry.objects.filter(action="create", case_number=case.pk, user=cc.signatory).exists()


def test_a_case_without_a_title_or_for_a_purpose_the_agreement_does_not_cover_is_refused(client, cc):
    from tandem.cases.models import Purpose

    before = Case.objects.count()
    data = {
        "agreement": cc.agreement.pk,
        "purpose": cc.purpose.pk,
        "title": "",
        "about": Case.About.PERSON,
        "lead_organisation": cc.police.pk,
    }
    content = _refused_form(_post(client, cc.signatory, "/cases/new/", data))
    assert "Enter" in content
    other = Purpose.objects.get(slug="perpetrator-management")
    data.update(title="A case", purpose=other.pk)
    content = _refused_form(_post(client, cc.signatory, "/cases/new/", data))
    assert "does not cover this purpose" in content
    assert Case.objects.count() == before


def test_a_case_cannot_involve_an_agency_that_has_not_signed(client, cc):
    before = Case.objects.count()
    data = {
        "agreement": cc.agreement.pk,
        "purpose": cc.purpose.pk,
        "title": "A case",
        "about": Case.About.PERSON,
        "lead_organisation": cc.police.pk,
        "agencies": [cc.housing.pk],
    }
    _refused_form(_post(client, cc.signatory, "/cases/new/", data))
    assert Case.objects.count() == before


def test_a_person_is_added_to_the_case(client, cc):
    url = f"/cases/{cc.case.pk}/people/add/"
    data = {
        "role": "vulnerable",
        "name": "Edna Example",
        "address": "1 Fictional Row",
        **_date("date_of_birth", dt.date(1941, 5, 2)),
    }
    assert _post(client, cc.signatory, url, data).status_code == 302
    link = CaseSubject.objects.get(case=cc.case)
    assert link.role == "vulnerable" and link.subject.name == "Edna Example"
    assert link.subject.date_of_birth == dt.date(1941, 5, 2)


def test_a_person_without_a_name_or_with_an_impossible_birthday_is_refused(client, cc):
    url = f"/cases/{cc.case.pk}/people/add/"
    content = _refused_form(_post(client, cc.signatory, url, {"role": "vulnerable", "name": ""}))
    assert "Enter the person&#x27;s name" in content
    bad_date = {
        "role": "victim",
        "name": "X",
        "date_of_birth_0": "31",
        "date_of_birth_1": "2",
        "date_of_birth_2": "1950",
    }
    assert "Enter a real date" in _refused_form(_post(client, cc.signatory, url, bad_date))
    _refused_form(_post(client, cc.signatory, url, {"role": "no-such-role", "name": "X"}))
    assert not CaseSubject.objects.filter(case=cc.case).exists()


# --- Risk assessment -------------------------------------------------------------------


def _questions():
    questionnaire = Questionnaire.objects.get(slug="asb-victim-risk-assessment")
    return questionnaire, list(questionnaire.questions.order_by("position"))


@pytest.mark.parametrize(
    "positions, score, level, days",
    [
        ([], 0, "standard", 28),
        ([1, 3, 4], 7, "standard", 28),  # one short of medium
        ([1, 3, 4, 7], 10, "medium", 14),
        ([2, 3, 7, 8, 9, 10, 11], 18, "high", 7),
        ([13], 3, "high", 7),  # self-harm makes it high whatever the total
    ],
)
def test_a_risk_assessment_scores_to_a_level_and_a_review_date(client, cc, positions, score, level, days):
    questionnaire, questions = _questions()
    answers = [q.pk for q in questions if q.position in positions]
    response = _post(client, cc.signatory, f"/cases/{cc.case.pk}/risk/", {"answers": answers})
    assert response.status_code == 302
    assessment = RiskAssessment.objects.get(case=cc.case)
    today = timezone.localdate()
    assert (assessment.score, assessment.level) == (score, level)
    assert assessment.review_on == today + dt.timedelta(days=days)
    assert assessment.organisation == cc.police
    cc.case.refresh_from_db()
    assert (cc.case.risk_level, cc.case.risk_review_on) == (level, today + dt.timedelta(days=days))


def test_a_risk_assessment_with_a_chosen_review_date_keeps_it(client, cc):
    _, questions = _questions()
    review = timezone.localdate() + dt.timedelta(days=3)
    data = {"answers": [questions[0].pk], **_date("review_on", review)}
    assert _post(client, cc.signatory, f"/cases/{cc.case.pk}/risk/", data).status_code == 302
    assert RiskAssessment.objects.get(case=cc.case).review_on == review


def test_a_risk_assessment_with_a_foreign_answer_or_a_past_review_date_is_refused(client, cc):
    url = f"/cases/{cc.case.pk}/risk/"
    _refused_form(_post(client, cc.signatory, url, {"answers": [999999]}))
    past = {"answers": [], **_date("review_on", timezone.localdate() - dt.timedelta(days=1))}
    assert "after the assessment" in _refused_form(_post(client, cc.signatory, url, past))
    future = {"answers": [], **_date("assessed_on", timezone.localdate() + dt.timedelta(days=2))}
    assert "future" in _refused_form(_post(client, cc.signatory, url, future))
    assert not RiskAssessment.objects.exists()
    cc.case.refresh_from_db()
    assert cc.case.risk_level == ""


# --- Timeline --------------------------------------------------------------------------


def test_an_entry_kept_to_the_owning_organisation_is_not_seen_by_another_involved_agency(client, cc):
    url = f"/cases/{cc.case.pk}/timeline/add/"
    base = {"kind": "note", "organisation": cc.police.pk}
    _post(client, cc.signatory, url, {**base, "text": "Police-only intelligence note", "is_shared": "no"})
    _post(client, cc.signatory, url, {**base, "text": "Shared visit summary", "is_shared": "yes"})
    assert TimelineEntry.objects.filter(case=cc.case).count() == 2

    council_page = _get(client, cc.council_officer, cc.case.get_absolute_url()).content.decode()
    assert "Shared visit summary" in council_page
    assert "Police-only intelligence note" not in council_page

    police_page = _get(client, cc.signatory, cc.case.get_absolute_url()).content.decode()
    assert "Shared visit summary" in police_page and "Police-only intelligence note" in police_page


def test_an_entry_cannot_be_owned_by_an_organisation_the_officer_does_not_work_for(client, cc):
    url = f"/cases/{cc.case.pk}/timeline/add/"
    data = {"kind": "note", "organisation": cc.council.pk, "text": "Pretending", "is_shared": "no"}
    _refused_form(_post(client, cc.signatory, url, data))
    _refused_form(
        _post(client, cc.signatory, url, {"kind": "note", "organisation": cc.police.pk, "text": ""})
    )
    assert not TimelineEntry.objects.filter(case=cc.case).exists()


# --- Tasks -----------------------------------------------------------------------------


def _task_data(cc, **overrides) -> dict:
    return {
        "organisation": cc.council.pk,
        "description": "Safeguarding visit by adult social care",
        **_date("due_on", timezone.localdate() + dt.timedelta(days=7)),
        **overrides,
    }


def test_a_task_for_another_agency_is_done_by_that_agency(client, cc):
    assert _post(client, cc.signatory, f"/cases/{cc.case.pk}/tasks/add/", _task_data(cc)).status_code == 302
    task = Task.objects.get(case=cc.case)
    assert task.organisation == cc.council and task.status == "open"
    assert _post(client, cc.council_officer, f"/cases/tasks/{task.pk}/done/", {}).status_code == 302
    task.refresh_from_db()
    assert task.status == "done" and task.done_on == timezone.localdate()


def test_a_task_is_cancelled_only_with_a_reason(client, cc):
    _post(client, cc.signatory, f"/cases/{cc.case.pk}/tasks/add/", _task_data(cc))
    task = Task.objects.get(case=cc.case)
    url = f"/cases/tasks/{task.pk}/cancel/"
    _refused_form(_post(client, cc.signatory, url, {"reason": ""}))
    task.refresh_from_db()
    assert task.status == "open"
    assert _post(client, cc.signatory, url, {"reason": "Resident declined the visit"}).status_code == 302
    task.refresh_from_db()
    assert (task.status, task.cancel_reason) == ("cancelled", "Resident declined the visit")


def test_a_task_without_a_due_date_or_for_an_uninvolved_agency_is_refused(client, cc):
    url = f"/cases/{cc.case.pk}/tasks/add/"
    _refused_form(_post(client, cc.signatory, url, _task_data(cc, due_on_0="", due_on_1="", due_on_2="")))
    _refused_form(_post(client, cc.signatory, url, _task_data(cc, organisation=cc.fire.pk)))
    assert not Task.objects.exists()


def test_a_task_of_a_case_the_officer_cannot_open_is_not_found(client, cc):
    _post(client, cc.signatory, f"/cases/{cc.case.pk}/tasks/add/", _task_data(cc))
    task = Task.objects.get(case=cc.case)
    assert _post(client, cc.outsider, f"/cases/tasks/{task.pk}/done/", {}).status_code == 404
    assert _post(client, cc.outsider, "/cases/tasks/999999/done/", {}).status_code == 404
    task.refresh_from_db()
    assert task.status == "open"


# --- Interventions ---------------------------------------------------------------------


def test_an_intervention_is_recorded_and_its_outcome_later(client, cc):
    letter = InterventionType.objects.get(slug="warning-letter")
    data = {"type": letter.pk, "organisation": cc.police.pk, "notes": "Hand delivered"}
    assert _post(client, cc.signatory, f"/cases/{cc.case.pk}/interventions/add/", data).status_code == 302
    intervention = Intervention.objects.get(case=cc.case)
    assert intervention.type == letter and intervention.started_on == timezone.localdate()
    url = f"/cases/interventions/{intervention.pk}/outcome/"
    assert _post(client, cc.signatory, url, {"outcome": "complied"}).status_code == 302
    intervention.refresh_from_db()
    assert intervention.outcome == "complied"


def test_an_intervention_for_an_agency_the_officer_does_not_work_for_is_refused(client, cc):
    letter = InterventionType.objects.get(slug="warning-letter")
    url = f"/cases/{cc.case.pk}/interventions/add/"
    _refused_form(_post(client, cc.signatory, url, {"type": letter.pk, "organisation": cc.council.pk}))
    _refused_form(_post(client, cc.signatory, url, {"type": "", "organisation": cc.police.pk}))
    assert not Intervention.objects.exists()


# --- Closing ---------------------------------------------------------------------------


def test_closing_is_refused_while_a_task_is_open_and_the_form_says_why(client, cc):
    _post(client, cc.signatory, f"/cases/{cc.case.pk}/tasks/add/", _task_data(cc))
    url = f"/cases/{cc.case.pk}/status/"
    page = _get(client, cc.signatory, url).content.decode()
    assert "The case has 1 open task" in page and "cannot be closed" in page

    data = {"status": "closed", "closure_reason": "resolved", "closure_outcome": "Safe at home"}
    content = _refused_form(_post(client, cc.signatory, url, data))
    assert "open task" in content and "before closing the case" in content
    cc.case.refresh_from_db()
    assert cc.case.status == "open" and cc.case.closed_at is None


def test_closing_needs_a_reason_and_an_outcome_then_succeeds(client, cc):
    url = f"/cases/{cc.case.pk}/status/"
    content = _refused_form(_post(client, cc.signatory, url, {"status": "closed"}))
    assert "Select why the case is being closed" in content
    data = {"status": "closed", "closure_reason": "resolved", "closure_outcome": "Safe at home"}
    assert _post(client, cc.signatory, url, data).status_code == 302
    cc.case.refresh_from_db()
    assert cc.case.status == "closed" and cc.case.closure_outcome == "Safe at home"
    # Closed: changes are refused (403) until it is reopened.
    assert _post(client, cc.signatory, f"/cases/{cc.case.pk}/tasks/add/", _task_data(cc)).status_code == 403
    assert not Task.objects.exists()
