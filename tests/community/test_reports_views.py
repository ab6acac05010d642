import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from tandem.community import services
from tandem.community.models import FlaggedWord, Report, ReportFeedback, ReportSupport, RoutingRule
from tandem.community.views.reports import BROWSER_COOKIE
from tandem.problems import services as problem_services
from tandem.problems.models import Problem
from tests.community.report_fixtures import (
    IN_OAKFIELD,
    category,
    jpeg_with_gps,
    routed_fixture,  # noqa: F401 (the "routed" fixture)
    upload,
)
from tests.factories import PASSWORD  # noqa: F401

pytestmark = pytest.mark.django_db

URL = "/report/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def form_data(**fields) -> dict:
    data = {
        "category": str(category().pk),
        "description": "Youths throwing stones at buses every evening.",
        "latitude": str(IN_OAKFIELD[0]),
        "longitude": str(IN_OAKFIELD[1]),
        "location_text": "",
        "area": "",
        "name": "",
        "email": "",
        "phone": "",
    }
    data.update(fields)
    return data


def resolve(problem: Problem, by) -> None:
    for status in ("analysis", "response", "assessment", "resolved"):
        problem_services.problem_set_status(problem=problem, to_status=status, reason="done", by=by)


# --- The form ---------------------------------------------------------------------------------------


def test_the_form_offers_a_pin_and_a_typed_place_and_a_hidden_honeypot(client, routed) -> None:
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("latitude", "longitude", "location_text", "area", "photo", "anonymous", "website"):
        assert f'name="{name}"' in html
    assert 'id="pin-picker"' in html and "hidden" in html
    assert 'aria-hidden="true"' in html
    assert 'enctype="multipart/form-data"' in html


def test_the_area_query_preselects_the_neighbourhood(client, routed) -> None:
    response = client.get(URL, {"area": routed.neighbourhood.slug})
    assert response.context["form"].initial["area"] == routed.neighbourhood


def test_a_resident_with_no_account_reports_with_a_pin_and_a_photo(
    client, routed, settings, tmp_path, django_capture_on_commit_callbacks
) -> None:
    settings.MEDIA_ROOT = tmp_path
    data = form_data(email="sam@example.org", photo=upload(jpeg_with_gps()))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, data)
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("community:report-sent", kwargs={"token": report.token})
    page = client.get(response["Location"]).content.decode()
    assert report.reference in page
    assert report.get_absolute_url() in page
    assert report.problem.group == routed.group
    assert report.photo
    assert len(mail.outbox) == 1 and report.token in mail.outbox[0].body


