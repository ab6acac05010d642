"""Public votes on candidate priorities: residents rank problems, the group sees the counts.

A group whose type sets priorities may ask residents to rank some of its open, public
problems before it chooses its priorities for a period (the next one by default). Each
signed-in person has one ranking per vote and may change it until the vote closes. The
results count first choices, how many people ranked each problem at all, and points
(Borda: with three ranks a 1st choice scores 3, a 2nd 2 and a 3rd 1). The group still
decides; the counts are evidence for its decision. Who voted is never shown.

Writes (``poll_create``, ``poll_vote``, ``poll_close``) run in one transaction and raise
``ValidationError`` with a message fit to show; reads (``poll_results``, ``group_polls``)
take a fixed number of queries whatever the number of candidates and voters.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, IntegerField, Q, QuerySet, Sum, Value
from django.utils import timezone

from tandem.evidence.selectors import recent_totals
from tandem.partnership.access import Viewer
from tandem.partnership.models import Group

from .access import problems_visible_q
from .models import Priority, PriorityPoll, PriorityPollRanking, Problem
from .priorities import _problems_of, next_period, ordinal, period_of


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


# --- Candidates -----------------------------------------------------------------------


def default_period_start(group: Group) -> dt.date:
    """The first day of the group's next period: the one a vote held now is usually about."""
    return next_period(group.type.priority_period, timezone.localdate())[0]


def poll_candidates(*, group: Group, period_start: dt.date | None = None) -> QuerySet[Problem]:
    """Problems residents may be asked to rank: open, public (on a public group), not merged away,
    owned by the group or one of its child groups, and not already a priority for the period."""
    start = period_of(group.type.priority_period, period_start or default_period_start(group))[0]
    chosen = Priority.objects.filter(group=group, period_start=start).values("problem_id")
    return (
        Problem.objects.filter(
            _problems_of(group),
            status__in=Problem.OPEN_STATUSES,
            is_public=True,
            group__is_public=True,
            merged_into__isnull=True,
        )
        .exclude(pk__in=chosen)
        .select_related("group", "category")
        .order_by("-times_raised", "title")
    )


# --- Writes ---------------------------------------------------------------------------


@transaction.atomic
def poll_create(
    *,
    group: Group,
    title: str,
    description: str = "",
    period_start: dt.date | None = None,
    opens_on: dt.date | None = None,
    closes_on: dt.date | None,
    candidates,
    max_ranks: int | None = None,
    by=None,
) -> PriorityPoll:
    """Ask residents to rank candidate problems before the group chooses its priorities."""
    limit = group.type.priorities_per_period
    if not limit:
        raise ValidationError(
            f"{group.name} does not set priorities (its type of group, {group.type}, has none), "
            "so it cannot ask residents to vote on them."
        )
    today = timezone.localdate()
    kind = group.type.priority_period
    start = period_of(kind, period_start or default_period_start(group))[0]
    opens_on = opens_on or today
    errors: dict[str, str] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = "Enter a title for the vote"
    if opens_on < today:
        errors["opens_on"] = "The vote cannot open in the past"
    if closes_on is None:
        errors["closes_on"] = "Enter the date the vote closes"
    elif closes_on < today:
        errors["closes_on"] = "The closing date must be today or in the future"
    elif closes_on < opens_on:
        errors["closes_on"] = f"The closing date must be on or after the day it opens ({long_date(opens_on)})"
    chosen = list(dict.fromkeys(candidates or []))
    eligible = set(
        poll_candidates(group=group, period_start=start)
        .filter(pk__in=[p.pk for p in chosen])
        .values_list("pk", flat=True)
    )
    refused = [p for p in chosen if p.pk not in eligible]
    if refused:
        names = ", ".join(f"“{p.title}”" for p in refused)
        errors["candidates"] = (
            f"Residents can only rank open, public problems of {group.name} or the groups below it "
            f"that are not already priorities: {names} cannot be ranked"
        )
    elif len(chosen) < 2:
        errors["candidates"] = "Select at least two problems for residents to rank"
    if max_ranks is None:
        max_ranks = min(limit, max(len(chosen), 1))
    elif max_ranks < 1:
        errors["max_ranks"] = "Residents must be able to rank at least one problem"
    elif chosen and not refused and max_ranks > len(chosen):
        errors["max_ranks"] = f"Residents cannot rank more problems than there are candidates ({len(chosen)})"
    if errors:
        raise ValidationError(errors)
    poll = PriorityPoll(
        group=group,
        title=title,
        description=(description or "").strip(),
        period_start=start,
        opens_on=opens_on,
        closes_on=closes_on,
        max_ranks=max_ranks,
        created_by=by if _signed_in(by) else None,
    )
    poll.full_clean()
    poll.save()
    poll.candidates.set(chosen)
    return poll


