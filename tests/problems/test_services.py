import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tandem.problems import selectors, services
from tandem.problems.models import Category, Problem, ProblemNote, ProblemReport, ProblemStatusChange
from tests.factories import Cast

# A small square around Oakfield (longitude -1.40 … -1.30, latitude 53.70 … 53.80).
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[-1.40, 53.70], [-1.30, 53.70], [-1.30, 53.80], [-1.40, 53.80], [-1.40, 53.70]]],
}
INSIDE = (53.75, -1.35)
OUTSIDE = (51.50, -0.12)


def category(slug: str = "anti-social-behaviour") -> Category:
    return Category.objects.get(slug=slug)


def make_problem(cast: Cast, **fields) -> Problem:
    fields.setdefault("title", "Motorbikes racing on the playing field")
    fields.setdefault("category", category())
    fields.setdefault("group", cast.group)
    return services.problem_create(partnership=cast.partnership, by=cast.officer, **fields)


def walk(problem: Problem, *statuses: str, by) -> None:
    for status in statuses:
        services.problem_set_status(problem=problem, to_status=status, reason="because", by=by)


# --- Create ---------------------------------------------------------------------------------


def test_it_creates_a_problem_with_its_first_report_and_status(cast: Cast) -> None:
    problem = make_problem(cast, raised_by_person=cast.chair_person)

    assert problem.status == Problem.Status.SCANNING
    assert problem.times_raised == 1
    report = ProblemReport.objects.get(problem=problem)
    assert report.person == cast.chair_person
    change = ProblemStatusChange.objects.get(problem=problem)
    assert (change.from_status, change.to_status, change.changed_by) == ("", "scanning", cast.officer)


def test_it_refuses_half_a_map_pin(cast: Cast) -> None:
    with pytest.raises(ValidationError) as exc:
        make_problem(cast, latitude=53.7)
    assert "latitude" in exc.value.error_dict
    assert not Problem.objects.exists()


def test_it_places_a_pin_in_the_deepest_area_containing_it(cast: Cast) -> None:
    cast.neighbourhood.boundary = SQUARE
    cast.neighbourhood.save()

    problem = make_problem(cast, latitude=INSIDE[0], longitude=INSIDE[1])

    assert problem.area == cast.neighbourhood
    assert problem.outside_partnership is False


def test_it_flags_a_pin_outside_every_area_but_accepts_it(cast: Cast) -> None:
    cast.neighbourhood.boundary = SQUARE
    cast.neighbourhood.save()

    problem = make_problem(cast, latitude=OUTSIDE[0], longitude=OUTSIDE[1])

    assert problem.outside_partnership is True
    assert problem.area is None


def test_it_does_not_flag_a_pin_when_no_area_has_a_boundary(cast: Cast) -> None:
    problem = make_problem(cast, latitude=OUTSIDE[0], longitude=OUTSIDE[1])

    assert problem.outside_partnership is False


def test_it_keeps_the_area_given_even_when_the_pin_is_elsewhere(cast: Cast) -> None:
    cast.neighbourhood.boundary = SQUARE
    cast.neighbourhood.save()

    problem = make_problem(cast, area=cast.district, latitude=INSIDE[0], longitude=INSIDE[1])

    assert problem.area == cast.district


def test_it_reflags_a_problem_whose_pin_moves_outside(cast: Cast) -> None:
    cast.neighbourhood.boundary = SQUARE
    cast.neighbourhood.save()
    problem = make_problem(cast, latitude=INSIDE[0], longitude=INSIDE[1])

    services.problem_update(
        problem=problem, data={"latitude": OUTSIDE[0], "longitude": OUTSIDE[1]}, by=cast.officer
    )

    problem.refresh_from_db()
    assert problem.outside_partnership is True


# --- Status ---------------------------------------------------------------------------------


def test_it_walks_the_sara_statuses_in_order(cast: Cast) -> None:
    problem = make_problem(cast)

    walk(problem, "analysis", "response", "assessment", "resolved", by=cast.officer)

    problem.refresh_from_db()
    assert problem.status == "resolved"
    assert list(problem.status_changes.values_list("to_status", flat=True)) == [
        "scanning",
        "analysis",
        "response",
        "assessment",
        "resolved",
    ]


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ((), "response"),
        ((), "resolved"),
        (("analysis",), "scanning"),
        (("analysis", "response"), "resolved"),
        (("analysis", "response", "assessment", "resolved"), "closed"),
    ],
)
def test_it_refuses_a_status_change_not_in_the_map(cast: Cast, path, refused) -> None:
    problem = make_problem(cast)
    walk(problem, *path, by=cast.officer)
    before = problem.status_changes.count()

    with pytest.raises(ValidationError) as exc:
        services.problem_set_status(problem=problem, to_status=refused, reason="x", by=cast.officer)

    assert "cannot move to" in str(exc.value)
    problem.refresh_from_db()
    assert problem.status == (path[-1] if path else "scanning")
    assert problem.status_changes.count() == before


def test_it_sends_a_problem_back_from_assessment_to_response(cast: Cast) -> None:
    problem = make_problem(cast)
    walk(problem, "analysis", "response", "assessment", "response", by=cast.officer)

    problem.refresh_from_db()
    assert problem.status == "response"


