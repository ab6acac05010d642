import datetime as dt

import pytest
from django.utils import timezone

from tandem.accountability import services
from tandem.accountability.models import CallRecommendation, CouncillorCall
from tests.factories import make_membership, make_organisation, make_person

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _d(prefix, day):
    if day is None:
        return {f"{prefix}_0": "", f"{prefix}_1": "", f"{prefix}_2": ""}
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


def _agency(cast, name):
    organisation = make_organisation(name=name)
    make_membership(group=cast.group, person=make_person(), organisation=organisation)
    return organisation


def _call(cast, *, reported_days_ago=None, agencies=()):
    call = services.call_refer(
        ward=cast.neighbourhood,
        councillor_name="Cllr Jo Ward",
        matter="Drug dealing by the park",
        referred_on=TODAY - dt.timedelta(days=60),
    )
    if reported_days_ago is not None:
        services.call_decide(
            call=call, accept=True, decided_on=TODAY - dt.timedelta(days=59), reason="Local and in scope"
        )
        services.call_report(
            call=call,
            report="The agencies had not met.",
            reported_on=TODAY - dt.timedelta(days=reported_days_ago),
            recommendations=[{"organisation": a, "text": f"{a.name}: patrol"} for a in agencies],
        )
    return CouncillorCall.objects.get(pk=call.pk)


def test_an_officer_records_a_councillor_s_referral(client, cast):
    client.force_login(cast.officer)
    data = {
        "councillor_name": "Cllr Jo Ward",
        "councillor_email": "",
        "ward": cast.neighbourhood.pk,
        "matter": "Drug dealing by the park",
        **_d("referred_on", None),
    }
    response = client.post("/councillor-calls/new/", data)
    call = CouncillorCall.objects.get()
    assert response.status_code == 302 and call.reference.startswith(f"CCfA{TODAY.year}-")
    assert call.partnership == cast.partnership and call.status == "referred"


def test_a_referral_dated_in_the_future_gets_a_400_and_nothing_is_kept(client, cast):
    client.force_login(cast.officer)
    data = {
        "councillor_name": "Cllr Jo Ward",
        "ward": cast.neighbourhood.pk,
        "matter": "x",
        **_d("referred_on", TODAY + dt.timedelta(days=1)),
    }
    response = client.post("/councillor-calls/new/", data)
    assert response.status_code == 400 and "govuk-error-summary" in response.content.decode()
    assert not CouncillorCall.objects.exists()


def test_a_member_cannot_see_or_record_calls_and_nothing_is_kept(client, cast):
    client.force_login(cast.member)
    assert client.post("/councillor-calls/new/", {"councillor_name": "x"}).status_code == 403
    assert not CouncillorCall.objects.exists()


def test_the_committee_declines_with_reasons(client, cast):
    call = _call(cast)
    client.force_login(cast.officer)
    data = {"accept": "no", "reason": "Already before the courts", **_d("decided_on", None)}
    assert client.post(f"/councillor-calls/{call.pk}/decide/", data).status_code == 302
    call.refresh_from_db()
    assert call.status == "declined" and call.decision_reason == "Already before the courts"


def test_a_decision_before_the_referral_gets_a_400_and_nothing_changes(client, cast):
    call = _call(cast)
    client.force_login(cast.officer)
    data = {"accept": "yes", "reason": "x", **_d("decided_on", TODAY - dt.timedelta(days=90))}
    assert client.post(f"/councillor-calls/{call.pk}/decide/", data).status_code == 400
    assert CouncillorCall.objects.get(pk=call.pk).status == "referred"


def test_the_report_sets_the_response_deadline_from_the_settings(client, cast):
    police = _agency(cast, "Castleford Neighbourhood Police")
    call = _call(cast)
    services.call_decide(call=call, accept=True, decided_on=TODAY, reason="In scope")
    client.force_login(cast.officer)
    data = {
        "report": "Patrols had stopped.",
        **_d("reported_on", None),
        "organisation_1": police.pk,
        "text_1": "Restart the patrols",
    }
    assert client.post(f"/councillor-calls/{call.pk}/report/", data).status_code == 302
    call.refresh_from_db()
    assert call.status == "reported" and call.responses_due_on == TODAY + dt.timedelta(days=28)
    assert CallRecommendation.objects.get().organisation == police


def test_a_report_with_a_recommendation_to_nobody_gets_a_400_and_nothing_changes(client, cast):
    call = _call(cast)
    services.call_decide(call=call, accept=True, decided_on=TODAY, reason="In scope")
    client.force_login(cast.officer)
    data = {"report": "x", **_d("reported_on", None), "text_1": "Restart the patrols"}
    response = client.post(f"/councillor-calls/{call.pk}/report/", data)
    assert response.status_code == 400 and "Choose whom recommendation 1 is to" in response.content.decode()
    assert (
        CouncillorCall.objects.get(pk=call.pk).status == "accepted"
        and not CallRecommendation.objects.exists()
    )


def test_overdue_responses_are_flagged_and_the_last_response_closes_the_call(
    client, cast, django_assert_max_num_queries
):
    police, council = _agency(cast, "Police team"), _agency(cast, "Council ASB team")
    call = _call(cast, reported_days_ago=40, agencies=[police, council])
    for _ in range(5):
        _call(cast, reported_days_ago=2, agencies=[police])
    client.force_login(cast.officer)
    with django_assert_max_num_queries(8):
        html = client.get("/councillor-calls/").content.decode()
    assert html.count("Overdue") == 1
    assert "Responses overdue" in client.get(f"/councillor-calls/{call.pk}/").content.decode()
    first, second = call.recommendations.all()
    for row in (first, second):
        data = {f"r{row.pk}-response": "Patrols restarted", **_d(f"r{row.pk}-responded_on", None)}
        assert client.post(f"/councillor-calls/responses/{row.pk}/", data).status_code == 302
    call.refresh_from_db()
    assert call.status == "closed"


def test_a_response_dated_before_the_report_gets_a_400_and_nothing_changes(client, cast):
    police = _agency(cast, "Police team")
    call = _call(cast, reported_days_ago=5, agencies=[police])
    row = call.recommendations.get()
    client.force_login(cast.officer)
    data = {f"r{row.pk}-response": "Done", **_d(f"r{row.pk}-responded_on", TODAY - dt.timedelta(days=30))}
    assert client.post(f"/councillor-calls/responses/{row.pk}/", data).status_code == 400
    assert CallRecommendation.objects.get(pk=row.pk).responded_on is None
