"""Public votes on candidate priorities: opening one, ranking, closing, results and who sees what."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import User
from tandem.partnership.models import GroupType
from tandem.problems import polls, priorities
from tandem.problems.demo import DEMO_RESIDENTS
from tandem.problems.models import Category, PriorityPoll, PriorityPollRanking, Problem
from tests.factories import make_group, make_organiser, make_user

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


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


@pytest.fixture
def problems(cast, nap):
    return [make_problem(cast, title=title) for title in ("Alpha", "Beta", "Gamma")]


def open_poll(nap, candidates, **fields) -> PriorityPoll:
    fields.setdefault("title", "Which problems matter most?")
    fields.setdefault("closes_on", TODAY() + dt.timedelta(days=14))
    return polls.poll_create(group=nap, candidates=candidates, **fields)


def vote(poll, *ranking, voter=None):
    return polls.poll_vote(poll=poll, voter=voter or make_user(), ranking=list(ranking))


def refusal(call, **kwargs) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        call(**kwargs)
    return refused.value.messages


# --- Opening a vote -------------------------------------------------------------------------


def test_a_vote_is_about_the_next_period_and_ranks_as_many_as_the_group_chooses(cast, nap, problems):
    poll = open_poll(nap, problems, by=cast.officer)

    next_start = priorities.next_period("quarter", TODAY())[0]
    assert poll.period_start == next_start
    assert poll.opens_on == TODAY()
    assert poll.max_ranks == 3
    assert set(poll.candidates.all()) == set(problems)
    assert poll.created_by == cast.officer
    assert poll.is_open


def test_with_two_candidates_each_person_ranks_at_most_two(cast, nap, problems):
    assert open_poll(nap, problems[:2]).max_ranks == 2


def test_a_group_that_does_not_set_priorities_cannot_hold_a_vote(cast):
    board_problems = [make_problem(cast, group=cast.board, title=f"Board {n}") for n in range(2)]

    messages = refusal(open_poll, nap=cast.board, candidates=board_problems)

    assert messages == [
        f"{cast.board.name} does not set priorities (its type of group, {cast.board.type}, has none), "
        "so it cannot ask residents to vote on them."
    ]
    assert not PriorityPoll.objects.exists()


def test_a_vote_needs_two_candidates(cast, nap, problems):
    assert refusal(open_poll, nap=nap, candidates=problems[:1]) == [
        "Select at least two problems for residents to rank"
    ]
    assert not PriorityPoll.objects.exists()


def test_closed_private_merged_and_other_groups_problems_cannot_be_candidates(cast, nap, problems):
    closed = make_problem(cast, title="Closed one", status=Problem.Status.CLOSED, closed_reason="Done")
    private = make_problem(cast, title="Private one", is_public=False)
    merged = make_problem(cast, title="Merged one", merged_into=problems[0])
    elsewhere = make_problem(cast, group=cast.board, title="The board's own")

    for bad in (closed, private, merged, elsewhere):
        messages = refusal(open_poll, nap=nap, candidates=[problems[0], bad])
        assert f"“{bad.title}” cannot be ranked" in messages[0]
    assert not PriorityPoll.objects.exists()


def test_a_child_groups_public_problem_can_be_a_candidate(cast, nap, problems):
    child = make_group(partnership=cast.partnership, group_type=cast.lag_type, name="Child", parent=nap)
    theirs = make_problem(cast, group=child, title="Child's problem")

    assert theirs in polls.poll_candidates(group=nap)
    assert theirs in open_poll(nap, [problems[0], theirs]).candidates.all()


def test_a_vote_cannot_rank_more_than_its_candidates(cast, nap, problems):
    assert refusal(open_poll, nap=nap, candidates=problems, max_ranks=4) == [
        "Residents cannot rank more problems than there are candidates (3)"
    ]


@pytest.mark.parametrize(
    "dates,message",
    [
        ({"closes_on": dt.date(2020, 1, 1)}, "The closing date must be today or in the future"),
        (
            {"opens_on": dt.date(2099, 2, 1), "closes_on": dt.date(2099, 1, 31)},
            "The closing date must be on or after the day it opens (1 February 2099)",
        ),
        ({"opens_on": dt.date(2020, 1, 1)}, "The vote cannot open in the past"),
    ],
)
def test_it_refuses_impossible_dates(cast, nap, problems, dates, message):
    assert refusal(open_poll, nap=nap, candidates=problems, **dates) == [message]
    assert not PriorityPoll.objects.exists()


# --- Voting ---------------------------------------------------------------------------------


def test_a_second_ranking_replaces_the_first(cast, nap, problems):
    alpha, beta, gamma = problems
    poll = open_poll(nap, problems)
    vote(poll, alpha, beta, gamma, voter=cast.member)

    vote(poll, gamma, voter=cast.member)

    assert list(PriorityPollRanking.objects.filter(poll=poll).values_list("problem", "rank")) == [
        (gamma.pk, 1)
    ]


@pytest.mark.parametrize("how", ["closed early", "past its closing date", "not open yet"])
def test_a_vote_that_is_not_open_refuses_rankings(cast, nap, problems, how):
    poll = open_poll(nap, problems)
    vote(poll, problems[0], voter=cast.member)
    if how == "closed early":
        polls.poll_close(poll=poll)
        expected = f"This vote closed on {polls.long_date(TODAY())}: rankings can no longer be changed."
    elif how == "past its closing date":
        PriorityPoll.objects.filter(pk=poll.pk).update(
            opens_on=dt.date(2020, 1, 1), closes_on=dt.date(2020, 1, 31)
        )
        expected = "This vote closed on 31 January 2020: rankings can no longer be changed."
    else:
        PriorityPoll.objects.filter(pk=poll.pk).update(
            opens_on=dt.date(2099, 1, 1), closes_on=dt.date(2099, 1, 31)
        )
        expected = "This vote opens on 1 January 2099: come back then."
    poll.refresh_from_db()

    assert refusal(polls.poll_vote, poll=poll, voter=cast.member, ranking=[problems[1]]) == [expected]
    assert list(PriorityPollRanking.objects.values_list("problem", flat=True)) == [problems[0].pk]


def test_it_refuses_bad_rankings_and_keeps_the_old_one(cast, nap, problems):
    alpha, beta, gamma = problems
    outside = make_problem(cast, title="Not a candidate")
    poll = open_poll(nap, [alpha, beta], max_ranks=2)
    vote(poll, alpha, voter=cast.member)

    def attempt(ranking, voter=cast.member):
        return refusal(polls.poll_vote, poll=poll, voter=voter, ranking=ranking)

    assert attempt([]) == ["Rank at least one problem"]
    assert attempt([alpha, alpha]) == ["Rank each problem once only"]
    assert attempt([alpha, outside]) == ["Rank only the problems in this vote"]
    assert attempt([alpha, beta, gamma]) == ["Rank at most 2 problems"]
    assert attempt([alpha], voter=None) == ["Sign in to rank the problems."]
    assert list(PriorityPollRanking.objects.values_list("problem", "rank")) == [(alpha.pk, 1)]


def test_closing_twice_is_refused(cast, nap, problems):
    poll = open_poll(nap, problems)
    polls.poll_close(poll=poll, by=cast.officer)

    assert refusal(polls.poll_close, poll=poll) == [
        f"This vote was already closed on {polls.long_date(TODAY())}."
    ]
    assert poll.has_closed and not poll.is_open


# --- Results --------------------------------------------------------------------------------


def test_results_count_points_first_choices_and_people_best_first(cast, nap, problems):
    alpha, beta, gamma = problems
    poll = open_poll(nap, problems)
    vote(poll, alpha, beta, gamma)  # alpha 3, beta 2, gamma 1
    vote(poll, beta, alpha)  # beta 3, alpha 2
    vote(poll, beta)  # beta 3
    vote(poll, gamma, alpha)  # gamma 3, alpha 2

    results = polls.poll_results(poll=poll)

    assert results.voters == 4
    assert [(r.problem.title, r.points, r.first_choices, r.ranked_by) for r in results.rows] == [
        ("Beta", 8, 2, 3),
        ("Alpha", 7, 1, 3),
        ("Gamma", 4, 1, 2),
    ]
    assert [r.share for r in results.rows] == [100, 88, 50]


def test_ties_on_points_go_to_more_first_choices_then_the_title(cast, nap, problems):
    alpha, beta, gamma = problems
    poll = open_poll(nap, problems)
    vote(poll, beta, alpha)  # beta 3, alpha 2
    vote(poll, gamma, alpha, beta)  # gamma 3, alpha 2, beta 1

    rows = polls.poll_results(poll=poll).rows

    # alpha and beta both have 4 points; beta was someone's 1st choice.
    assert [(r.problem.title, r.points) for r in rows] == [("Beta", 4), ("Alpha", 4), ("Gamma", 3)]
    other = open_poll(nap, [alpha, beta], title="Tie", max_ranks=2)
    vote(other, beta, alpha)
    vote(other, alpha, beta)
    assert [r.problem.title for r in polls.poll_results(poll=other).rows] == ["Alpha", "Beta"]


def test_results_take_the_same_queries_whatever_the_number_of_candidates(
    cast, nap, django_assert_num_queries
):
    many = [make_problem(cast, title=f"Problem {n}") for n in range(12)]
    poll = open_poll(nap, many)
    for n in range(6):
        vote(poll, *many[n : n + 3])

    with django_assert_num_queries(3):
        results = polls.poll_results(poll=poll)

    assert len(results.rows) == 12 and results.voters == 6
    assert sum(r.ranked_by for r in results.rows) == 18


# --- Pages ----------------------------------------------------------------------------------


def detail(poll):
    return reverse("problems:poll-detail", kwargs={"pk": poll.pk})


@pytest.mark.parametrize("role", ["public", "outsider", "member", "officer", "administrator"])
def test_everyone_sees_a_public_groups_vote_and_its_counts(client, cast, nap, problems, role):
    poll = open_poll(nap, problems)
    vote(poll, problems[1], problems[0])
    user = cast.users()[role]
    if user:
        client.force_login(user)

    response = client.get(detail(poll))

    assert response.status_code == 200
    assert poll.title in response.text and "Open until" in response.text
    assert "1 person has voted" in response.text
    assert problems[1].get_absolute_url() in response.text
    if user:
        assert "Rank the problems that matter most to you" in response.text
        assert "Sign in to rank the problems" not in response.text
    else:
        assert "Sign in to rank the problems" in response.text
        assert "Rank the problems that matter most to you" not in response.text


@pytest.mark.parametrize(
    "role,status", [("public", 404), ("outsider", 404), ("member", 404), ("officer", 200)]
)
def test_a_private_groups_vote_is_not_found_by_people_outside_it(client, cast, nap, role, status):
    poll = PriorityPoll.objects.create(
        group=cast.private_group,
        title="Secret vote",
        period_start=TODAY(),
        closes_on=TODAY(),
    )
    user = cast.users()[role]
    if user:
        client.force_login(user)

    assert client.get(detail(poll)).status_code == status
    if status == 404:
        assert client.post(detail(poll), {}).status_code == 404


def test_the_page_never_shows_who_voted(client, cast, nap, problems):
    poll = open_poll(nap, problems)
    voter = make_user(name="Vera Voterington", email="vera@example.org")
    vote(poll, problems[2], voter=voter)
    client.force_login(cast.officer)

    response = client.get(detail(poll))

    assert "1 person has voted" in response.text
    assert "Vera" not in response.text and "vera@example.org" not in response.text


def test_a_signed_in_resident_ranks_the_problems_and_sees_their_ranking_again(client, cast, nap, problems):
    alpha, beta, gamma = problems
    poll = open_poll(nap, problems)
    client.force_login(cast.outsider)

    response = client.post(detail(poll), {f"rank_{gamma.pk}": "1", f"rank_{alpha.pk}": "2"})

    assert response.status_code == 302 and response.url == detail(poll)
    assert list(PriorityPollRanking.objects.filter(voter=cast.outsider).values_list("problem", "rank")) == [
        (gamma.pk, 1),
        (alpha.pk, 2),
    ]
    page = client.get(detail(poll))
    assert "Thank you: your ranking has been recorded." in page.text
    assert "Change my ranking" in page.text
    assert '<option value="1" selected>1st choice</option>' in page.text
    assert '<option value="2" selected>2nd choice</option>' in page.text


@pytest.mark.parametrize(
    "ranks,message",
    [
        ({}, "Rank at least one problem: choose “1st choice” for the one that matters most to you"),
        ((1, 1), "You chose 1st choice for more than one problem: give each choice to one problem only"),
        ((1, 1, 2), "You chose 1st choice for more than one problem: give each choice"),
        ((2, 3), "You chose a 2nd choice but no 1st choice: number your choices in order"),
        ((1, 3), "You chose a 3rd choice but no 2nd choice"),
        ((1, 9), "Choose 1st choice, 2nd choice, 3rd choice or Not ranked for “Beta”"),
        ((1, "x"), "Choose 1st choice, 2nd choice, 3rd choice or Not ranked for “Beta”"),
    ],
)
def test_bad_rankings_are_refused_with_a_clear_message(client, cast, nap, problems, ranks, message):
    poll = open_poll(nap, problems)
    client.force_login(cast.member)
    data = {f"rank_{problem.pk}": str(rank) for problem, rank in zip(problems, ranks, strict=False)}

    response = client.post(detail(poll), data)

    assert response.status_code == 400
    assert "govuk-error-summary" in response.text
    assert message in response.text.replace("&#x27;", "'")
    assert not PriorityPollRanking.objects.exists()


def test_two_choices_given_twice_are_both_named(client, cast, nap, problems):
    fourth = make_problem(cast, title="Delta")
    poll = open_poll(nap, [*problems, fourth])
    client.force_login(cast.member)
    data = {f"rank_{p.pk}": rank for p, rank in zip([*problems, fourth], ["1", "1", "2", "2"], strict=True)}

    response = client.post(detail(poll), data)

    assert response.status_code == 400
    assert "You chose 1st choice and 2nd choice for more than one problem each" in response.text


def test_a_visitor_who_posts_a_ranking_is_sent_to_sign_in_and_nothing_is_saved(client, cast, nap, problems):
    poll = open_poll(nap, problems)

    response = client.post(detail(poll), {f"rank_{problems[0].pk}": "1"})

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not PriorityPollRanking.objects.exists()


def test_a_closed_vote_shows_results_but_no_form_and_refuses_rankings(client, cast, nap, problems):
    poll = open_poll(nap, problems)
    vote(poll, problems[0])
    polls.poll_close(poll=poll)
    client.force_login(cast.member)

    page = client.get(detail(poll))
    response = client.post(detail(poll), {f"rank_{problems[1].pk}": "1"})

    assert "Closed on" in page.text and "Rank the problems" not in page.text
    assert "Results" in page.text and "1 person has voted" in page.text
    assert response.status_code == 400
    assert "rankings can no longer be changed" in response.text
    assert PriorityPollRanking.objects.count() == 1


def test_problem_titles_are_shown_as_text_in_the_ranking_form(client, cast, nap, problems):
    sneaky = make_problem(cast, title="<b>Loud</b> parties")
    poll = open_poll(nap, [problems[0], sneaky])
    client.force_login(cast.member)

    response = client.get(detail(poll))

    assert "<b>Loud</b>" not in response.text
    assert "&lt;b&gt;Loud&lt;/b&gt; parties" in response.text


# --- Opening a vote through the page --------------------------------------------------------


def create_url(group):
    return reverse("problems:poll-create", kwargs={"slug": group.slug})


def form_data(problems, **overrides):
    closes = TODAY() + dt.timedelta(days=10)
    data = {
        "title": "Which problems matter most?",
        "description": "The Panel meets next month.",
        "closes_on_0": str(closes.day),
        "closes_on_1": str(closes.month),
        "closes_on_2": str(closes.year),
        "candidates": [p.pk for p in problems],
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    "role,status",
    [("public", 302), ("outsider", 403), ("member", 403), ("officer", 200), ("administrator", 200)],
)
def test_only_organisers_and_officers_may_open_a_vote(client, cast, nap, problems, role, status):
    user = cast.users()[role]
    if user:
        client.force_login(user)

    assert client.get(create_url(nap)).status_code == status
    assert client.post(create_url(nap), form_data(problems)).status_code == (302 if status == 200 else status)
    assert PriorityPoll.objects.count() == (1 if status == 200 else 0)


def test_a_private_groups_vote_form_is_not_found_by_outsiders(client, cast, nap):
    client.force_login(cast.outsider)
    assert client.get(create_url(cast.private_group)).status_code == 404


def test_an_organiser_opens_a_vote(client, cast, nap, problems):
    client.force_login(make_organiser(cast))
    page = client.get(create_url(nap))
    assert "Problems residents can rank" in page.text and "For example, 31 3 2027" in page.text

    response = client.post(create_url(nap), form_data(problems[:2]))

    poll = PriorityPoll.objects.get()
    assert response.status_code == 302 and response.url == detail(poll)
    assert set(poll.candidates.all()) == set(problems[:2])
    assert poll.max_ranks == 2
    assert poll.closes_on == TODAY() + dt.timedelta(days=10)


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"title": ""}, "Enter the title"),
        ({"candidates": []}, "Select at least two problems for residents to rank"),
        ({"closes_on_0": "", "closes_on_1": "", "closes_on_2": ""}, "Enter the closing date"),
        ({"closes_on_0": "31", "closes_on_1": "2"}, "Enter a real date, for example 27 3 2025"),
        ({"closes_on_2": "2020"}, "The closing date must be today or in the future"),
        ({"max_ranks": "7"}, "Residents cannot rank more problems than there are candidates (3)"),
        ({"max_ranks": "many"}, "Enter a whole number, for example 3"),
        ({"candidates": ["999999"]}, "Select only problems in the list"),
    ],
)
def test_bad_input_to_the_vote_form_gives_400_and_opens_nothing(
    client, cast, nap, problems, overrides, message
):
    client.force_login(cast.officer)

    response = client.post(create_url(nap), form_data(problems, **overrides))

    assert response.status_code == 400
    assert "govuk-error-summary" in response.text
    assert message in response.text
    assert not PriorityPoll.objects.exists()


def test_a_group_that_does_not_set_priorities_is_told_so(client, cast, problems):
    client.force_login(cast.officer)

    page = client.get(create_url(cast.board))
    response = client.post(create_url(cast.board), form_data(problems))

    assert page.status_code == 200 and "does not set priorities" in page.text
    assert response.status_code == 400 and "does not set priorities" in response.text
    assert not PriorityPoll.objects.exists()


# --- Closing early and the organisers' links ------------------------------------------------


def close_url(poll):
    return reverse("problems:poll-close", kwargs={"pk": poll.pk})


def test_organisers_see_how_to_close_the_vote_and_choose_from_the_results(client, cast, nap, problems):
    poll = open_poll(nap, problems)
    client.force_login(cast.member)
    assert "Close the vote now" not in client.get(detail(poll)).text

    client.force_login(make_organiser(cast))
    page = client.get(detail(poll))

    assert "Close the vote now" in page.text
    choose = reverse("problems:priority-create", kwargs={"slug": nap.slug}) + f"?problem={problems[0].pk}"
    assert choose in page.text
    form = client.get(choose)
    assert f'<option value="{problems[0].pk}" selected>' in form.text


def test_closing_is_a_post_for_organisers_only(client, cast, nap, problems):
    poll = open_poll(nap, problems)
    client.force_login(cast.member)
    assert client.get(close_url(poll)).status_code == 405
    assert client.post(close_url(poll)).status_code == 403
    client.force_login(cast.outsider)
    assert client.post(close_url(poll)).status_code == 403
    poll.refresh_from_db()
    assert poll.closed_at is None

    client.force_login(make_organiser(cast))
    response = client.post(close_url(poll))

    assert response.status_code == 302
    poll.refresh_from_db()
    assert poll.closed_at is not None
    again = client.post(close_url(poll))
    assert again.status_code == 400 and "already closed" in again.text


def test_closing_a_private_groups_vote_is_not_found_by_outsiders(client, cast, nap):
    poll = PriorityPoll.objects.create(
        group=cast.private_group, title="Secret vote", period_start=TODAY(), closes_on=TODAY()
    )
    client.force_login(cast.outsider)
    assert client.post(close_url(poll)).status_code == 404
    poll.refresh_from_db()
    assert poll.closed_at is None


def test_the_priorities_page_lists_the_groups_votes(client, cast, nap, problems):
    current = open_poll(nap, problems, title="This quarter's vote")
    old = open_poll(nap, problems, title="Last year's vote")
    polls.poll_close(poll=old)

    page = client.get(reverse("problems:group-priorities", kwargs={"slug": nap.slug}))
    assert "Public votes" in page.text
    assert current.get_absolute_url() in page.text and old.get_absolute_url() in page.text
    assert "Past votes" in page.text
    assert "Ask residents to vote" not in page.text

    client.force_login(make_organiser(cast))
    organiser_page = client.get(reverse("problems:group-priorities", kwargs={"slug": nap.slug}))
    assert create_url(nap) in organiser_page.text


def test_the_priorities_page_of_a_group_without_priorities_offers_no_vote(client, cast):
    client.force_login(cast.officer)
    page = client.get(reverse("problems:group-priorities", kwargs={"slug": cast.board.slug}))
    assert "Public votes" not in page.text and "Ask residents to vote" not in page.text


# --- The demo -------------------------------------------------------------------------------


def test_the_demo_has_an_open_vote_with_rankings_and_loads_only_once():
    with open("/dev/null", "w") as quiet:
        call_command("load_demo", stdout=quiet)
        counts = (PriorityPoll.objects.count(), PriorityPollRanking.objects.count(), User.objects.count())
        call_command("load_demo", stdout=quiet)

    assert (PriorityPoll.objects.count(), PriorityPollRanking.objects.count(), User.objects.count()) == counts
    poll = PriorityPoll.objects.get()
    assert poll.is_open
    assert PriorityPollRanking.objects.count() >= 24
    results = polls.poll_results(poll=poll)
    assert results.voters == DEMO_RESIDENTS and results.rows[0].points > 0
    residents = User.objects.filter(email__startswith="demo-resident-")
    assert residents.exists() and not any(user.has_usable_password() for user in residents)


def test_the_vote_page_takes_the_same_queries_whatever_the_number_of_candidates(
    client, cast, nap, django_assert_max_num_queries
):
    small = open_poll(nap, [make_problem(cast, title=f"Small {n}") for n in range(2)], title="Small")
    large = open_poll(nap, [make_problem(cast, title=f"Large {n}") for n in range(15)], title="Large")
    for poll in (small, large):
        vote(poll, *poll.candidates.all()[:2])
    client.force_login(make_organiser(cast))

    with django_assert_max_num_queries(20) as small_page:
        client.get(detail(small))
    with django_assert_max_num_queries(20) as large_page:
        response = client.get(detail(large))

    assert response.text.count("Choose as a priority") == 15
    assert len(large_page.captured_queries) == len(small_page.captured_queries)


def test_the_results_show_each_candidates_police_data_beside_the_votes(
    client, cast, nap, django_assert_num_queries
):
    from tandem.evidence.models import AreaMonthCount

    asb = Category.objects.get(slug="anti-social-behaviour")
    asb.police_uk_crime_types = ["Anti-social behaviour"]
    asb.save()
    here = make_problem(cast, title="Here", area=cast.neighbourhood)
    nowhere = make_problem(cast, title="Nowhere")  # no area: not covered
    poll = open_poll(nap, [here, nowhere])
    for month in range(1, 13):
        AreaMonthCount.objects.create(
            area=cast.neighbourhood,
            month=dt.date(2025, month, 1),
            crime_type="Anti-social behaviour",
            count=3,
        )
    AreaMonthCount.objects.create(
        area=cast.neighbourhood, month=dt.date(2024, 12, 1), crime_type="Anti-social behaviour", count=99
    )
    AreaMonthCount.objects.create(
        area=cast.neighbourhood, month=dt.date(2025, 6, 1), crime_type="Burglary", count=50
    )

    with django_assert_num_queries(5):
        results = polls.poll_results(poll=poll)

    assert {row.problem.title: row.incidents for row in results.rows} == {"Here": 36, "Nowhere": None}
    assert results.incident_months == (dt.date(2025, 1, 1), dt.date(2025, 12, 1))
    page = client.get(reverse("problems:poll-detail", args=[poll.pk])).content.decode()
    assert "Police data: incidents Jan 2025 to Dec 2025" in page and "Not covered" in page
