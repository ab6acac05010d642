"""The access rule, the audit log and retention, with the fixed cast of case workers."""

import datetime as dt

import pytest
from django.utils import timezone

from tandem.cases import services
from tandem.cases.audit import Actor
from tandem.cases.models import AuditEntry, Case, Subject
from tandem.cases.retention import retention_run


def _get(client, user, url):
    client.force_login(user)
    return client.get(url, HTTP_HOST="localhost")


def test_a_signatory_officer_of_an_involved_agency_sees_the_case_and_it_is_logged(client, cc):
    response = _get(client, cc.signatory, cc.case.get_absolute_url())
    assert response.status_code == 200
    assert AuditEntry.objects.filter(user=cc.signatory, action="view", case_number=cc.case.pk).exists()


@pytest.mark.parametrize("who", ["involved_unsigned", "signatory_not_involved", "outsider"])
def test_anyone_without_standing_gets_not_found_and_leaves_an_audit_row(client, cc, who):
    user = getattr(cc, who)
    response = _get(client, user, cc.case.get_absolute_url())
    assert response.status_code == 404
    assert AuditEntry.objects.filter(user=user, action="refused", case_number=cc.case.pk).exists()


def test_an_administrator_without_standing_gets_not_found(client, cc):
    assert _get(client, cc.cast.administrator, cc.case.get_absolute_url()).status_code == 404


def test_a_refused_change_changes_nothing(client, cc):
    client.force_login(cc.outsider)
    response = client.post(f"/cases/{cc.case.pk}/edit/", {"title": "Changed"}, HTTP_HOST="localhost")
    assert response.status_code == 404
    cc.case.refresh_from_db()
    assert cc.case.title == "Scam target"
    assert AuditEntry.objects.filter(user=cc.outsider, action="refused").exists()


def test_an_expired_agreement_shares_nothing(client, cc):
    cc.agreement.expires_on = timezone.localdate() - dt.timedelta(days=1)
    cc.agreement.save(update_fields=["expires_on"])
    assert _get(client, cc.signatory, cc.case.get_absolute_url()).status_code == 404


def test_the_list_query_applies_the_same_rule(cc):
    from tandem.cases.access import case_list_for_user

    assert list(case_list_for_user(cc.signatory)) == [cc.case]
    for user in (cc.involved_unsigned, cc.signatory_not_involved, cc.outsider, cc.cast.administrator):
        assert not case_list_for_user(user).exists()


def test_audit_entries_cannot_be_changed_or_deleted(cc):
    entry = AuditEntry.objects.first()
    entry.description = "tampered"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.update(description="x")


def test_a_case_with_open_tasks_cannot_close_until_they_are_cancelled_with_a_reason(cc):
    from django.core.exceptions import ValidationError

    actor = Actor(user=cc.signatory)
    task = services.task_create(
        case=cc.case, organisation=cc.council, description="Visit", due_on=timezone.localdate(), actor=actor
    )
    with pytest.raises(ValidationError, match="open task"):
        services.case_set_status(
            case=cc.case, status="closed", closure_reason="resolved", closure_outcome="Safe", actor=actor
        )
    services.task_cancel(task=task, reason="No longer needed", actor=actor)
    services.case_set_status(
        case=cc.case, status="closed", closure_reason="resolved", closure_outcome="Safe", actor=actor
    )
    assert Case.objects.get(pk=cc.case.pk).status == "closed"


def test_retention_deletes_a_case_closed_longer_ago_than_its_retention_period_and_logs_it(cc):
    actor = Actor(user=cc.signatory)
    services.case_subject_add(case=cc.case, role="vulnerable", name="Edna Example", actor=actor)
    services.case_set_status(
        case=cc.case, status="closed", closure_reason="resolved", closure_outcome="Safe", actor=actor
    )
    Case.objects.filter(pk=cc.case.pk).update(closed_at=timezone.now() - dt.timedelta(days=31 * 25))
    preview = retention_run(preview=True)
    assert [row.number for row in preview.rows] == [cc.case.pk] and Case.objects.filter(
        pk=cc.case.pk
    ).exists()
    report = retention_run()
    assert report.deleted == 1
    assert not Case.objects.filter(pk=cc.case.pk).exists()
    assert not Subject.objects.filter(name="Edna Example").exists()
    assert AuditEntry.objects.filter(action="delete", case_number=cc.case.pk).exists()
