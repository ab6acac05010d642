"""Subject access requests: everything held about one person, as PDF or JSON, with third
parties redacted when the officer chooses; every export is logged."""

import io
import json

import pytest
from pypdf import PdfReader

from tandem.cases import services
from tandem.cases.audit import Actor
from tandem.cases.models import AuditEntry


@pytest.fixture
def people(cc):
    actor = Actor(user=cc.signatory)
    edna = services.case_subject_add(
        case=cc.case,
        role="vulnerable",
        name="Edna Fictional",
        address="7 Imaginary Close, Oakfield",
        phone="01632 960123",
        notes="Prefers calls in the morning",
        actor=actor,
    ).subject
    services.case_subject_add(case=cc.case, role="alleged_perpetrator", name="Rex Madeup", actor=actor)
    services.timeline_entry_add(
        case=cc.case,
        text="Edna reported a caller, Rex Madeup, asking for her bank details.",
        organisation_id=cc.police.pk,
        actor=actor,
    )
    services.timeline_entry_add(
        case=cc.case, text="Council-only note", organisation_id=cc.council.pk, is_shared=False, actor=actor
    )
    return edna


def _export(client, cc, subject, **data):
    client.force_login(cc.signatory)
    return client.post(
        f"/cases/{cc.case.pk}/people/{subject.pk}/access-request/", data, HTTP_HOST="localhost"
    )


def _pdf_text(response) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_the_pdf_holds_the_subjects_data_and_redacts_third_parties(client, cc, people):
    response = _export(client, cc, people, redact="yes", format="pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = " ".join(_pdf_text(response).split())
    assert "Edna Fictional" in text and "7 Imaginary Close" in text and "01632 960123" in text
    assert "asking for her bank details" in text
    assert "Rex Madeup" not in text and "[redacted: third party]" in text
    assert "Council-only note" not in text  # the officer's agency may not see it
    entry = AuditEntry.objects.get(action="export", case_number=cc.case.pk, user=cc.signatory)
    assert "PDF" in entry.description and "redacted" in entry.description
    assert response["Cache-Control"] == "private, no-store"


def test_the_json_likewise(client, cc, people):
    response = _export(client, cc, people, redact="yes", format="json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    record = json.loads(response.content)
    assert record["subject"]["name"] == "Edna Fictional" and record["third_parties_redacted"] is True
    body = response.content.decode()
    assert "Rex Madeup" not in body
    assert record["cases"][0]["other_people"] == [
        {"role": "Alleged perpetrator", "name": "[redacted: third party]"}
    ]
    assert AuditEntry.objects.filter(
        action="export", case_number=cc.case.pk, description__contains="JSON"
    ).exists()


def test_third_parties_are_included_when_the_officer_chooses(client, cc, people):
    record = json.loads(_export(client, cc, people, redact="no", format="json").content)
    assert record["cases"][0]["other_people"][0]["name"] == "Rex Madeup"


def test_a_bad_choice_is_a_400_and_nothing_is_exported(client, cc, people):
    response = _export(client, cc, people, redact="yes", format="xml")
    assert response.status_code == 400 and "govuk-error-summary" in response.content.decode()
    assert not AuditEntry.objects.filter(action="export").exists()


def test_someone_without_standing_cannot_export(client, cc, people):
    client.force_login(cc.outsider)
    url = f"/cases/{cc.case.pk}/people/{people.pk}/access-request/"
    assert client.post(url, {"redact": "no", "format": "json"}, HTTP_HOST="localhost").status_code == 404
    assert not AuditEntry.objects.filter(action="export").exists()
    assert AuditEntry.objects.filter(action="refused", user=cc.outsider).exists()
