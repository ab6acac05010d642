"""Quarterly reviews of the annual plan: counts at the quarter's end, RAG ratings, indicators,
narratives, the committee report (PDF and Word) and putting it on the partnership's agenda."""

import datetime as dt
import io
from decimal import Decimal

import docx
import pytest
import weasyprint
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tandem.actionplans import annual, review
from tandem.actionplans.models import Action, AnnualPlan, AnnualPlanEntry, QuarterlyReview, ReviewNarrative
from tandem.meetings.models import AgendaItem, Paper
from tandem.partnership.presets import SCRUTINY_COMMITTEE
from tandem.strategy.models import Indicator, IndicatorValue
from tests.factories import make_group, make_group_type, make_meeting

YEAR = dt.date(2026, 4, 1)
Q2 = dt.date(2026, 7, 1)  # July to September 2026
Q3 = dt.date(2026, 10, 1)  # October to December 2026


def _at(days: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(18, 0)))


def _set(action: Action, **fields) -> Action:
    """Change an action behind the history's back, as if it had always been so."""
    Action.objects.filter(pk=action.pk).update(**fields)
    action.refresh_from_db()
    return action


@pytest.fixture
def priorities(strategy):
    return {p.slug: p for p in strategy.priorities.all()}


@pytest.fixture
def plan(cast, strategy, priorities, make_action) -> AnnualPlan:
    """The 2026/27 plan, known answers at 31 December 2026:

    - Anti-social behaviour: 1 overdue (due 1 December), 1 on track, 1 at risk, 1 done,
      1 cancelled, 1 not started → 1 of 5 overdue (20%) → amber.
    - Rural crime: 2 open actions due in December → 2 of 2 overdue → red.
    - Road safety: 1 done → green.
    """
    asb, rural, roads = (
        priorities["anti-social-behaviour"],
        priorities["rural-crime"],
        priorities["road-safety"],
    )
    make_action(
        "Patrols due 1 December", strategic_priority=asb, status="on_track", due_on=dt.date(2026, 12, 1)
    )
    make_action("Youth club", strategic_priority=asb, status="on_track", due_on=dt.date(2027, 2, 1))
    make_action("CCTV bid", strategic_priority=asb, status="at_risk", due_on=dt.date(2027, 1, 15))
    _set(
        make_action("Leaflet drop", strategic_priority=asb, due_on=dt.date(2026, 11, 1)),
        status="done",
        worked="yes",
        completed_on=dt.date(2026, 10, 20),
    )
    _set(make_action("Dropped idea", strategic_priority=asb, due_on=dt.date(2026, 11, 1)), status="cancelled")
    make_action("Not started yet", strategic_priority=asb, due_on=dt.date(2027, 3, 1))
    make_action("Farm watch", strategic_priority=rural, status="on_track", due_on=dt.date(2026, 12, 10))
    make_action("Quad bike marking", strategic_priority=rural, status="at_risk", due_on=dt.date(2026, 12, 20))
    _set(
        make_action("Speed watch", strategic_priority=roads, due_on=dt.date(2026, 6, 1)),
        status="done",
        worked="partly",
        completed_on=dt.date(2026, 5, 30),
    )
    plan = annual.plan_compile(
        partnership=cast.partnership, strategy=strategy, starts_on=YEAR, by=cast.officer
    )
    annual.plan_approve(
        plan=plan, decision_text="RESOLVED", approved_on=timezone.localdate(), by=cast.officer
    )
    return plan


def _counts(page, slug) -> dict[str, int]:
    block = next(p for p in page.priorities if p.priority and p.priority.slug == slug)
    return {row.status: row.count for row in block.counts if row.count}


def _block(page, slug):
    return next(p for p in page.priorities if p.priority and p.priority.slug == slug)


# --- Quarters and creating a review --------------------------------------------------------------


