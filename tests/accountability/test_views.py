import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.utils import timezone

from tandem.accountability import services
from tandem.accountability.models import Application, CaseReviewSettings, Complaint, Recommendation
from tandem.actionplans.models import Action
from tests.factories import make_group, make_membership, make_organisation, make_person

pytestmark = pytest.mark.django_db

URL = "/case-review/apply/"
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _date(prefix: str, day: dt.date | None) -> dict:
    if day is None:
        return {f"{prefix}_0": "", f"{prefix}_1": "", f"{prefix}_2": ""}
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


def form_data(cast, *, complaints=None, total=3, **fields) -> dict:
    """The public form as a browser posts it: three complaint rows, spare ones blank."""
    complaints = (
        complaints
        if complaints is not None
        else [
            (TODAY - dt.timedelta(days=20), TODAY - dt.timedelta(days=19), "Police"),
            (TODAY - dt.timedelta(days=10), TODAY - dt.timedelta(days=10), "Council"),
        ]
    )
    data = {
        "relationship": "victim",
        "applicant_name": "Robin Resident",
        "applicant_email": "robin@example.org",
        "applicant_phone": "",
        "applicant_address": "",
        "victim_name": "",
        "victim_contact": "",
        "area": str(cast.neighbourhood.pk),
        "location_text": "Mill Lane",
        "summary": "Stones at my windows most evenings.",
        "complaints-TOTAL_FORMS": str(total),
        "complaints-INITIAL_FORMS": "0",
        "complaints-MIN_NUM_FORMS": "0",
        "complaints-MAX_NUM_FORMS": "30",
    }
    for index in range(total):
        row = complaints[index] if index < len(complaints) else (None, None, "")
        data.update(_date(f"complaints-{index}-incident_on", row[0]))
        data.update(_date(f"complaints-{index}-reported_on", row[1]))
        data[f"complaints-{index}-reported_to"] = row[2]
        data[f"complaints-{index}-reference"] = ""
    data.update(fields)
    return data


def _apply(cast, *, met=None, **fields) -> Application:
    fields = {"applicant_name": "Alex Example", **fields}
    application = services.application_submit(
        area=cast.neighbourhood,
        summary="Shouting and stones.",
        applicant_email="alex@example.org",
        via=Application.Via.PHONE,
        received_on=TODAY - dt.timedelta(days=3),
        by=cast.officer,
        complaints=[
            {
                "incident_on": TODAY - dt.timedelta(days=d),
                "reported_on": TODAY - dt.timedelta(days=d - 1),
                "reported_to": "Police",
            }
            for d in (40, 30, 20)
        ],  # fmt: skip
        **fields,
    )
    if met is not None:
        services.threshold_decide(
            application=application, met=met, decided_on=TODAY, reason="Three incidents.", by=cast.officer
        )
    return application


def _error_summary(response) -> str:
    html = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in html
    return html


# --- The public form ------------------------------------------------------------------------------------


def test_the_public_form_needs_no_account_and_offers_three_complaint_rows_and_a_honeypot(client, cast):
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="complaints-2-reported_to"' in html and 'name="complaints-3-reported_to"' not in html
    assert 'name="website"' in html and 'name="add_complaint"' in html


def test_a_resident_applies_and_gets_a_reference_a_due_date_and_an_email(
    client, cast, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, form_data(cast))
    application = Application.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(
        f"/case-review/applied/{application.token}/"
    )
    assert application.via == Application.Via.WEB and application.received_on == TODAY
    assert application.complaints.count() == 2  # the blank third row is ignored
    page = client.get(response["Location"]).content.decode()
    assert application.reference in page and f"{application.due_on:%-d %B %Y}" in page
    assert application.reference in mailoutbox[0].body


