"""Priorities: a group's top N problems per period, carry-over, persistence and the parent's board."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tandem.partnership.models import GroupType
from tandem.problems import priorities
from tandem.problems.models import Category, Priority, Problem
from tests.factories import make_group, make_group_type, make_organiser

pytestmark = pytest.mark.django_db


def make_problem(cast, *, group=None, title="Cars racing on Mill Lane", **fields) -> Problem:
    fields.setdefault("category", Category.objects.get(slug="anti-social-behaviour"))
    return Problem.objects.create(
        partnership=cast.partnership, group=group or cast.group, title=title, **fields
    )


@pytest.fixture
def nap(cast):
    """cast.group's type sets three priorities a quarter, like a Neighbourhood Action Panel."""
    cast.lag_type.priorities_per_period = 3
    cast.lag_type.priority_period = GroupType.Period.QUARTER
    cast.lag_type.save()
    cast.group.refresh_from_db()
    return cast.group


def _three(cast, group):
    return [
        priorities.priority_set(
            group=group, problem=make_problem(cast, group=group, title=f"Problem {n}"), reason="Raised often"
        )
        for n in range(3)
    ]


# --- Periods ------------------------------------------------------------------------------


def test_it_labels_each_kind_of_period():
    day = dt.date(2025, 11, 14)
    assert priorities.period_label("quarter", day) == "October to December 2025"
    assert priorities.period_label("month", day) == "November 2025"
    assert priorities.period_label("year", day) == "2025"
    assert priorities.month_of(dt.date(2025, 12, 31)) == (dt.date(2025, 12, 1), dt.date(2025, 12, 31))
    assert priorities.previous_period("quarter", dt.date(2025, 1, 1)) == (
        dt.date(2024, 10, 1),
        dt.date(2024, 12, 31),
    )
    assert priorities.persistence_text("quarter", 3) == "3rd quarter running"
    assert priorities.persistence_text("month", 1) == "1st month"


# --- Setting priorities -----------------------------------------------------------------


def test_it_refuses_a_fourth_priority_with_a_clear_message_and_saves_nothing(cast, nap):
    _three(cast, nap)
    fourth = make_problem(cast, title="Fourth")
    label = priorities.period_label("quarter", timezone.localdate())

    with pytest.raises(ValidationError) as refused:
        priorities.priority_set(group=nap, problem=fourth, reason="Also bad")

    assert refused.value.messages == [
        f"{nap.name} already has its 3 priorities for {label}. Remove one before adding another."
    ]
    assert Priority.objects.filter(group=nap).count() == 3
    assert sorted(Priority.objects.values_list("rank", flat=True)) == [1, 2, 3]


def test_it_refuses_the_same_problem_twice_in_a_period(cast, nap):
    problem = make_problem(cast)
    priorities.priority_set(group=nap, problem=problem, reason="First")

    with pytest.raises(ValidationError, match="already one of"):
        priorities.priority_set(group=nap, problem=problem, reason="Again")

    assert Priority.objects.count() == 1


def test_it_refuses_a_group_whose_type_sets_no_priorities(cast):
    with pytest.raises(ValidationError, match="does not set priorities"):
        priorities.priority_set(group=cast.group, problem=make_problem(cast), reason="Why not")
    assert not Priority.objects.exists()


def test_it_refuses_a_problem_that_is_not_open(cast, nap):
    problem = make_problem(cast, status=Problem.Status.RESOLVED)
    with pytest.raises(ValidationError, match="Only open problems"):
        priorities.priority_set(group=nap, problem=problem, reason="Why")
    assert not Priority.objects.exists()


def test_it_accepts_a_child_groups_problem_but_not_anothers(cast, nap):
    child = make_group(partnership=cast.partnership, group_type=cast.lag_type, parent=nap)
    priorities.priority_set(group=nap, problem=make_problem(cast, group=child), reason="From below")
    with pytest.raises(ValidationError, match="Choose a problem owned by"):
        priorities.priority_set(group=nap, problem=make_problem(cast, group=cast.board), reason="Not ours")
    assert Priority.objects.count() == 1