def test_without_javascript_a_typed_place_and_an_area_are_enough(client, routed) -> None:
    response = client.post(
        URL,
        form_data(
            latitude="", longitude="", location_text="Behind the Co-op", area=routed.neighbourhood.slug
        ),
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.latitude is None
    assert report.problem.group == routed.group


@pytest.mark.parametrize(
    "fields",
    [
        {"description": ""},
        {"description": "x" * 2001},
        {"category": "999999"},
        {"latitude": "53.7", "longitude": ""},
        {"latitude": "91", "longitude": "0"},
        {"latitude": "nan", "longitude": "nan"},
        {"latitude": "", "longitude": "", "location_text": "", "area": ""},
        {"email": "nope"},
        {"area": "no-such-area", "latitude": "", "longitude": "", "location_text": "x"},
    ],
)
def test_bad_input_gets_a_400_with_a_message_and_nothing_written(client, routed, fields) -> None:
    response = client.post(URL, form_data(**fields))
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert Report.objects.count() == 0
    assert Problem.objects.count() == 0


def test_a_file_that_is_not_an_image_is_refused_with_nothing_written(client, routed) -> None:
    response = client.post(URL, form_data(photo=upload(b"%PDF-1.4 fake", name="photo.jpg")))
    assert response.status_code == 400
    assert "JPEG, PNG or WebP" in response.content.decode()
    assert Report.objects.count() == 0


def test_a_filled_honeypot_is_silently_not_turned_into_a_problem(client, routed) -> None:
    response = client.post(URL, form_data(website="http://spam.example"))
    assert response.status_code == 200
    assert "Report received" in response.content.decode()
    assert Report.objects.count() == 0
    assert Problem.objects.count() == 0


def test_too_many_reports_from_one_address_get_a_429_page(client, routed) -> None:
    for _ in range(10):
        client.post(URL, form_data(description=""))
    response = client.post(URL, form_data())
    assert response.status_code == 429
    assert "Too many reports" in response.content.decode()
    assert Report.objects.count() == 0


def test_nothing_a_resident_writes_is_rendered_as_html(client, routed) -> None:
    client.post(URL, form_data(description="<script>alert(1)</script>"))
    report = Report.objects.get()
    html = client.get(report.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


# --- Me too with details and it's back ---------------------------------------------------------------


def test_reporting_a_chosen_problem_again_raises_its_count(client, routed) -> None:
    problem = services.report_submit(
        category=category(), description="Stones", area=routed.neighbourhood
    ).problem
    url = f"{URL}?problem={problem.pk}"
    assert "Report it again" in client.get(url).content.decode()
    response = client.post(url, {"description": "Again last night"})
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.times_raised == 2


def test_its_back_on_a_resolved_problem_reopens_it(client, routed) -> None:
    problem = services.report_submit(
        category=category(), description="Stones", area=routed.neighbourhood
    ).problem
    resolve(problem, routed.officer)
    url = f"{URL}?problem={problem.pk}"
    assert "It's back" in client.get(url).content.decode()
    client.post(url, {"description": "It has started again"})
    problem.refresh_from_db()
    assert problem.status == Problem.Status.SCANNING


@pytest.mark.parametrize("value", ["abc", "999999", ""])
def test_an_unknown_problem_is_not_found(client, routed, value) -> None:
    assert client.get(URL, {"problem": value}).status_code == 404


def test_a_private_problem_cannot_be_reported_again(client, routed) -> None:
    private = problem_services.problem_create(
        group=routed.group, title="Private", category=category(), is_public=False, by=routed.officer
    )
    assert client.get(URL, {"problem": private.pk}).status_code == 404
    assert client.post(f"{URL}?problem={private.pk}", {"description": "x"}).status_code == 404
    private.refresh_from_db()
    assert private.times_raised == 1


def test_me_too_counts_a_browser_once_by_its_signed_cookie(client, routed) -> None:
    problem = services.report_submit(
        category=category(), description="Stones", area=routed.neighbourhood
    ).problem
    url = reverse("community:problem-support", kwargs={"pk": problem.pk})
    assert client.post(url, {"email": ""}).status_code == 302
    assert BROWSER_COOKIE in client.cookies
    again = client.post(url, {"email": ""})
    assert again.status_code == 400
    assert "counted once" in again.content.decode()
    problem.refresh_from_db()
    assert problem.times_raised == 2
    assert ReportSupport.objects.count() == 1


def test_me_too_counts_a_signed_in_resident_once(client, routed) -> None:
    problem = services.report_submit(
        category=category(), description="Stones", area=routed.neighbourhood
    ).problem
    client.force_login(routed.outsider)
    url = reverse("community:problem-support", kwargs={"pk": problem.pk})
    client.post(url, {})
    assert client.post(url, {}).status_code == 400
    assert ReportSupport.objects.get().user == routed.outsider


def test_a_forged_me_too_cookie_is_ignored(client, routed) -> None:
    problem = services.report_submit(
        category=category(), description="Stones", area=routed.neighbourhood
    ).problem
    client.cookies[BROWSER_COOKIE] = "forged-value"
    client.post(reverse("community:problem-support", kwargs={"pk": problem.pk}), {"email": ""})
    support = ReportSupport.objects.get()
    assert support.browser_id != "forged-value"


# --- The follow link ----------------------------------------------------------------------------------


def test_the_follow_link_shows_the_report_and_updates_but_no_ones_details(client, routed) -> None:
    mine = services.report_submit(
        category=category(),
        description="Stones",
        area=routed.neighbourhood,
        name="Sam Mine",
        email="sam@x.org",
    )
    services.report_submit(
        category=category(),
        description="Same",
        area=routed.neighbourhood,
        name="Olga Other",
        email="olga@x.org",
    )
    html = client.get(mine.get_absolute_url()).content.decode()
    assert mine.reference in html
    assert "Your report is with Oakfield Local Action Group" in html
    for secret in ("Olga Other", "olga@x.org", "Sam Mine", "sam@x.org"):
        assert secret not in html


def test_an_unknown_token_is_not_found(client, routed) -> None:
    assert client.get(reverse("community:report-follow", kwargs={"token": "nope"})).status_code == 404
    assert client.get(reverse("community:report-photo", kwargs={"token": "nope"})).status_code == 404


def test_once_resolved_the_resident_answers_at_the_private_link(client, routed) -> None:
    report = services.report_submit(category=category(), description="Stones", area=routed.neighbourhood)
    early = client.post(report.get_absolute_url(), {"fixed": "yes", "feeling": "5"})
    assert early.status_code == 400
    assert ReportFeedback.objects.count() == 0
    resolve(report.problem, routed.officer)
    assert "Is it fixed?" in client.get(report.get_absolute_url()).content.decode()
    bad = client.post(report.get_absolute_url(), {"fixed": "maybe", "feeling": "5"})
    assert bad.status_code == 400
    assert client.post(report.get_absolute_url(), {"fixed": "partly", "feeling": "4"}).status_code == 302
    feedback = ReportFeedback.objects.get()
    assert (feedback.fixed, feedback.feeling) == ("partly", 4)
    page = client.get(report.problem.get_absolute_url()).content.decode()
    assert "What residents who reported it told us" in page
    assert "Is it fixed? Partly" in page


def test_the_residents_answers_show_in_the_evaluation_of_an_action_on_the_problem(client, routed) -> None:
    # given a resolved problem that came from two residents' reports, and an action on it
    import datetime as dt

    from tandem.actionplans.services import action_create

    first = services.report_submit(category=category(), description="Stones", area=routed.neighbourhood)
    second = services.report_submit(
        category=category(), description="Stones again", area=routed.neighbourhood, problem=first.problem
    )
    action = action_create(
        description="Clear the lane",
        by=routed.officer,
        group=first.problem.group,
        problem=first.problem,
        lead=routed.police_rep.person,
        lead_organisation=routed.police,
        due_on=timezone.localdate() + dt.timedelta(days=14),
    )
    resolve(first.problem, routed.officer)
    # when both answer
    client.post(first.get_absolute_url(), {"fixed": "yes", "feeling": "5"})
    client.post(second.get_absolute_url(), {"fixed": "partly", "feeling": "4"})
    # then the action's page and its evaluation form show the counts, never who answered
    client.force_login(routed.officer)
    for url in (action.get_absolute_url(), reverse("actionplans:action-evaluate", kwargs={"pk": action.pk})):
        page = client.get(url).content.decode()
        assert "What residents who reported the problem told us" in page
        assert "2 answers since it was resolved. Average feeling 4.5 out of 5" in page


def test_an_action_without_answers_shows_no_residents_panel(client, routed) -> None:
    import datetime as dt

    from tandem.actionplans.services import action_create

    report = services.report_submit(category=category(), description="Stones", area=routed.neighbourhood)
    action = action_create(
        description="Clear the lane",
        by=routed.officer,
        group=report.problem.group,
        problem=report.problem,
        lead=routed.police_rep.person,
        lead_organisation=routed.police,
        due_on=timezone.localdate() + dt.timedelta(days=14),
    )
    client.force_login(routed.officer)
    assert "told us" not in client.get(action.get_absolute_url()).content.decode()


# --- Moderation ---------------------------------------------------------------------------------------


@pytest.fixture
def held(routed) -> Report:
    return services.report_submit(
        category=category(), description="Visit www.example.com", area=routed.neighbourhood, name="Sam"
    )


def test_officers_see_the_queue_and_members_do_not(client, routed, held) -> None:
    client.force_login(routed.officer)
    assert held.reference in client.get(reverse("community:report-moderation")).content.decode()
    client.force_login(routed.member)
    assert client.get(reverse("community:report-moderation")).status_code == 403


def test_a_member_cannot_accept_or_reject_and_nothing_changes(client, routed, held) -> None:
    client.force_login(routed.member)
    assert client.post(reverse("community:report-accept", kwargs={"pk": held.pk})).status_code == 403
    assert (
        client.post(reverse("community:report-reject", kwargs={"pk": held.pk}), {"reason": "x"}).status_code
        == 403
    )
    held.refresh_from_db()
    assert held.status == Report.Status.PENDING
    assert Problem.objects.count() == 0


def test_an_officer_accepts_a_held_report_and_it_reaches_the_group(client, routed, held) -> None:
    client.force_login(routed.officer)
    response = client.post(reverse("community:report-accept", kwargs={"pk": held.pk}))
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.status == Report.Status.ACCEPTED
    assert held.problem.group == routed.group


def test_rejecting_without_a_reason_is_a_400_and_changes_nothing(client, routed, held) -> None:
    client.force_login(routed.officer)
    url = reverse("community:report-reject", kwargs={"pk": held.pk})
    assert client.post(url, {"reason": ""}).status_code == 400
    held.refresh_from_db()
    assert held.status == Report.Status.PENDING
    assert client.post(url, {"reason": "Advertising"}).status_code == 302
    held.refresh_from_db()
    assert held.status == Report.Status.REJECTED
    follow = client.get(held.get_absolute_url()).content.decode()
    assert "Advertising" in follow


def test_an_officer_adds_a_public_update_the_resident_sees(client, routed) -> None:
    report = services.report_submit(category=category(), description="Stones", area=routed.neighbourhood)
    client.force_login(routed.officer)
    url = reverse("community:report-detail", kwargs={"pk": report.pk})
    assert client.post(url, {"text": ""}).status_code == 400
    assert client.post(url, {"text": "A patrol is planned for Friday."}).status_code == 302
    client.logout()
    assert "A patrol is planned for Friday." in client.get(report.get_absolute_url()).content.decode()


def test_an_anonymous_residents_details_are_hidden_from_officers(client, routed) -> None:
    report = services.report_submit(
        category=category(),
        description="Stones",
        area=routed.neighbourhood,
        name="Sam Secret",
        anonymous=True,
    )
    client.force_login(routed.officer)
    html = client.get(reverse("community:report-detail", kwargs={"pk": report.pk})).content.decode()
    assert "Sam Secret" not in html
    assert "Anonymous by choice" in html


# --- Routing rules ---------------------------------------------------------------------------------------


def test_only_administrators_change_the_routing_rules(client, routed) -> None:
    url = reverse("community:routing-rules", kwargs={"slug": routed.partnership.slug})
    data = {
        "form": "rule",
        "area": "",
        "category": str(category("fly-tipping").pk),
        "group": str(routed.group.pk),
    }
    client.force_login(routed.officer)
    assert client.post(url, data).status_code == 403
    assert RoutingRule.objects.count() == 2
    client.force_login(routed.administrator)
    assert client.post(url, data).status_code == 302
    assert RoutingRule.objects.filter(category=category("fly-tipping"), area=None).exists()


def test_a_duplicate_rule_or_a_bad_group_is_a_400(client, routed) -> None:
    url = reverse("community:routing-rules", kwargs={"slug": routed.partnership.slug})
    client.force_login(routed.administrator)
    duplicate = {"form": "rule", "area": "", "category": "", "group": str(routed.group.pk)}
    assert client.post(url, duplicate).status_code == 400
    assert client.post(url, {"form": "rule", "group": "999999"}).status_code == 400
    assert client.post(url, {"form": "other"}).status_code == 400
    assert RoutingRule.objects.count() == 2


def test_administrators_add_and_remove_flagged_words(client, routed) -> None:
    url = reverse("community:routing-rules", kwargs={"slug": routed.partnership.slug})
    client.force_login(routed.administrator)
    assert client.post(url, {"form": "word", "word": "  Idiot "}).status_code == 302
    flagged = FlaggedWord.objects.get()
    assert flagged.word == "idiot"
    assert client.post(url, {"form": "word", "word": "idiot"}).status_code == 400
    client.force_login(routed.officer)
    assert client.post(reverse("community:flagged-word-delete", kwargs={"pk": flagged.pk})).status_code == 403
    client.force_login(routed.administrator)
    assert client.post(reverse("community:flagged-word-delete", kwargs={"pk": flagged.pk})).status_code == 302
    assert FlaggedWord.objects.count() == 0


# --- Query counts -------------------------------------------------------------------------------------


def test_the_follow_page_and_the_queue_take_a_fixed_number_of_queries(
    client, routed, django_assert_max_num_queries
) -> None:
    report = services.report_submit(category=category(), description="Stones", area=routed.neighbourhood)
    for n in range(5):
        services.report_submit(
            category=category(), description=f"www.spam{n}.example", area=routed.neighbourhood
        )
    with django_assert_max_num_queries(12):
        assert client.get(report.get_absolute_url()).status_code == 200
    client.force_login(routed.officer)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("community:report-moderation")).status_code == 200
