import json

import pytest
from django.urls import reverse

from tandem.partnership.models import Membership
from tandem.problems import services
from tandem.problems.models import Category, Problem, ProblemNote, ProblemStatusChange
from tests.factories import Cast, make_membership, make_organiser, make_person, make_user


def category(slug: str = "anti-social-behaviour") -> Category:
    return Category.objects.get(slug=slug)


def make_problem(cast: Cast, **fields) -> Problem:
    fields.setdefault("title", "Motorbikes racing on the playing field")
    fields.setdefault("category", category())
    fields.setdefault("group", cast.group)
    return services.problem_create(partnership=cast.partnership, by=cast.officer, **fields)


def url(name: str, **kwargs) -> str:
    return reverse(f"problems:{name}", kwargs=kwargs or None)


# --- The list and the map --------------------------------------------------------------------


def test_the_public_see_public_problems_only(client, cast: Cast) -> None:
    make_problem(cast, title="Public speeding")
    make_problem(cast, title="Hidden dealing", is_public=False)
    make_problem(cast, title="Private panel problem", group=cast.private_group)

    page = client.get(url("problem-list")).content.decode()

    assert "Public speeding" in page
    assert "Hidden dealing" not in page
    assert "Private panel problem" not in page


def test_members_and_officers_see_their_groups_private_problems(client, cast: Cast) -> None:
    make_problem(cast, title="Hidden dealing", is_public=False)
    make_problem(cast, title="Private panel problem", group=cast.private_group)

    client.force_login(cast.member)
    page = client.get(url("problem-list")).content.decode()
    assert "Hidden dealing" in page
    assert "Private panel problem" not in page

    client.force_login(cast.officer)
    page = client.get(url("problem-list")).content.decode()
    assert "Hidden dealing" in page
    assert "Private panel problem" in page


def test_the_list_filters_by_category_status_group_area_persistence_and_words(client, cast: Cast) -> None:
    noise = make_problem(cast, title="Loud music", category=category("noise"), area=cast.neighbourhood)
    persistent = make_problem(cast, title="Graffiti on the bridge", category=category("criminal-damage"))
    services.problem_raise_again(problem=persistent, raised_by="resident", by=cast.officer)
    analysed = make_problem(cast, title="Bikes on paths", area=cast.district)
    services.problem_set_status(problem=analysed, to_status="analysis", reason="", by=cast.officer)

    def titles(**query) -> set[str]:
        response = client.get(url("problem-list"), query)
        assert response.status_code == 200
        return {p.title for p in response.context["page"].object_list}

    assert titles(category="noise") == {noise.title}
    assert titles(status="analysis") == {analysed.title}
    assert titles(status="open") == {noise.title, persistent.title, analysed.title}
    assert titles(raised="2") == {persistent.title}
    assert titles(q="graffiti") == {persistent.title}
    assert titles(area=cast.district.slug) == {noise.title, analysed.title}  # with the areas within it
    assert titles(area=cast.neighbourhood.slug) == {noise.title}
    assert titles(group=cast.group.slug) == {noise.title, persistent.title, analysed.title}


@pytest.mark.parametrize(
    "query",
    [
        {"status": "nonsense"},
        {"raised": "lots"},
        {"raised": "-1"},
        {"category": "no-such"},
        {"area": "\x00"},
        {"group": "oakfield-case-panel"},  # private: not visible to the public
        {"page": "999"},
        {"q": "x" * 500},
    ],
)
def test_bad_filter_values_are_reported_and_left_out_never_a_server_error(client, cast: Cast, query) -> None:
    make_problem(cast, title="Public speeding")

    for name in ("problem-list", "problem-map"):
        response = client.get(url(name), query)
        assert response.status_code in (200, 400)
        assert "Public speeding" in response.content.decode()


