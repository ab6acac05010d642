import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from PIL import Image

from tandem.community import selectors, services
from tandem.community.models import (
    FlaggedWord,
    Report,
    ReportFeedback,
    ReportSupport,
    ReportUpdate,
    RoutingRule,
)
from tandem.community.ratelimit import rate_limit_hit
from tandem.problems import services as problem_services
from tandem.problems.models import Problem, ProblemReport
from tests.community.report_fixtures import (
    IN_DISTRICT_ONLY,
    IN_OAKFIELD,
    category,
    jpeg_with_gps,
    routed_fixture,  # noqa: F401 (the "routed" fixture)
    upload,
)

pytestmark = pytest.mark.django_db


def submit(**fields) -> Report:
    fields.setdefault("category", category())
    fields.setdefault("description", "Youths throwing stones at buses every evening.")
    if "latitude" not in fields and "area" not in fields and "location_text" not in fields:
        fields["latitude"], fields["longitude"] = IN_OAKFIELD
    return services.report_submit(**fields)


def resolve(problem: Problem, by) -> None:
    for status in ("analysis", "response", "assessment", "resolved"):
        problem_services.problem_set_status(problem=problem, to_status=status, reason="done", by=by)


# --- Submitting and routing ----------------------------------------------------------------------


def test_a_report_with_a_pin_becomes_a_problem_in_the_neighbourhood_groups_queue(routed) -> None:
    report = submit(name="Sam Resident", email="sam@example.org")
    report.refresh_from_db()
    assert report.status == Report.Status.ACCEPTED
    assert report.outcome == Report.Outcome.NEW
    assert report.problem.group == routed.group
    assert report.problem.area == routed.neighbourhood
    assert report.problem.raised_by == Problem.RaisedBy.RESIDENT
    assert report.problem_report.problem == report.problem
    assert report.reference in report.problem_report.note
    assert report.reference.startswith("TDM-") and len(report.reference) == 10
    assert len(report.token) >= 40


def test_a_pin_outside_every_neighbourhood_goes_to_the_partnership_wide_fallback(routed) -> None:
    latitude, longitude = IN_DISTRICT_ONLY
    report = submit(latitude=latitude, longitude=longitude)
    assert report.problem.group == routed.board


def test_a_rule_for_the_category_beats_one_for_any_category_in_the_same_area(routed) -> None:
    RoutingRule.objects.create(
        partnership=routed.partnership,
        area=routed.neighbourhood,
        category=category("fly-tipping"),
        group=routed.private_group,
    )
    assert submit(category=category("fly-tipping")).problem.group == routed.private_group
    assert (
        submit(category=category("anti-social-behaviour"), description="Other").problem.group == routed.group
    )


def test_a_deeper_area_rule_beats_a_category_rule_higher_up(routed) -> None:
    RoutingRule.objects.create(
        partnership=routed.partnership,
        area=None,
        category=category("fly-tipping"),
        group=routed.private_group,
    )
    group = selectors.routing_group(
        partnership=routed.partnership, area=routed.neighbourhood, category=category("fly-tipping")
    )
    assert group == routed.group


def test_a_typed_place_with_an_area_is_routed_without_a_pin(routed) -> None:
    report = submit(location_text="The alley behind Mill Lane", area=routed.neighbourhood)
    assert report.problem.group == routed.group
    assert report.problem.location_text == "The alley behind Mill Lane"
    assert report.problem.latitude is None


def test_a_second_report_near_the_same_place_raises_the_existing_problems_count(routed) -> None:
    first = submit()
    second = submit(latitude=IN_OAKFIELD[0] + 0.0005, longitude=IN_OAKFIELD[1])
    assert second.problem == first.problem
    assert second.outcome == Report.Outcome.MERGED
    first.problem.refresh_from_db()
    assert first.problem.times_raised == 2
    assert Problem.objects.count() == 1
    assert "merged into the existing" in second.updates.last().text


def test_a_report_of_another_category_at_the_same_place_is_a_new_problem(routed) -> None:
    first = submit()
    second = submit(category=category("fly-tipping"), description="A mattress dumped")
    assert second.problem != first.problem


