import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tandem.accountability import services
from tandem.accountability.models import Application, StatusChange


def _apply(cast, **fields):
    return services.application_submit(
        area=cast.neighbourhood,
        summary="Stones thrown at my windows most evenings.",
        applicant_name="Alex Example",
        applicant_email="alex@example.org",
        received_on=dt.date(2026, 4, 2),
        via=Application.Via.PHONE,
        by=cast.officer,
        complaints=[
            {"incident_on": dt.date(2026, 3, 1), "reported_on": dt.date(2026, 3, 2), "reported_to": "Police"}
        ],
        **fields,
    )


@pytest.mark.django_db
def test_an_application_gets_a_reference_a_due_date_and_a_status_row(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = _apply(cast)
    assert application.reference == f"CR2026-{application.pk:05d}"
    assert application.partnership == cast.partnership
    assert application.due_on == dt.date(2026, 4, 20)  # ten working days, skipping Easter
    assert StatusChange.objects.filter(application=application, to_status="received").count() == 1
    assert application.reference in mailoutbox[0].body


@pytest.mark.django_db
def test_a_decision_before_the_application_was_received_is_refused_and_nothing_changes(cast):
    application = _apply(cast)
    with pytest.raises(ValidationError):
        services.threshold_decide(
            application=application,
            met=True,
            decided_on=dt.date(2026, 4, 1),
            reason="Three incidents",
            by=cast.officer,
        )
    application.refresh_from_db()
    assert application.status == Application.Status.RECEIVED and application.decision_on is None


@pytest.mark.django_db
def test_no_decision_can_be_recorded_after_closure(cast):
    application = _apply(cast)
    services.application_set_status(
        application=application, status="withdrawn", by=cast.officer, reason="Asked to"
    )
    with pytest.raises(ValidationError):
        services.threshold_decide(
            application=application, met=True, decided_on=dt.date(2026, 4, 3), reason="x", by=cast.officer
        )
    assert Application.objects.get(pk=application.pk).decision_on is None


@pytest.mark.django_db
def test_the_status_machine_refuses_a_jump_and_records_allowed_steps(cast):
    application = _apply(cast)
    with pytest.raises(ValidationError):
        services.application_set_status(application=application, status="outcome_sent", by=cast.officer)
    services.threshold_decide(
        application=application,
        met=False,
        decided_on=dt.date(2026, 4, 3),
        reason="One incident",
        by=cast.officer,
    )
    assert list(application.status_changes.values_list("to_status", flat=True)) == ["received", "not_met"]