def test_removing_a_priority_moves_the_others_up_and_past_ones_are_kept(cast, nap):
    first, second, third = _three(cast, nap)
    priorities.priority_remove(priority=first)
    assert list(Priority.objects.filter(group=nap).order_by("rank").values_list("pk", "rank")) == [
        (second.pk, 1),
        (third.pk, 2),
    ]
    old = priorities.priority_set(
        group=nap, problem=make_problem(cast), reason="Old", period_start=dt.date(2020, 1, 1)
    )
    with pytest.raises(ValidationError, match="past periods are kept"):
        priorities.priority_remove(priority=old)
    assert Priority.objects.filter(pk=old.pk).exists()


# --- Carry over and persistence ---------------------------------------------------------


def test_carry_over_copies_open_priorities_once_and_counts_persistence(cast, nap):
    today = timezone.localdate()
    previous_start = priorities.previous_period("quarter", priorities.period_of("quarter", today)[0])[0]
    still_open = make_problem(cast, title="Still open")
    resolved = make_problem(cast, title="Resolved")
    kept = priorities.priority_set(
        group=nap, problem=still_open, reason="Raised", period_start=previous_start
    )
    priorities.priority_set(group=nap, problem=resolved, reason="Raised", period_start=previous_start)
    resolved.status = Problem.Status.RESOLVED
    resolved.save()

    created = priorities.priorities_carry_over(group=nap, from_period_start=previous_start)
    again = priorities.priorities_carry_over(group=nap, from_period_start=previous_start)

    assert again == []
    assert [p.problem for p in created] == [still_open]
    carried = created[0]
    assert carried.carried_over_from == kept
    assert carried.reason.startswith("Carried over from ") and carried.reason.endswith(": Raised")
    [current] = priorities.group_current_priorities(group=nap, viewer=_viewer(cast.officer))
    assert current.periods_running == 2
    assert current.persistence == "2nd quarter running"


def _viewer(user):
    from tandem.partnership.access import viewer_for

    return viewer_for(user)


# --- Pages ----------------------------------------------------------------------------------


def test_the_page_shows_current_priorities_with_persistence_to_the_public(client, cast, nap):
    _three(cast, nap)
    hidden = Priority.objects.filter(group=nap).first().problem
    hidden.is_public = False
    hidden.save()

    response = client.get(reverse("problems:group-priorities", kwargs={"slug": nap.slug}))

    assert response.status_code == 200
    assert "1st quarter" in response.text
    assert hidden.title not in response.text
    assert "One further priority is about a problem that is not public" in response.text
    assert "Choose a priority" not in response.text


def test_an_organiser_sees_the_form_and_a_fourth_is_refused_with_status_400(client, cast, nap):
    _three(cast, nap)
    client.force_login(make_organiser(cast))
    fourth = make_problem(cast, title="Fourth")

    response = client.post(
        reverse("problems:priority-create", kwargs={"slug": nap.slug}),
        {"problem": fourth.pk, "reason": "Also bad"},
    )

    assert response.status_code == 400
    assert "govuk-error-summary" in response.text
    assert "already has its 3 priorities" in response.text
    assert Priority.objects.filter(group=nap).count() == 3


def test_an_organiser_chooses_a_priority(client, cast, nap):
    problem = make_problem(cast)
    client.force_login(make_organiser(cast))
    page = client.get(reverse("problems:group-priorities", kwargs={"slug": nap.slug}))
    assert "Choose a priority" in page.text and problem.title in page.text

    response = client.post(
        reverse("problems:priority-create", kwargs={"slug": nap.slug}),
        {"problem": problem.pk, "reason": "Raised at every meeting"},
    )

    assert response.status_code == 302
    assert Priority.objects.get().rank == 1


@pytest.mark.parametrize("who,status", [("member", 403), ("outsider", 403)])
def test_others_cannot_choose_priorities_and_nothing_changes(client, cast, nap, who, status):
    problem = make_problem(cast)
    client.force_login(getattr(cast, who))
    response = client.post(
        reverse("problems:priority-create", kwargs={"slug": nap.slug}),
        {"problem": problem.pk, "reason": "Me"},
    )
    assert response.status_code == status
    assert not Priority.objects.exists()