def test_a_plan_year_has_four_quarters(plan):
    assert review.plan_quarters(plan) == [
        (dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
        (dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
        (dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
        (dt.date(2027, 1, 1), dt.date(2027, 3, 31)),
    ]


def test_a_review_covers_one_quarter_once_with_a_narrative_per_priority_and_a_draft_recommendation(
    cast, plan, strategy
):
    quarterly = review.review_create(plan=plan, period_start=Q3, by=cast.officer)

    assert quarterly.period_end == dt.date(2026, 12, 31)
    assert ReviewNarrative.objects.filter(review=quarterly).count() == strategy.priorities.count()
    assert quarterly.recommendation.startswith(
        "RESOLVED that the Partnership NOTES the progress of the Community Safety Action Plan 2026/27 in "
        "the quarter to 31 December 2026, and "
    )
    assert "Rural crime" in quarterly.recommendation  # the red priority is named
    with pytest.raises(ValidationError, match="already a review of the quarter to 31 December 2026"):
        review.review_create(plan=plan, period_start=Q3)
    with pytest.raises(ValidationError, match="one of the quarters"):
        review.review_create(plan=plan, period_start=dt.date(2026, 10, 2))
    assert QuarterlyReview.objects.count() == 1


# --- Counts at the end of the quarter and RAG ------------------------------------------------------


def test_counts_are_at_the_end_of_the_quarter_with_overdue_derived_at_that_date(cast, plan):
    quarterly = review.review_create(plan=plan, period_start=Q3)

    page = review.review_page(quarterly)

    assert _counts(page, "anti-social-behaviour") == {
        "overdue": 1,  # due 1 December, still on track: overdue at 31 December
        "on_track": 1,
        "at_risk": 1,
        "done": 1,
        "cancelled": 1,
        "not_started": 1,
    }
    assert _counts(page, "rural-crime") == {"overdue": 2}
    assert _counts(page, "road-safety") == {"done": 1}
    assert page.total == 9
    assert [p.rag for p in page.priorities] == ["amber", "red", "green"]
    assert _block(page, "rural-crime").rag_text == "Red: off track"


def test_an_action_completed_after_the_quarter_counts_as_open_at_its_end(cast, plan):
    quarterly = review.review_create(plan=plan, period_start=Q2)  # to 30 September 2026

    page = review.review_page(quarterly)

    # the leaflet drop (due 1 November) was done on 20 October: on track at 30 September
    asb = _counts(page, "anti-social-behaviour")
    assert asb["on_track"] == 3 and "done" not in asb
    assert _counts(page, "rural-crime") == {"on_track": 1, "at_risk": 1}
    assert _counts(page, "road-safety") == {"done": 1}


def test_a_past_quarter_uses_the_status_recorded_by_its_end(cast, plan, priorities, make_action):
    # given an action that was at risk in September and is on track now
    action = make_action(
        "Bridleway gates",
        strategic_priority=priorities["road-safety"],
        status="at_risk",
        due_on=dt.date(2027, 1, 31),
    )
    september = dt.datetime(2026, 9, 1, 12, 0, tzinfo=dt.UTC)
    Action.history.filter(id=action.pk).update(history_date=september)
    action.status = Action.Status.ON_TRACK
    action.save()
    november = dt.datetime(2026, 11, 15, 12, 0, tzinfo=dt.UTC)
    Action.history.filter(id=action.pk, status=Action.Status.ON_TRACK).update(history_date=november)
    AnnualPlanEntry.objects.create(plan=plan, action=action, strategic_priority=priorities["road-safety"])

    q2 = review.review_page(review.review_create(plan=plan, period_start=Q2))
    q3 = review.review_page(review.review_create(plan=plan, period_start=Q3))

    assert _counts(q2, "road-safety") == {"done": 1, "at_risk": 1}
    assert _counts(q3, "road-safety") == {"done": 1, "on_track": 1}


def test_the_review_names_the_public_actions_done_in_the_quarter_and_those_overdue_or_at_risk(
    cast, plan, priorities, make_action
):
    secret = make_action(
        "Covert operation",
        strategic_priority=priorities["rural-crime"],
        status="on_track",
        due_on=dt.date(2026, 12, 5),
        is_public=False,
    )
    AnnualPlanEntry.objects.create(plan=plan, action=secret, strategic_priority=priorities["rural-crime"])

    page = review.review_page(review.review_create(plan=plan, period_start=Q3))

    asb, rural = _block(page, "anti-social-behaviour"), _block(page, "rural-crime")
    assert [(row.action.description, row.evaluation) for row in asb.completed.rows] == [
        ("Leaflet drop", "Yes")
    ]
    assert {row.action.description: row.status_label for row in asb.exceptions.rows} == {
        "Patrols due 1 December": "Overdue",
        "CCTV bid": "At risk",
    }
    assert [row.action.description for row in rural.exceptions.rows] == ["Farm watch", "Quad bike marking"]
    assert rural.exceptions.not_public == 1
    assert _block(page, "road-safety").completed.total == 0  # done in May, not in this quarter
    html = review.report_html(page.review, page)
    assert "Leaflet drop" in html and "Covert operation" not in html
    assert "One further action is not public." in html


@pytest.mark.parametrize(
    "counts, indicators, rag",
    [
        ({"overdue": 2, "on_track": 6}, [], "amber"),  # exactly 25% overdue: not red
        ({"overdue": 2, "on_track": 5}, [], "red"),  # more than a quarter overdue
        ({"overdue": 1, "on_track": 3, "cancelled": 4}, [], "amber"),  # cancelled ones left out: 25%
        ({"on_track": 3}, ["on_target", "off_target"], "red"),  # an indicator off target
        ({"on_track": 3, "at_risk": 1}, ["on_target"], "amber"),
        ({"on_track": 3, "done": 2}, ["on_target", "improving"], "green"),
        ({}, ["no_data"], "none"),
        ({}, ["on_target"], "green"),
    ],
)
def test_the_rag_rule(counts, indicators, rag):
    assert review.priority_rag(counts=counts, indicator_statuses=indicators) == rag


def test_indicators_are_judged_at_the_end_of_the_quarter(cast, plan, priorities):
    roads = priorities["road-safety"]
    indicator = Indicator.objects.create(
        priority=roads,
        name="People killed or seriously injured",
        baseline=Decimal(40),
        target=Decimal(30),
        direction=Indicator.Direction.DOWN,
    )
    IndicatorValue.objects.create(indicator=indicator, period_start=dt.date(2026, 7, 1), value=Decimal(28))
    IndicatorValue.objects.create(indicator=indicator, period_start=dt.date(2027, 1, 1), value=Decimal(45))

    q3 = review.review_page(review.review_create(plan=plan, period_start=Q3))
    q4 = review.review_page(review.review_create(plan=plan, period_start=dt.date(2027, 1, 1)))

    assert [row.progress.status for row in _block(q3, "road-safety").indicators] == ["on_target"]
    assert _block(q3, "road-safety").rag == "green"
    assert [row.progress.text for row in _block(q4, "road-safety").indicators] == ["Off target"]
    assert _block(q4, "road-safety").rag == "red"


# --- Editing and finalising -----------------------------------------------------------------------


def test_officers_write_narratives_and_the_final_review_is_frozen(cast, plan, priorities):
    quarterly = review.review_create(plan=plan, period_start=Q3)
    rural = priorities["rural-crime"]

    review.review_update(
        review=quarterly,
        summary="A difficult quarter for rural crime.",
        recommendation="RESOLVED that the Partnership NOTES the report.",
        narratives={rural.pk: "Two farm actions slipped into January."},
        by=cast.officer,
    )
    review.review_finalise(review=quarterly, by=cast.officer)

    page = review.review_page(quarterly)
    assert _block(page, "rural-crime").narrative == "Two farm actions slipped into January."
    with pytest.raises(ValidationError, match="final, so it cannot change"):
        review.review_update(review=quarterly, summary="", recommendation="Changed", narratives={})
    quarterly.refresh_from_db()
    assert quarterly.recommendation == "RESOLVED that the Partnership NOTES the report."
    assert quarterly.status == QuarterlyReview.Status.FINAL


def test_a_review_needs_a_recommendation(cast, plan):
    quarterly = review.review_create(plan=plan, period_start=Q3)
    with pytest.raises(ValidationError, match="Enter the recommendation"):
        review.review_update(review=quarterly, summary="", recommendation="  ", narratives={})


# --- The committee report --------------------------------------------------------------------------


@pytest.fixture
def final_review(cast, plan) -> QuarterlyReview:
    quarterly = review.review_create(plan=plan, period_start=Q3, by=cast.officer)
    review.review_update(
        review=quarterly,
        summary="Good progress on anti-social behaviour.",
        recommendation=quarterly.recommendation,
        narratives={},
    )
    return review.review_finalise(review=quarterly, by=cast.officer)


def test_the_report_pdf_is_a4_and_its_html_has_every_section_and_the_recommendation(final_review):
    html = review.report_html(final_review)
    document = weasyprint.HTML(string=html).render()

    content = review.report_pdf(final_review)

    assert content.startswith(b"%PDF")
    width, height = document.pages[0].width, document.pages[0].height
    assert (round(width * 25.4 / 96), round(height * 25.4 / 96)) == (210, 297)
    assert len(document.pages) >= 2  # a title page, then the report
    for text in (
        "Community Safety Action Plan 2026/27",
        "Quarterly review: the quarter to 31 December 2026",
        "Report to",
        "Castleford Partnership Board",
        "1. Summary",
        "Good progress on anti-social behaviour.",
        "2. Progress by strategic priority",
        "2.2 Rural crime",
        "Rating: Red: off track",
        "3. Recommendation",
        final_review.recommendation,
    ):
        assert text in html


def test_the_report_docx_has_the_same_sections(client, final_review):
    response = client.get(reverse("actionplans:review-docx", kwargs={"pk": final_review.pk}))

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(
        'filename="castleford-community-safety-partnership-action-plan-review-2026-12-31.docx"'
    )
    document = docx.Document(io.BytesIO(response.content))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[:3] == [
        "Community Safety Action Plan 2026/27: review of the quarter to 31 December 2026",
        "1. Summary",
        "2. Progress by strategic priority",
    ]
    assert {"2.1 Anti-social behaviour", "2.2 Rural crime", "2.3 Road safety", "3. Recommendation"} <= set(
        headings
    )
    text = "\n".join(p.text for p in document.paragraphs)
    assert final_review.recommendation in text
    assert "Rating: Red: off track" in text
    counts = document.tables[0]
    assert [cell.text for cell in counts.rows[2].cells] == [
        "Rural crime",
        "0",
        "0",
        "0",
        "2",
        "0",
        "0",
        "2",
        "Red: off track",
    ]


def test_the_report_pdf_downloads_for_the_public_once_final(client, final_review):
    response = client.get(reverse("actionplans:review-pdf", kwargs={"pk": final_review.pk}))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


# --- The agenda of the partnership's quarterly meeting ----------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_a_final_review_goes_on_the_boards_next_meeting_with_its_report(cast, final_review, media):
    meeting = make_meeting(group=cast.board, starts_at=_at(10))

    item = review.review_to_agenda(review=final_review, meeting=meeting, by=cast.officer)

    assert item.meeting == meeting
    assert item.title == "Community Safety Action Plan 2026/27: review of the quarter to 31 December 2026"
    assert item.description == final_review.recommendation
    paper = Paper.objects.get(item=item)
    assert paper.content_type == "application/pdf"
    assert paper.file.read().startswith(b"%PDF")
    final_review.refresh_from_db()
    assert final_review.agenda_item == item
    with pytest.raises(ValidationError, match="already on that meeting's agenda"):
        review.review_to_agenda(review=final_review, meeting=meeting)


def test_a_final_review_is_the_paper_the_scrutiny_committee_receives(cast, final_review, media):
    # given the partnership's crime and disorder scrutiny committee (a group of the type every
    # preset installs, outside the escalation chain) with a meeting coming up
    committee_type = make_group_type(partnership=cast.partnership, name=SCRUTINY_COMMITTEE.name, tier=3)
    committee = make_group(
        partnership=cast.partnership, group_type=committee_type, name="Crime and Disorder Scrutiny Committee"
    )
    meeting = make_meeting(group=committee, starts_at=_at(20))

    # then the review can go on its agenda, with the report as its paper
    assert meeting in review.agenda_meetings(final_review)
    item = review.review_to_agenda(review=final_review, meeting=meeting, by=cast.officer)
    assert Paper.objects.get(item=item).file.read().startswith(b"%PDF")


@pytest.mark.parametrize("case", ["past", "not the top group", "draft review"])
def test_the_review_goes_only_on_an_upcoming_board_meeting_once_final(cast, plan, final_review, media, case):
    group, starts_at, quarterly = cast.board, _at(10), final_review
    if case == "past":
        starts_at = _at(-10)
    elif case == "not the top group":
        group = cast.group
    else:
        quarterly = review.review_create(plan=plan, period_start=Q2)
    meeting = make_meeting(group=group, starts_at=starts_at)

    with pytest.raises(ValidationError):
        review.review_to_agenda(review=quarterly, meeting=meeting)

    assert not AgendaItem.objects.filter(meeting=meeting).exists()


# --- Pages ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, draft, final",
    [
        ("public", 404, 200),
        ("outsider", 404, 200),
        ("member", 404, 200),
        ("officer", 200, 200),
        ("administrator", 200, 200),
    ],
)
def test_a_review_is_public_once_final(client, cast, plan, role, draft, final):
    quarterly = review.review_create(plan=plan, period_start=Q3)
    if cast.users()[role]:
        client.force_login(cast.users()[role])
    urls = [
        reverse(f"actionplans:review-{name}", kwargs={"pk": quarterly.pk})
        for name in ("detail", "pdf", "docx")
    ]
    assert [client.get(url).status_code for url in urls] == [draft] * 3
    review.review_finalise(review=quarterly)
    assert [client.get(url).status_code for url in urls] == [final] * 3


def test_the_review_page_has_the_chart_the_table_ratings_in_words_and_indicators(
    client, cast, final_review, priorities
):
    indicator = Indicator.objects.create(
        priority=priorities["anti-social-behaviour"],
        name="ASB incidents reported",
        baseline=Decimal(400),
        target=Decimal(300),
    )
    IndicatorValue.objects.create(indicator=indicator, period_start=Q3, value=Decimal(350))

    html = client.get(final_review.get_absolute_url()).content.decode()

    assert '<svg width="100%"' in html and 'role="img"' in html
    assert (
        '<title id="chart-title">Actions by status under each strategic priority at 31 December 2026</title>'
        in html
    )
    assert "Rural crime: 2 actions (2 overdue)" in html  # the chart's description
    assert '<strong class="govuk-tag govuk-tag--red">Red: off track</strong>' in html
    assert '<strong class="govuk-tag govuk-tag--orange">Amber: some concerns</strong>' in html
    assert "ASB incidents reported" in html and "Improving, not yet on target</strong>" in html
    assert final_review.recommendation in html
    assert "Edit the narratives" not in html and "Finalise the review" not in html  # the public cannot


def test_officers_edit_the_narratives_and_finalise_on_the_page(client, cast, plan, priorities):
    quarterly = review.review_create(plan=plan, period_start=Q3)
    url = reverse("actionplans:review-edit", kwargs={"pk": quarterly.pk})
    rural = priorities["rural-crime"]
    client.force_login(cast.officer)
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            "summary": "Mixed.",
            "recommendation": "RESOLVED that the report be NOTED.",
            f"narrative_{rural.pk}": "Farm watch slipped.",
        },
    )
    assert response.status_code == 302
    assert client.post(url, {"finalise": "yes"}).status_code == 302

    quarterly.refresh_from_db()
    assert (quarterly.summary, quarterly.recommendation, quarterly.status) == (
        "Mixed.",
        "RESOLVED that the report be NOTED.",
        QuarterlyReview.Status.FINAL,
    )
    assert "Farm watch slipped." in client.get(quarterly.get_absolute_url()).content.decode()
    refused = client.post(url, {"summary": "x", "recommendation": "y"})
    assert refused.status_code == 400
    quarterly.refresh_from_db()
    assert quarterly.summary == "Mixed."