def test_the_map_carries_only_visible_points(client, cast: Cast) -> None:
    make_problem(cast, title="Seen", latitude=53.75, longitude=-1.35)
    make_problem(cast, title="Hidden", latitude=53.76, longitude=-1.35, is_public=False)
    make_problem(cast, title="No pin")

    response = client.get(url("problem-map"))

    assert response.status_code == 200
    points = response.context["points"]
    assert [f["properties"]["title"] for f in points["features"]] == ["Seen"]
    assert points["features"][0]["geometry"]["coordinates"] == [-1.35, 53.75]
    page = response.content.decode()
    assert 'id="problem-points"' in page
    assert "No pin" in page  # the list below the map has every problem


def test_the_map_says_when_it_shows_only_some_points(client, cast: Cast, monkeypatch) -> None:
    from tandem.problems import selectors

    monkeypatch.setattr(selectors, "MAP_POINT_LIMIT", 1)
    for n in range(2):
        make_problem(cast, title=f"Pin {n}", latitude=53.75, longitude=-1.35)

    response = client.get(url("problem-map"))

    assert len(response.context["points"]["features"]) == 1
    assert "the map shows the 1 most recently raised" in response.content.decode()


def test_the_list_page_needs_a_bounded_number_of_queries(
    client, cast: Cast, django_assert_max_num_queries
) -> None:
    rows = [
        Problem(
            partnership=cast.partnership,
            group=cast.group if n % 2 else cast.private_group,
            title=f"Problem {n}",
            category=category(),
            area=cast.neighbourhood,
        )
        for n in range(120)
    ]
    Problem.objects.bulk_create(rows)
    client.force_login(cast.member)

    with django_assert_max_num_queries(15):
        response = client.get(url("problem-list"), {"area": cast.district.slug, "raised": "1"})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 50


# --- A problem's page -------------------------------------------------------------------------


def test_the_public_never_see_who_raised_a_problem(client, cast: Cast) -> None:
    problem = make_problem(cast, raised_by_person=cast.chair_person, raised_by_organisation=cast.police)
    services.note_add(problem=problem, text="Secret note", by=cast.officer)

    page = client.get(problem.get_absolute_url()).content.decode()

    assert problem.title in page
    assert "Chris Chair" not in page
    assert "Castleford Police" not in page
    assert "Secret note" not in page

    client.force_login(cast.member)
    page = client.get(problem.get_absolute_url()).content.decode()
    assert "Chris Chair" in page
    assert "Secret note" in page


def test_a_private_problem_is_not_found_for_outsiders(client, cast: Cast) -> None:
    problem = make_problem(cast, is_public=False)

    assert client.get(problem.get_absolute_url()).status_code == 404
    client.force_login(cast.outsider)
    assert client.get(problem.get_absolute_url()).status_code == 404
    client.force_login(cast.member)
    assert client.get(problem.get_absolute_url()).status_code == 200


def test_the_timeline_shows_reports_status_changes_notes_merges_priorities_and_escalations(
    client, cast: Cast
) -> None:
    import datetime as dt

    from tandem.problems.models import Escalation, Priority

    problem = make_problem(cast, title="Fly-tipping in Mill Lane")
    duplicate = make_problem(cast, title="Rubbish in Mill Lane")
    services.problem_raise_again(problem=problem, raised_by="agency", by=cast.officer)
    services.problem_set_status(
        problem=problem, to_status="analysis", reason="Looking into it", by=cast.officer
    )
    services.note_add(problem=problem, text="Camera requested", by=cast.officer)
    services.problem_merge(source=duplicate, target=problem, by=cast.officer)
    Priority.objects.create(
        group=cast.group,
        problem=problem,
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 3, 31),
        reason="Raised at every meeting",
    )
    Escalation.objects.create(problem=problem, from_group=cast.group, to_group=cast.board, reason="Too big")
    client.force_login(cast.officer)

    page = client.get(problem.get_absolute_url()).content.decode()

    for text in (
        "Raised again",
        "Status changed from scanning to analysis",
        "Looking into it",
        "Camera requested",
        f"Merged in from #{duplicate.pk}",
        f"Made a priority of {cast.group.name}",
        f"Escalated from {cast.group.name} to {cast.board.name}",
    ):
        assert text in page, text
    source_page = client.get(duplicate.get_absolute_url()).content.decode()
    assert f"Merged into #{problem.pk}" in source_page