def poll_check_open(poll: PriorityPoll) -> None:
    """Refuse, with a message fit to show, unless the vote is open today."""
    today = timezone.localdate()
    if poll.closed_at is not None:
        raise ValidationError(
            f"This vote closed on {long_date(timezone.localtime(poll.closed_at).date())}: "
            "rankings can no longer be changed."
        )
    if poll.closes_on < today:
        raise ValidationError(
            f"This vote closed on {long_date(poll.closes_on)}: rankings can no longer be changed."
        )
    if poll.opens_on > today:
        raise ValidationError(f"This vote opens on {long_date(poll.opens_on)}: come back then.")


@transaction.atomic
def poll_vote(*, poll: PriorityPoll, voter, ranking: list[Problem]) -> list[PriorityPollRanking]:
    """Record a person's ranking (the most important problem first), replacing any earlier one."""
    if not _signed_in(voter):
        raise ValidationError("Sign in to rank the problems.")
    # Lock the vote so that closing it and voting cannot cross, nor two votes of one person.
    poll = PriorityPoll.objects.select_for_update().get(pk=poll.pk)
    poll_check_open(poll)
    ranking = list(ranking or [])
    if not ranking:
        raise ValidationError("Rank at least one problem")
    if len(ranking) > poll.max_ranks:
        raise ValidationError(f"Rank at most {poll.max_ranks} problems")
    if len({problem.pk for problem in ranking}) != len(ranking):
        raise ValidationError("Rank each problem once only")
    candidates = set(poll.candidates.values_list("pk", flat=True))
    if any(problem.pk not in candidates for problem in ranking):
        raise ValidationError("Rank only the problems in this vote")
    PriorityPollRanking.objects.filter(poll=poll, voter=voter).delete()
    now = timezone.now()
    return PriorityPollRanking.objects.bulk_create(
        PriorityPollRanking(poll=poll, voter=voter, problem=problem, rank=rank, created_at=now)
        for rank, problem in enumerate(ranking, start=1)
    )


@transaction.atomic
def poll_close(*, poll: PriorityPoll, by=None) -> PriorityPoll:
    """Close the vote before its closing date. Rankings stay; nobody can change them after."""
    locked = PriorityPoll.objects.select_for_update().get(pk=poll.pk)
    if locked.closed_at is not None:
        raise ValidationError(
            f"This vote was already closed on {long_date(timezone.localtime(locked.closed_at).date())}."
        )
    if locked.closes_on < timezone.localdate():
        raise ValidationError(f"This vote already closed on {long_date(locked.closes_on)}.")
    locked.closed_at = timezone.now()
    locked.save(update_fields=["closed_at"])
    poll.closed_at = locked.closed_at
    return locked


# --- Reads ----------------------------------------------------------------------------


@dataclass
class Result:
    problem: Problem
    points: int
    first_choices: int
    ranked_by: int
    share: int = 0  # points as a percentage of the leader's, for the bar (0 to 100)
    incidents: int | None = None  # police data of its category in its area, the last 12 months


@dataclass
class PollResults:
    rows: list[Result]
    voters: int
    max_points: int
    hidden_count: int  # candidates this viewer may no longer see (made private since)
    incident_months: tuple | None = None  # (first, last) month of the police data beside them