def test_a_private_groups_priorities_are_hidden_from_outsiders(client, cast):
    client.force_login(cast.outsider)
    for name in ("group-priorities", "priority-board", "priority-create", "priorities-carry-over"):
        assert (
            client.get(reverse(f"problems:{name}", kwargs={"slug": cast.private_group.slug})).status_code
            == 404
        )


def test_a_plain_member_cannot_remove_a_priority(client, cast, nap):
    priority = _three(cast, nap)[0]
    client.force_login(cast.member)
    response = client.post(reverse("problems:priority-remove", kwargs={"pk": priority.pk}))
    assert response.status_code == 403
    assert Priority.objects.filter(pk=priority.pk).exists()


def test_an_organiser_carries_over_through_the_page(client, cast, nap):
    previous_start = priorities.previous_period(
        "quarter", priorities.period_of("quarter", timezone.localdate())[0]
    )[0]
    priorities.priority_set(
        group=nap, problem=make_problem(cast), reason="Raised", period_start=previous_start
    )
    client.force_login(make_organiser(cast))
    page = client.get(reverse("problems:group-priorities", kwargs={"slug": nap.slug}))
    assert "Carry over the priorities of" in page.text

    response = client.post(reverse("problems:priorities-carry-over", kwargs={"slug": nap.slug}))

    assert response.status_code == 302
    assert Priority.objects.filter(carried_over_from__isnull=False).count() == 1


# --- The board -------------------------------------------------------------------------


def _board_of(cast, count: int):
    jag_type = make_group_type(partnership=cast.partnership, name=f"Joint Action Group {count}", tier=1)
    nap_type = make_group_type(
        partnership=cast.partnership, name=f"Neighbourhood Action Panel {count}", priorities_per_period=3
    )
    jag = make_group(partnership=cast.partnership, group_type=jag_type, name=f"JAG {count}")
    previous_start = priorities.previous_period(
        "quarter", priorities.period_of("quarter", timezone.localdate())[0]
    )[0]
    for n in range(count):
        group = make_group(
            partnership=cast.partnership, group_type=nap_type, name=f"NAP {count}-{n}", parent=jag
        )
        for m in range(3):
            problem = make_problem(
                cast, group=group, title=f"Problem {count}-{n}-{m}", area=cast.neighbourhood
            )
            if m == 0:
                priorities.priority_set(
                    group=group, problem=problem, reason="Before", period_start=previous_start
                )
            priorities.priority_set(group=group, problem=problem, reason="Now")
    return jag


def test_the_board_shows_every_child_groups_priorities_in_a_bounded_number_of_queries(
    client, cast, django_assert_max_num_queries
):
    small, large = _board_of(cast, 2), _board_of(cast, 8)
    url = reverse("problems:priority-board", kwargs={"slug": large.slug})

    with django_assert_max_num_queries(8):
        response = client.get(url)

    assert response.status_code == 200
    for n in range(8):
        assert f"NAP 8-{n}" in response.text
        assert f"Problem 8-{n}-2" in response.text
    assert response.text.count("2nd quarter running") == 8
    assert "Problem 2-0-0" not in response.text
    with django_assert_max_num_queries(8):
        assert client.get(reverse("problems:priority-board", kwargs={"slug": small.slug})).status_code == 200


def test_the_board_hides_problems_that_are_not_public_from_the_public(client, cast):
    jag = _board_of(cast, 1)
    secret = Problem.objects.get(title="Problem 1-0-1")
    secret.is_public = False
    secret.save()

    public = client.get(reverse("problems:priority-board", kwargs={"slug": jag.slug}))
    client.force_login(cast.officer)
    officer = client.get(reverse("problems:priority-board", kwargs={"slug": jag.slug}))

    assert "Problem 1-0-1" not in public.text
    assert "Problem 1-0-1" in officer.text


def test_the_api_lists_priorities_with_persistence(client, cast):
    jag = _board_of(cast, 1)
    response = client.get("/api/v1/priorities/", {"parent": jag.slug, "current": "true"})
    assert response.status_code == 200
    rows = response.json()["results"]
    assert len(rows) == 3
    assert sorted(row["periods_running"] for row in rows) == [1, 1, 2]