def test_without_any_routing_rule_the_report_waits_for_a_moderator(cast) -> None:
    report = submit(area=cast.neighbourhood, location_text="Mill Lane")
    assert report.status == Report.Status.PENDING
    assert report.problem is None
    assert "routing rule" in report.moderation_reasons[0]
    assert Problem.objects.count() == 0


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"description": "   "}, "description"),
        ({"description": "x" * 2001}, "description"),
        ({"latitude": 95, "longitude": 0}, "latitude"),
        ({"latitude": "not a number", "longitude": 1}, "latitude"),
        ({"latitude": None, "longitude": None, "location_text": ""}, "location_text"),
        ({"email": "not-an-email"}, "email"),
        ({"name": "n" * 151}, "name"),
        ({"location_text": "y" * 301}, "location_text"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_written(routed, fields, field) -> None:
    with pytest.raises(ValidationError) as caught:
        submit(**fields)
    assert field in caught.value.message_dict
    assert Report.objects.count() == 0
    assert Problem.objects.count() == 0


def test_an_inactive_category_is_refused(routed) -> None:
    inactive = category("fly-tipping")
    inactive.is_active = False
    inactive.save()
    with pytest.raises(ValidationError):
        submit(category=inactive)
    assert Report.objects.count() == 0


def test_the_resident_is_emailed_the_private_link(routed, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        report = submit(email="sam@example.org")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sam@example.org"]
    assert report.reference in mail.outbox[0].body
    assert f"/report/follow/{report.token}/" in mail.outbox[0].body


# --- Photos -----------------------------------------------------------------------------------------


def test_a_photos_gps_position_and_metadata_are_stripped(routed) -> None:
    report = submit(photo=upload(jpeg_with_gps()))
    with report.photo.open("rb") as stored, Image.open(stored) as image:
        assert image.format == "JPEG"
        exif = image.getexif()
        assert not exif.get_ifd(0x8825)
        assert 0x010F not in exif
        assert "exif" not in image.info
    assert report.photo.name.startswith("report-photos/")
    report.photo.delete(save=False)


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"%PDF-1.4 not an image at all", "photo.jpg"),
        (b"GIF89a" + b"\x00" * 50, "photo.gif"),
        (b"", "empty.jpg"),
    ],
)
def test_bad_uploads_are_refused_with_nothing_written(routed, data, name) -> None:
    with pytest.raises(ValidationError) as caught:
        submit(photo=upload(data, name=name))
    assert "photo" in caught.value.message_dict
    assert Report.objects.count() == 0
    assert Problem.objects.count() == 0


def test_a_gif_is_refused_even_named_as_a_jpeg(routed) -> None:
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="GIF")
    with pytest.raises(ValidationError):
        submit(photo=upload(out.getvalue(), name="photo.jpg"))
    assert Report.objects.count() == 0


def test_a_png_stays_a_png_without_its_text_chunks(routed) -> None:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "taken at 12 Mill Lane")
    out = io.BytesIO()
    Image.new("RGB", (20, 20)).save(out, format="PNG", pnginfo=info)
    report = submit(photo=upload(out.getvalue(), name="p.png", content_type="image/png"))
    with report.photo.open("rb") as stored, Image.open(stored) as image:
        assert image.format == "PNG"
        assert "Comment" not in image.info
    report.photo.delete(save=False)


# --- Moderation -------------------------------------------------------------------------------------


def test_a_report_with_a_link_waits_for_moderation_and_is_not_a_problem_yet(routed) -> None:
    report = submit(description="Cheap pills at www.example.com")
    assert report.status == Report.Status.PENDING
    assert report.problem is None
    assert "link" in report.moderation_reasons[0]
    assert list(selectors.moderation_queue()) == [report]


def test_a_flagged_word_holds_a_report_but_not_a_word_containing_it(routed) -> None:
    FlaggedWord.objects.create(partnership=routed.partnership, word="idiot")
    assert submit(description="The idiot next door").status == Report.Status.PENDING
    assert submit(description="Idiotically parked car", category=category("fly-tipping")).status == (
        Report.Status.ACCEPTED
    )


def test_accepting_a_held_report_routes_it(routed) -> None:
    report = submit(description="See http://example.org for photos")
    services.report_accept(report=report, by=routed.officer)
    report.refresh_from_db()
    assert report.status == Report.Status.ACCEPTED
    assert report.problem.group == routed.group
    assert report.moderated_by == routed.officer


def test_rejecting_needs_a_reason_and_writes_nothing_without_one(routed) -> None:
    report = submit(description="See http://example.org")
    with pytest.raises(ValidationError):
        services.report_reject(report=report, reason=" ", by=routed.officer)
    report.refresh_from_db()
    assert report.status == Report.Status.PENDING
    services.report_reject(report=report, reason="Advertising", by=routed.officer)
    report.refresh_from_db()
    assert report.status == Report.Status.REJECTED
    assert report.open311_status() == "closed"
    assert Problem.objects.count() == 0
    with pytest.raises(ValidationError):
        services.report_accept(report=report, by=routed.officer)


# --- Me too and it's back ---------------------------------------------------------------------------


def test_me_too_raises_the_count_once_per_person(routed) -> None:
    problem = submit().problem
    services.report_support_add(problem=problem, email="a@example.org")
    services.report_support_add(problem=problem, user=routed.member)
    services.report_support_add(problem=problem, browser_id="abc123")
    for again in ({"email": "A@example.org"}, {"user": routed.member}, {"browser_id": "abc123"}):
        with pytest.raises(ValidationError):
            services.report_support_add(problem=problem, **again)
    problem.refresh_from_db()
    assert problem.times_raised == 4
    assert ReportSupport.objects.filter(problem=problem).count() == 3
    assert ProblemReport.objects.filter(problem=problem).count() == 4


def test_me_too_on_a_resolved_problem_is_refused(routed) -> None:
    problem = submit().problem
    resolve(problem, routed.officer)
    with pytest.raises(ValidationError):
        services.report_support_add(problem=problem, email="a@example.org")
    problem.refresh_from_db()
    assert problem.times_raised == 1