def poll_results(*, poll: PriorityPoll, viewer: Viewer | None = None) -> PollResults:
    """Each candidate's points, first choices and the number of people who ranked it, best first
    (by points, then first choices, then title), and the number of people who voted.

    Three queries (four with a viewer), and two for the police data beside them, whatever the
    number of candidates. With a ``viewer``,
    candidates they may not see (a problem made private after the vote opened) are left out
    and counted."""
    candidates = poll.candidates.select_related("category", "group")
    if viewer is not None:
        all_count = poll.candidates.count()
        candidates = candidates.filter(problems_visible_q(viewer))
    problems = list(candidates)
    if viewer is None:
        all_count = len(problems)
    tallies = {
        row["problem_id"]: row
        for row in PriorityPollRanking.objects.filter(poll=poll)
        .values("problem_id")
        .annotate(
            ranked_by=Count("pk"),
            first_choices=Count("pk", filter=Q(rank=1)),
            points=Sum(Value(poll.max_ranks + 1, output_field=IntegerField()) - F("rank")),
        )
        .order_by()
    }
    voters = PriorityPollRanking.objects.filter(poll=poll).values("voter_id").distinct().count()
    rows = []
    for problem in problems:
        tally = tallies.get(problem.pk, {})
        rows.append(
            Result(
                problem=problem,
                points=tally.get("points") or 0,
                first_choices=tally.get("first_choices") or 0,
                ranked_by=tally.get("ranked_by") or 0,
            )
        )
    rows.sort(key=lambda r: (-r.points, -r.first_choices, r.problem.title.casefold(), r.problem.pk))
    top = max((r.points for r in rows), default=0)
    for row in rows:
        row.share = round(100 * row.points / top) if top else 0
    found = PollResults(rows=rows, voters=voters, max_points=top, hidden_count=all_count - len(problems))
    _evidence_beside(found)
    return found


def _evidence_beside(results: PollResults) -> None:
    """The evidence beside the residents' ranking: each candidate's incidents of its category's
    police.uk crime types in its area over the last 12 months of data (two queries)."""
    counted = [
        row for row in results.rows if row.problem.area_id and row.problem.category.police_uk_crime_types
    ]
    totals, months = recent_totals(sorted({row.problem.area_id for row in counted}))
    if months is None:
        return
    results.incident_months = months
    for row in counted:
        row.incidents = sum(
            totals.get((row.problem.area_id, crime_type), 0)
            for crime_type in row.problem.category.police_uk_crime_types
        )


def poll_ranking_of(*, poll: PriorityPoll, voter) -> dict[int, int]:
    """A person's current ranking: {problem id: rank}; empty for visitors and people who have not voted."""
    if not _signed_in(voter):
        return {}
    return dict(PriorityPollRanking.objects.filter(poll=poll, voter=voter).values_list("problem_id", "rank"))


def group_polls(*, group: Group, viewer: Viewer) -> list[PriorityPoll]:
    """The group's votes, newest first, each with ``voters`` (how many people took part).
    Empty for a viewer who may not see the group."""
    if not viewer.can_see_group(group):
        return []
    return list(
        PriorityPoll.objects.filter(group=group)
        .annotate(voters=Count("rankings__voter", distinct=True))
        .order_by("-opens_on", "-pk")
    )


def poll_status(poll: PriorityPoll, today: dt.date | None = None) -> str:
    """ "Open until 31 March 2027", "Closed on 2 March 2027" or "Opens on 1 April 2027"."""
    today = today or timezone.localdate()
    if poll.closed_at is not None:
        return f"Closed on {long_date(timezone.localtime(poll.closed_at).date())}"
    if poll.closes_on < today:
        return f"Closed on {long_date(poll.closes_on)}"
    if poll.opens_on > today:
        return f"Opens on {long_date(poll.opens_on)}"
    return f"Open until {long_date(poll.closes_on)}"


def rank_label(rank: int) -> str:
    """ "1st choice", "2nd choice" …"""
    return f"{ordinal(rank)} choice"