def test_add_another_complaint_keeps_what_was_typed_adds_a_row_and_saves_nothing(client, cast):
    response = client.post(URL, form_data(cast, add_complaint="1"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="complaints-3-reported_to"' in html
    assert 'value="Robin Resident"' in html and "govuk-error-summary" not in html
    assert not Application.objects.exists()


def test_a_filled_honeypot_is_thanked_and_nothing_is_kept(client, cast):
    response = client.post(URL, form_data(cast, website="http://spam.example"))
    assert response.status_code == 200 and not Application.objects.exists()


def test_too_many_applications_from_one_address_get_a_429_and_nothing_is_kept(client, cast):
    for _ in range(5):
        client.post(URL, form_data(cast, summary=""))
    response = client.post(URL, form_data(cast))
    assert response.status_code == 429 and response["Retry-After"]
    assert not Application.objects.exists()


def test_an_impossible_date_gets_a_400_with_the_error_summary_and_nothing_is_kept(client, cast):
    data = form_data(cast)
    data.update({"complaints-0-incident_on_0": "31", "complaints-0-incident_on_1": "2"})
    html = _error_summary(client.post(URL, data))
    assert "Complaint 1: Enter a real date" in html
    assert not Application.objects.exists()


def test_a_report_dated_before_its_incident_gets_a_400_and_nothing_is_kept(client, cast):
    data = form_data(
        cast, complaints=[(TODAY - dt.timedelta(days=5), TODAY - dt.timedelta(days=6), "Police")]
    )
    html = _error_summary(client.post(URL, data))
    assert "cannot be before the date of the incident" in html
    assert not Application.objects.exists()


def test_more_than_thirty_complaints_get_a_400_and_nothing_is_kept(client, cast):
    rows = [(TODAY - dt.timedelta(days=d), TODAY - dt.timedelta(days=d), "Police") for d in range(1, 32)]
    html = _error_summary(client.post(URL, form_data(cast, complaints=rows, total=31)))
    assert "at most 30 complaints" in html
    assert not Application.objects.exists()


def test_oversized_text_gets_a_400_and_nothing_is_kept(client, cast):
    html = _error_summary(client.post(URL, form_data(cast, summary="x" * (Application.MAX_TEXT + 1))))
    assert "at most 5000 characters" in html
    assert not Application.objects.exists()


def test_no_complaints_and_no_way_to_reply_get_a_400_and_nothing_is_kept(client, cast):
    html = _error_summary(client.post(URL, form_data(cast, complaints=[], applicant_email="")))
    assert "Give at least one complaint" in html and "Give an email address, a telephone number" in html
    assert not Application.objects.exists()


def test_someone_applying_for_the_victim_must_name_them_and_have_their_consent(client, cast):
    html = _error_summary(client.post(URL, form_data(cast, relationship="councillor")))
    assert "Enter the victim&#x27;s name" in html and "Confirm that the victim agrees" in html
    assert not Application.objects.exists()
    response = client.post(URL, form_data(cast, relationship="carer", victim_name="Sam Victim", consent="on"))
    assert response.status_code == 302
    assert Application.objects.get().consent is True


def test_a_missing_management_form_gets_a_400_not_a_server_error(client, cast):
    data = {k: v for k, v in form_data(cast).items() if not k.startswith("complaints-")}
    _error_summary(client.post(URL, data))
    assert not Application.objects.exists()


def test_an_unknown_confirmation_token_is_not_found(client, cast):
    assert client.get("/case-review/applied/nonsense/").status_code == 404


# --- Officers -------------------------------------------------------------------------------------------


def test_an_officer_records_a_telephone_application_on_behalf_of_the_victim(client, cast):
    client.force_login(cast.officer)
    received = TODAY - dt.timedelta(days=2)
    data = form_data(
        cast,
        via="phone",
        relationship="mp",
        victim_name="Sam Victim",
        consent="on",
        applicant_email="",
        **_date("received_on", received),
    )
    response = client.post("/case-reviews/new/", data)
    application = Application.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/case-reviews/{application.pk}/")
    assert application.via == "phone" and application.received_on == received
    assert application.relationship == "mp" and application.created_by == cast.officer


def test_a_member_cannot_record_an_application_and_nothing_is_kept(client, cast):
    client.force_login(cast.member)
    response = client.post("/case-reviews/new/", form_data(cast, via="phone"))
    assert response.status_code == 403 and not Application.objects.exists()


def test_the_list_flags_overdue_decisions_in_a_fixed_number_of_queries(
    client, cast, django_assert_max_num_queries
):
    for _ in range(12):
        _apply(cast)
    late = _apply(cast)
    Application.objects.filter(pk=late.pk).update(due_on=TODAY - dt.timedelta(days=1))
    client.force_login(cast.officer)
    with django_assert_max_num_queries(8):
        response = client.get("/case-reviews/")
    html = response.content.decode()
    assert response.status_code == 200 and late.reference in html
    assert "1 threshold decision overdue" in html and "Overdue" in html


def test_the_list_ignores_an_unknown_status_filter(client, cast):
    _apply(cast)
    client.force_login(cast.officer)
    response = client.get("/case-reviews/", {"status": "<script>"})
    assert response.status_code == 200 and response.context["status"] == "open"


def test_the_application_page_shows_the_check_its_reasons_and_the_due_date(client, cast):
    application = _apply(cast)
    services.complaint_add(
        application=application,
        data={"incident_on": TODAY - dt.timedelta(days=60), "reported_on": TODAY - dt.timedelta(days=5),
              "reported_to": "Council"},
        by=cast.officer,
    )  # fmt: skip
    client.force_login(cast.officer)
    html = client.get(f"/case-reviews/{application.pk}/").content.decode()
    assert "Met: 3 separate incidents reported in time" in html
    assert "Complaint 1: it was reported more than 1 month after the incident." in html
    assert f"{application.due_on:%-d %B %Y}" in html


def test_what_a_resident_writes_is_never_rendered_as_html(client, cast):
    application = _apply(cast, applicant_name="<b>Bold</b>")
    Application.objects.filter(pk=application.pk).update(summary="<script>alert(1)</script>")
    client.force_login(cast.officer)
    html = client.get(f"/case-reviews/{application.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>Bold</b>" not in html


def test_an_officer_records_the_threshold_decision(client, cast):
    application = _apply(cast)
    client.force_login(cast.officer)
    response = client.post(
        f"/case-reviews/{application.pk}/decide/",
        {"met": "yes", "reason": "Three incidents", **_date("decided_on", None)},
    )
    application.refresh_from_db()
    assert response.status_code == 302
    assert (
        application.status == "met"
        and application.decision_on == TODAY
        and application.decided_by == cast.officer
    )


def test_a_decision_dated_in_the_future_gets_a_400_and_nothing_changes(client, cast):
    application = _apply(cast)
    client.force_login(cast.officer)
    data = {"met": "yes", "reason": "x", **_date("decided_on", TODAY + dt.timedelta(days=1))}
    html = _error_summary(client.post(f"/case-reviews/{application.pk}/decide/", data))
    assert "cannot be dated in the future" in html
    application.refresh_from_db()
    assert application.status == "received" and application.decision_on is None


def test_a_member_cannot_decide_the_threshold_and_nothing_changes(client, cast):
    application = _apply(cast)
    client.force_login(cast.member)
    response = client.post(f"/case-reviews/{application.pk}/decide/", {"met": "yes", "reason": "x"})
    assert response.status_code == 403
    assert Application.objects.get(pk=application.pk).status == "received"


def test_a_missing_application_is_not_found_for_officers(client, cast):
    client.force_login(cast.officer)
    assert client.get("/case-reviews/999999/").status_code == 404


def test_an_officer_adds_a_late_complaint_but_not_one_reported_before_the_incident(client, cast):
    application = _apply(cast)
    client.force_login(cast.officer)
    bad = {
        **_date("complaint-incident_on", TODAY - dt.timedelta(days=5)),
        **_date("complaint-reported_on", TODAY - dt.timedelta(days=6)),
        "complaint-reported_to": "Police",
    }
    _error_summary(client.post(f"/case-reviews/{application.pk}/complaints/", bad))
    assert application.complaints.count() == 3
    good = bad | _date("complaint-reported_on", TODAY - dt.timedelta(days=4))
    assert client.post(f"/case-reviews/{application.pk}/complaints/", good).status_code == 302
    assert application.complaints.count() == 4


def test_an_officer_withdraws_an_application_with_a_reason(client, cast):
    application = _apply(cast)
    client.force_login(cast.officer)
    response = client.post(
        f"/case-reviews/{application.pk}/status/", {"status": "withdrawn", "reason": "Asked to"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "withdrawn" and application.status_changes.last().reason == "Asked to"


def test_a_status_the_machine_does_not_allow_gets_a_400_and_nothing_changes(client, cast):
    application = _apply(cast)
    client.force_login(cast.officer)
    response = client.post(
        f"/case-reviews/{application.pk}/status/", {"status": "outcome_sent", "reason": "x"}
    )
    assert response.status_code == 400
    assert Application.objects.get(pk=application.pk).status == "received"


# --- The review, the letter and the escalation ----------------------------------------------------------


def _agency(cast, name: str):
    """An agency represented in one of the partnership's groups (so it may lead actions)."""
    organisation = make_organisation(name=name)
    make_membership(group=cast.group, person=make_person(), organisation=organisation)
    return organisation


def test_a_review_opens_meets_makes_a_recommendation_and_sends_its_letter(client, cast):
    application = _apply(cast, met=True)
    housing = _agency(cast, "Castleford Homes")
    police = _agency(cast, "Castleford Police Team")
    panel_group = make_group(partnership=cast.partnership, name="Case Review Panel", is_public=False)
    client.force_login(cast.officer)
    base = f"/case-reviews/{application.pk}"

    assert (
        client.post(
            f"{base}/review/panel/", {"panel": [police.pk, housing.pk], "group": panel_group.pk}
        ).status_code
        == 302
    )
    meeting = {**_date("date", TODAY + dt.timedelta(days=7)), "time": "14:00", "duration_minutes": "90"}
    assert client.post(f"{base}/review/meeting/", meeting).status_code == 302
    application.refresh_from_db()
    assert application.review.meeting.is_public is False

    recommendation = {
        "description": "Install CCTV on Mill Lane",
        "lead_organisation": housing.pk,
        "lead": "",
        **_date("due_on", TODAY + dt.timedelta(days=60)),
    }
    assert client.post(f"{base}/review/recommendations/", recommendation).status_code == 302
    action = Recommendation.objects.get().action
    assert action.lead_organisation == housing and action.is_public is False

    record = {**_date("held_on", TODAY), "findings": "The agencies had not shared reports."}
    assert client.post(f"{base}/review/record/", record).status_code == 302
    application.refresh_from_db()
    assert application.status == "reviewed"

    pdf = client.get(f"{base}/letter.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    word = client.get(f"{base}/letter.docx")
    import docx

    text = "\n".join(p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs)
    assert application.reference in text and "Alex Example" in text
    assert "Install CCTV on Mill Lane (led by Castleford Homes" in text and "{" not in text

    assert client.post(f"{base}/outcome-sent/", _date("sent_on", None)).status_code == 302
    application.refresh_from_db()
    assert application.status == "outcome_sent" and application.outcome_sent_on == TODAY


def test_a_recommendation_led_by_an_agency_not_on_the_panel_gets_a_400_and_no_action(client, cast):
    application = _apply(cast, met=True)
    services.review_open(application=application, panel=[cast.police], by=cast.officer)
    stranger = make_organisation(name="Elsewhere Trust")
    client.force_login(cast.officer)
    data = {
        "description": "x",
        "lead_organisation": stranger.pk,
        **_date("due_on", TODAY + dt.timedelta(days=9)),
    }
    _error_summary(client.post(f"/case-reviews/{application.pk}/review/recommendations/", data))
    assert not Action.objects.exists()


def test_a_review_recorded_before_its_decision_gets_a_400_and_nothing_changes(client, cast):
    application = _apply(cast, met=True)
    services.review_open(application=application, panel=[cast.police], by=cast.officer)
    client.force_login(cast.officer)
    data = {**_date("held_on", TODAY - dt.timedelta(days=30)), "findings": "x"}
    _error_summary(client.post(f"/case-reviews/{application.pk}/review/record/", data))
    application.refresh_from_db()
    assert application.status == "met" and application.review.held_on is None


def test_the_letter_is_not_ready_before_the_decision(client, cast):
    application = _apply(cast)
    client.force_login(cast.officer)
    assert client.get(f"/case-reviews/{application.pk}/letter.pdf").status_code == 404


def test_a_dissatisfied_applicant_is_escalated_and_the_outcome_closes_the_application(client, cast):
    application = _apply(cast, met=False)
    client.force_login(cast.officer)
    base = f"/case-reviews/{application.pk}"
    data = {**_date("received_on", TODAY), "reason": "Nothing has changed", **_date("escalated_on", None)}
    assert client.post(f"{base}/dissatisfaction/", data).status_code == 302
    application.refresh_from_db()
    assert application.status == "escalated"
    assert application.dissatisfaction.escalated_to == "the Police and Crime Commissioner"
    outcome = {"outcome": "The handling was reasonable.", **_date("outcome_on", None)}
    assert client.post(f"{base}/escalation-outcome/", outcome).status_code == 302
    application.refresh_from_db()
    assert application.status == "closed"


# --- Settings -------------------------------------------------------------------------------------------


def _settings_data(**fields) -> dict:
    data = {
        "complaints_needed": "2",
        "window_months": "6",
        "report_within_months": "1",
        "hate_incident_suffices": "on",
        "response_working_days": "10",
        "escalation_body": "the Community Safety Partnership's chair",
        "ccfa_response_days": "28",
        "letter_template": "Dear {applicant_name}, {reference}",
    }
    data.update(fields)
    return data


def test_an_administrator_changes_the_threshold(client, cast):
    client.force_login(cast.administrator)
    url = f"/partnership/{cast.partnership.slug}/case-review-settings/"
    assert client.get(url).status_code == 200
    assert client.post(url, _settings_data()).status_code == 302
    assert CaseReviewSettings.objects.get(partnership=cast.partnership).complaints_needed == 2


def test_an_unknown_placeholder_in_the_letter_gets_a_400_and_nothing_changes(client, cast):
    client.force_login(cast.administrator)
    url = f"/partnership/{cast.partnership.slug}/case-review-settings/"
    html = _error_summary(client.post(url, _settings_data(letter_template="Dear {name}")))
    assert "{name}" in html
    assert CaseReviewSettings.objects.get(partnership=cast.partnership).complaints_needed == 3


def test_an_officer_cannot_change_the_settings_and_nothing_changes(client, cast):
    client.force_login(cast.officer)
    url = f"/partnership/{cast.partnership.slug}/case-review-settings/"
    assert client.post(url, _settings_data()).status_code == 403
    assert not CaseReviewSettings.objects.filter(partnership=cast.partnership, complaints_needed=2).exists()


def test_complaints_are_stored_for_the_application_only(cast):
    application = _apply(cast)
    assert Complaint.objects.filter(application=application).count() == 3