def test_it_needs_a_reason_to_close(cast: Cast) -> None:
    problem = make_problem(cast)

    with pytest.raises(ValidationError) as exc:
        services.problem_set_status(problem=problem, to_status="closed", reason="  ", by=cast.officer)

    assert "reason" in exc.value.error_dict
    problem.refresh_from_db()
    assert problem.status == "scanning"

    services.problem_set_status(problem=problem, to_status="closed", reason="Moved on", by=cast.officer)
    problem.refresh_from_db()
    assert (problem.status, problem.closed_reason) == ("closed", "Moved on")


def test_it_reopens_a_closed_problem_with_a_reason(cast: Cast) -> None:
    problem = make_problem(cast)
    services.problem_set_status(problem=problem, to_status="closed", reason="Quiet", by=cast.officer)

    with pytest.raises(ValidationError):
        services.problem_set_status(problem=problem, to_status="scanning", reason="", by=cast.officer)
    services.problem_set_status(problem=problem, to_status="scanning", reason="It is back", by=cast.officer)

    problem.refresh_from_db()
    assert (problem.status, problem.closed_reason) == ("scanning", "")
    assert problem.status_changes.last().reason == "It is back"


# --- Notes and raised again ----------------------------------------------------------------------


def test_it_adds_a_note_by_its_author(cast: Cast) -> None:
    problem = make_problem(cast)

    services.note_add(problem=problem, text="Seen most Friday nights", by=cast.officer)

    assert ProblemNote.objects.get(problem=problem).author == cast.officer


def test_it_counts_a_problem_raised_again(cast: Cast) -> None:
    problem = make_problem(cast, raised_on=dt.date(2025, 1, 10))

    services.problem_raise_again(
        problem=problem,
        raised_on=dt.date(2025, 3, 1),
        raised_by="agency",
        organisation=cast.police,
        by=cast.officer,
    )
    services.problem_raise_again(
        problem=problem, raised_on=dt.date(2025, 2, 1), raised_by="resident", by=cast.officer
    )

    problem.refresh_from_db()
    assert problem.times_raised == 3
    assert problem.first_raised_on == dt.date(2025, 1, 10)
    assert problem.last_raised_on == dt.date(2025, 3, 1)
    assert problem.reports.count() == 3


# --- Similar and merge ----------------------------------------------------------------------------


def test_it_ranks_similar_problems_nearby_by_their_words(cast: Cast) -> None:
    new = make_problem(
        cast, title="Motorbikes on the playing field at night", latitude=53.75, longitude=-1.35
    )
    alike = make_problem(
        cast, title="Motorbikes racing on the playing field", latitude=53.751, longitude=-1.35
    )
    less = make_problem(cast, title="Noisy gathering near the shops", latitude=53.7505, longitude=-1.35)
    make_problem(cast, title="Motorbikes on the playing field", latitude=53.80, longitude=-1.35)  # 5 km away
    make_problem(
        cast,
        title="Motorbikes on the playing field",
        category=category("noise"),
        latitude=53.75,
        longitude=-1.35,
    )
    closed = make_problem(cast, title="Motorbikes on the playing field", latitude=53.75, longitude=-1.35)
    services.problem_set_status(problem=closed, to_status="closed", reason="Done", by=cast.officer)

    found = selectors.problem_similar(problem=new)

    assert [s.problem for s in found] == [alike, less]
    assert found[0].distance_m == pytest.approx(111, abs=2)


def test_it_finds_similar_problems_in_the_same_area_without_a_pin(cast: Cast) -> None:
    new = make_problem(cast, title="Drug dealing by the bus stop", area=cast.neighbourhood)
    same_area = make_problem(cast, title="Dealing at the bus stop", area=cast.neighbourhood)

    assert [s.problem for s in selectors.problem_similar(problem=new)] == [same_area]


def test_it_merges_keeping_both_histories_and_adding_the_counts(cast: Cast) -> None:
    target = make_problem(cast, title="Fly-tipping in Mill Lane", raised_on=dt.date(2025, 2, 1))
    source = make_problem(cast, title="Rubbish dumped in Mill Lane", raised_on=dt.date(2025, 1, 5))
    services.problem_raise_again(
        problem=source, raised_on=dt.date(2025, 4, 1), raised_by="resident", by=cast.officer
    )
    services.note_add(problem=source, text="Photos taken", by=cast.officer)

    services.problem_merge(source=source, target=target, by=cast.officer)

    target.refresh_from_db()
    source.refresh_from_db()
    assert target.times_raised == 3
    assert (target.first_raised_on, target.last_raised_on) == (dt.date(2025, 1, 5), dt.date(2025, 4, 1))
    assert target.reports.count() == 3
    assert target.reports.filter(merged_from=source).count() == 2
    assert source.merged_into == target
    assert source.status == "closed"
    assert source.closed_reason.startswith(f"Merged into #{target.pk}")
    assert source.notes.count() == 1  # its notes and status changes stay with it
    assert list(source.status_changes.values_list("to_status", flat=True)) == ["scanning", "closed"]
    assert target.merged_problems.get() == source


def test_it_refuses_to_merge_a_problem_into_itself_or_twice(cast: Cast) -> None:
    a = make_problem(cast)
    b = make_problem(cast)
    with pytest.raises(ValidationError):
        services.problem_merge(source=a, target=a, by=cast.officer)
    services.problem_merge(source=a, target=b, by=cast.officer)
    with pytest.raises(ValidationError):
        services.problem_merge(source=a, target=b, by=cast.officer)
    with pytest.raises(ValidationError):
        services.problem_set_status(problem=a, to_status="scanning", reason="again", by=cast.officer)

    b.refresh_from_db()
    assert b.times_raised == 2