def test_a_blank_recommendation_is_a_400_and_nothing_changes(client, cast, plan):
    quarterly = review.review_create(plan=plan, period_start=Q3)
    before = quarterly.recommendation
    client.force_login(cast.officer)

    response = client.post(
        reverse("actionplans:review-edit", kwargs={"pk": quarterly.pk}),
        {"summary": "x", "recommendation": ""},
    )

    assert response.status_code == 400
    assert "Enter the recommendation to the partnership" in response.content.decode()
    quarterly.refresh_from_db()
    assert (quarterly.summary, quarterly.recommendation) == ("", before)


@pytest.mark.parametrize("role, status", [("public", 302), ("outsider", 403), ("member", 403)])
def test_only_officers_change_reviews(client, cast, final_review, plan, role, status):
    if cast.users()[role]:
        client.force_login(cast.users()[role])
    for name, pk in (
        ("review-edit", final_review.pk),
        ("review-agenda", final_review.pk),
        ("review-create", plan.pk),
    ):
        assert client.post(reverse(f"actionplans:{name}", kwargs={"pk": pk}), {}).status_code == status
    assert QuarterlyReview.objects.count() == 1


def test_officers_start_a_review_by_choosing_a_quarter(client, cast, plan):
    url = reverse("actionplans:review-create", kwargs={"pk": plan.pk})
    client.force_login(cast.officer)
    assert "The quarter to 31 December 2026" in client.get(url).content.decode()

    assert client.post(url, {"quarter": "2026-10-02"}).status_code == 400
    response = client.post(url, {"quarter": "2026-10-01"})

    quarterly = QuarterlyReview.objects.get()
    assert response.status_code == 302 and response["Location"] == quarterly.get_absolute_url()


def test_officers_put_the_review_on_the_agenda_from_its_page(client, cast, final_review, media):
    meeting = make_meeting(group=cast.board, starts_at=_at(20))
    make_meeting(group=cast.group, starts_at=_at(5))  # not the partnership's board: not offered
    url = reverse("actionplans:review-agenda", kwargs={"pk": final_review.pk})
    client.force_login(cast.officer)
    html = client.get(url).content.decode()
    assert "Castleford Partnership Board" in html and "Oakfield Local Action Group meeting" not in html

    assert client.post(url, {}).status_code == 400
    response = client.post(url, {"meeting": meeting.pk})

    assert response.status_code == 302
    item = AgendaItem.objects.get(meeting=meeting, title__startswith="Community Safety Action Plan")
    assert item.papers.count() == 1