def test_a_report_on_a_chosen_open_problem_raises_its_count(routed) -> None:
    problem = submit().problem
    report = submit(problem=problem, latitude=None, longitude=None, description="Still happening")
    assert report.problem == problem
    assert report.outcome == Report.Outcome.ME_TOO
    problem.refresh_from_db()
    assert problem.times_raised == 2


def test_its_back_reopens_a_resolved_problem_with_the_new_report_attached(routed) -> None:
    first = submit(email="first@example.org")
    problem = first.problem
    resolve(problem, routed.officer)
    report = submit(problem=problem, latitude=None, longitude=None, description="They are back again")
    problem.refresh_from_db()
    assert problem.status == Problem.Status.SCANNING
    assert report.outcome == Report.Outcome.BACK
    assert report.problem_report.problem == problem
    change = problem.status_changes.last()
    assert report.reference in change.reason
    assert first.updates.last().text.startswith("The problem has been reopened")


# --- Updates and feedback ---------------------------------------------------------------------------


def test_every_status_change_writes_an_update_with_the_open311_status(routed) -> None:
    report = submit()
    resolve(report.problem, routed.officer)
    statuses = [(u.status, u.extended_status) for u in report.updates.all()]
    assert statuses[-4:] == [
        ("open", "INVESTIGATING"),
        ("open", "ACTION_SCHEDULED"),
        ("open", "IN_PROGRESS"),
        ("closed", "FIXED"),
    ]
    report.refresh_from_db()
    assert report.open311_status() == "closed"
    assert report.extended_status() == "FIXED"


def test_merging_the_problem_away_moves_its_reports_to_the_target(routed) -> None:
    report = submit()
    target = problem_services.problem_create(
        group=routed.group, title="Stones thrown", category=category(), by=routed.officer
    )
    problem_services.problem_merge(source=report.problem, target=target, by=routed.officer)
    report.refresh_from_db()
    assert report.problem == target
    assert report.updates.last().extended_status == "OPEN"


def test_an_officer_adds_a_public_update(routed) -> None:
    report = submit()
    update = services.report_update_add(
        report=report, text="A patrol is planned.", source=ReportUpdate.Source.OFFICER, by=routed.officer
    )
    assert update.status == "open" and update.extended_status == "OPEN"
    with pytest.raises(ValidationError):
        services.report_update_add(report=report, text="", source=ReportUpdate.Source.OFFICER)
    with pytest.raises(ValidationError):
        services.report_update_add(report=report, text="x", status="BOGUS", source=ReportUpdate.Source.CLIENT)
    assert report.updates.count() == 3


def test_residents_are_asked_when_resolved_and_their_answers_are_counted(
    routed, django_capture_on_commit_callbacks
) -> None:
    first = submit(email="one@example.org")
    second = submit(latitude=IN_OAKFIELD[0], longitude=IN_OAKFIELD[1], description="Same again")
    problem = first.problem
    with pytest.raises(ValidationError):
        services.report_feedback_give(report=first, fixed="yes", feeling=4)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        resolve(problem, routed.officer)
    assert [m.to for m in mail.outbox] == [["one@example.org"]]
    assert "Is it fixed?" in mail.outbox[0].subject
    services.report_feedback_give(report=first, fixed="yes", feeling=5)
    services.report_feedback_give(report=second, fixed="partly", feeling=4)
    with pytest.raises(ValidationError):
        services.report_feedback_give(report=second, fixed="no", feeling=1)
    counts = selectors.problem_feedback_counts(problem)
    assert counts.total == 2
    assert counts.fixed == {"yes": 1, "partly": 1, "no": 0}
    assert counts.feeling[5] == 1 and counts.feeling[4] == 1
    assert counts.average_feeling == 4.5


def test_a_bad_feedback_answer_is_refused(routed) -> None:
    report = submit()
    resolve(report.problem, routed.officer)
    with pytest.raises(ValidationError):
        services.report_feedback_give(report=report, fixed="maybe", feeling=3)
    with pytest.raises(ValidationError):
        services.report_feedback_give(report=report, fixed="yes", feeling=9)
    assert ReportFeedback.objects.count() == 0


# --- Rate limits ---------------------------------------------------------------------------------------


def test_the_rate_limit_allows_the_limit_then_refuses() -> None:
    from django.core.cache import cache

    cache.clear()
    hits = [rate_limit_hit(key="test:1.2.3.4", limit=3, window_seconds=60) for _ in range(5)]
    assert hits == [False, False, False, True, True]
    assert rate_limit_hit(key="test:5.6.7.8", limit=3, window_seconds=60) is False


def test_a_photo_over_the_size_limit_is_refused_with_nothing_written(routed) -> None:
    from tandem.community import photos

    big = upload(b"\xff\xd8" + b"0" * (photos.MAX_BYTES + 10))
    with pytest.raises(ValidationError) as caught:
        submit(photo=big)
    assert "smaller than" in caught.value.message_dict["photo"][0]
    assert Report.objects.count() == 0