def test_the_outside_flag_is_shown_to_insiders_only(client, cast: Cast) -> None:
    cast.neighbourhood.boundary = {
        "type": "Polygon",
        "coordinates": [[[-1.4, 53.7], [-1.3, 53.7], [-1.3, 53.8], [-1.4, 53.8], [-1.4, 53.7]]],
    }
    cast.neighbourhood.save()
    problem = make_problem(cast, latitude=51.5, longitude=-0.1)

    assert "Outside the partnership" not in client.get(problem.get_absolute_url()).content.decode()
    client.force_login(cast.officer)
    assert "Outside the partnership" in client.get(problem.get_absolute_url()).content.decode()


def test_possible_duplicates_are_offered_to_workers(client, cast: Cast) -> None:
    existing = make_problem(cast, title="Drug dealing by the bus stop", area=cast.neighbourhood)
    new = make_problem(cast, title="Dealing at the bus stop", area=cast.neighbourhood)

    client.force_login(cast.officer)
    page = client.get(new.get_absolute_url()).content.decode()
    assert "Possible duplicates" in page
    assert f"#{existing.pk}" in page

    client.force_login(cast.member)
    assert "Possible duplicates" not in client.get(new.get_absolute_url()).content.decode()


# --- Changes --------------------------------------------------------------------------------


def _data() -> dict:
    return {
        "group": "",
        "title": "Cars speeding on Mill Lane",
        "description": "Every evening",
        "category": str(category("speeding-road-safety").pk),
        "area": "",
        "location_text": "Mill Lane",
        "latitude": "53.75",
        "longitude": "-1.35",
        "raised_by": "resident",
        "raised_by_organisation": "",
        "is_public": "on",
    }


def test_an_officer_records_a_problem(client, cast: Cast) -> None:
    client.force_login(cast.officer)
    data = {**_data(), "group": str(cast.group.pk)}

    response = client.post(url("problem-create"), data)

    problem = Problem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == problem.get_absolute_url()
    assert problem.partnership == cast.partnership
    assert problem.status_changes.get().changed_by == cast.officer


def test_a_groups_chair_records_a_problem_for_their_group_only(client, cast: Cast) -> None:
    client.force_login(make_organiser(cast))

    refused = client.post(url("problem-create"), {**_data(), "group": str(cast.private_group.pk)})
    assert refused.status_code == 400
    assert not Problem.objects.exists()

    response = client.post(url("problem-create"), {**_data(), "group": str(cast.group.pk)})
    assert response.status_code == 302
    assert Problem.objects.get().group == cast.group


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_a_plain_member_or_outsider_cannot_record_a_problem(client, cast: Cast, who) -> None:
    client.force_login(getattr(cast, who))

    assert client.get(url("problem-create")).status_code == 403
    assert client.post(url("problem-create"), {**_data(), "group": str(cast.group.pk)}).status_code == 403
    assert not Problem.objects.exists()


def test_the_public_are_sent_to_sign_in_to_record_a_problem(client, cast: Cast) -> None:
    response = client.get(url("problem-create"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_bad_input_to_record_a_problem_is_a_400_with_messages(client, cast: Cast) -> None:
    client.force_login(cast.officer)
    data = {**_data(), "group": str(cast.group.pk), "latitude": "95", "longitude": "", "title": ""}

    response = client.post(url("problem-create"), data)

    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "Enter a latitude between -90 and 90" in page
    assert not Problem.objects.exists()


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_non_workers_cannot_change_a_problem(client, cast: Cast, who) -> None:
    problem = make_problem(cast)
    other = make_problem(cast)
    client.force_login(getattr(cast, who))

    for name, data in (
        ("problem-edit", {**_data(), "group": str(cast.group.pk)}),
        ("problem-status", {"to_status": "analysis", "reason": ""}),
        ("note-create", {"text": "Hello"}),
        ("problem-raise", {"raised_by": "resident"}),
        ("problem-merge", {"target": str(other.pk)}),
    ):
        assert client.get(url(name, pk=problem.pk)).status_code == 403
        assert client.post(url(name, pk=problem.pk), data).status_code == 403

    problem.refresh_from_db()
    assert (problem.title, problem.status, problem.times_raised, problem.merged_into) == (
        "Motorbikes racing on the playing field",
        "scanning",
        1,
        None,
    )
    assert not ProblemNote.objects.exists()


def test_a_worker_changes_the_status_with_only_the_allowed_choices(client, cast: Cast) -> None:
    problem = make_problem(cast)
    client.force_login(make_organiser(cast))

    page = client.get(url("problem-status", pk=problem.pk))
    assert page.status_code == 200
    assert list(dict(page.context["form"].fields["to_status"].choices)) == ["analysis", "closed"]

    refused = client.post(url("problem-status", pk=problem.pk), {"to_status": "resolved"})
    assert refused.status_code == 400
    refused = client.post(url("problem-status", pk=problem.pk), {"to_status": "closed", "reason": ""})
    assert refused.status_code == 400
    assert "Say why the problem is closed" in refused.content.decode()
    problem.refresh_from_db()
    assert problem.status == "scanning"

    response = client.post(url("problem-status", pk=problem.pk), {"to_status": "analysis"})
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.status == "analysis"
    assert ProblemStatusChange.objects.filter(problem=problem).count() == 2


def test_an_agency_representative_with_an_account_works_on_the_groups_problems(client, cast: Cast) -> None:
    user = make_user(name="PC Beat")
    make_membership(
        group=cast.group, person=make_person(user=user), role=Membership.Role.AGENCY_REPRESENTATIVE
    )
    problem = make_problem(cast)
    client.force_login(user)

    response = client.post(url("note-create", pk=problem.pk), {"text": "Patrols added"})
    assert response.status_code == 302
    response = client.post(url("problem-raise", pk=problem.pk), {"raised_by": "agency"})
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.times_raised == 2
    assert problem.notes.get().text == "Patrols added"


def test_a_worker_edits_the_analysis(client, cast: Cast) -> None:
    problem = make_problem(cast)
    client.force_login(cast.officer)
    data = {
        **_data(),
        "group": str(cast.group.pk),
        "victim": "Older residents",
        "offender": "",
        "location_analysis": "",
    }

    response = client.post(url("problem-edit", pk=problem.pk), data)

    assert response.status_code == 302
    problem.refresh_from_db()
    assert (problem.title, problem.victim) == ("Cars speeding on Mill Lane", "Older residents")


def test_a_worker_merges_a_duplicate_into_a_similar_problem(client, cast: Cast) -> None:
    existing = make_problem(cast, title="Drug dealing by the bus stop", area=cast.neighbourhood)
    new = make_problem(cast, title="Dealing at the bus stop", area=cast.neighbourhood)
    unrelated = make_problem(cast, title="Dealing elsewhere", category=category("noise"))
    client.force_login(cast.officer)

    refused = client.post(url("problem-merge", pk=new.pk), {"target": str(unrelated.pk)})
    assert refused.status_code == 400
    response = client.post(url("problem-merge", pk=new.pk), {"target": str(existing.pk)})

    assert response.status_code == 302
    new.refresh_from_db()
    existing.refresh_from_db()
    assert new.merged_into == existing
    assert existing.times_raised == 2


def test_a_missing_problem_is_not_found(client, cast: Cast) -> None:
    client.force_login(cast.officer)
    for name in ("problem-detail", "problem-edit", "problem-status", "note-create", "problem-raise"):
        assert client.get(url(name, pk=999999)).status_code == 404


def test_the_map_json_is_valid(client, cast: Cast) -> None:
    make_problem(cast, title="</script><b>x</b>", latitude=53.75, longitude=-1.35)
    page = client.get(url("problem-map")).content.decode()
    start = page.index('"problem-points"', page.index("<script"))
    start = page.index(">", start) + 1
    data = json.loads(page[start : page.index("</script>", start)])
    assert data["features"][0]["properties"]["title"] == "</script><b>x</b>"
