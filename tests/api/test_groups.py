import base64

import pytest
from django.db.models import QuerySet

from tandem.partnership.models import Group
from tests.factories import Cast, make_group, make_membership, make_partnership, make_person

LIST = "/api/v1/groups/"


def _slugs(response) -> set[str]:
    return {row["slug"] for row in response.json()["results"]}


def _snapshot(queryset: QuerySet) -> list[dict]:
    return list(queryset.order_by("pk").values())


# --- Reading -------------------------------------------------------------------------------------


def test_it_hides_private_groups_from_the_public(api, cast: Cast) -> None:
    response = api("public").get(LIST)

    assert response.status_code == 200
    assert _slugs(response) == {cast.board.slug, cast.group.slug}
    assert api("public").get(f"{LIST}{cast.private_group.slug}/").status_code == 404


def test_it_hides_private_groups_from_signed_in_people_outside_them(api, cast: Cast) -> None:
    assert cast.private_group.slug not in _slugs(api("outsider").get(LIST))
    assert cast.private_group.slug not in _slugs(api("member").get(LIST))


def test_it_shows_a_private_group_to_its_members(api, cast: Cast) -> None:
    make_membership(group=cast.private_group, person=make_person(name="Olly Outsider", user=cast.outsider))

    response = api("outsider").get(LIST)

    assert cast.private_group.slug in _slugs(response)
    detail = api("outsider").get(f"{LIST}{cast.private_group.slug}/")
    assert detail.status_code == 200
    assert detail.json()["is_public"] is False


def test_it_shows_private_groups_to_officers(api, cast: Cast) -> None:
    assert cast.private_group.slug in _slugs(api("officer").get(LIST))


def test_it_gives_the_public_fields(api, cast: Cast) -> None:
    row = api("public").get(f"{LIST}{cast.group.slug}/").json()

    assert row["name"] == "Oakfield Local Action Group"
    assert row["type"] == cast.lag_type.slug
    assert row["partnership"] == cast.partnership.slug
    assert row["area"] == cast.neighbourhood.slug
    assert row["parent"] == cast.board.slug
    assert row["venue_name"] == "Oakfield Village Hall"
    assert {"purpose", "theme", "cadence", "is_public", "established_on", "closed_on"} <= set(row)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("type=local-action-group", {"oakfield-local-action-group"}),
        ("area=oakfield", {"oakfield-local-action-group"}),
        ("parent=castleford-partnership-board", {"oakfield-local-action-group"}),
        (
            "partnership=castleford-community-safety-partnership",
            {"oakfield-local-action-group", "castleford-partnership-board"},
        ),
    ],
)
def test_it_filters_groups(api, cast: Cast, query: str, expected: set[str]) -> None:
    response = api("public").get(f"{LIST}?{query}")

    assert response.status_code == 200
    assert _slugs(response) == expected


@pytest.mark.parametrize(
    "query",
    ["type=no-such-type", "area=nowhere", "parent=no-such-group", "partnership=nope", "area=not a slug"],
)
def test_it_refuses_unknown_filter_values_with_a_message(api, cast: Cast, query: str) -> None:
    response = api("public").get(f"{LIST}?{query}")

    assert response.status_code == 400
    field = query.split("=")[0]
    assert response.json()[field]


def test_it_does_not_reveal_a_private_parent_through_the_filter(api, cast: Cast) -> None:
    response = api("public").get(f"{LIST}?parent={cast.private_group.slug}")

    assert response.status_code == 400


def test_it_lists_groups_in_a_fixed_number_of_queries(api, cast: Cast, django_assert_max_num_queries) -> None:
    for n in range(15):
        make_group(
            partnership=cast.partnership,
            group_type=cast.lag_type,
            area=cast.neighbourhood,
            parent=cast.board,
            name=f"Extra group {n}",
        )
    client = api("member")

    with django_assert_max_num_queries(6):
        response = client.get(LIST)

    assert response.json()["count"] == 17


# --- Writing -------------------------------------------------------------------------------------


def _new_group(cast: Cast, **fields) -> dict:
    return {
        "name": "Elm Park Local Action Group",
        "partnership": cast.partnership.slug,
        "type": cast.lag_type.slug,
        "area": cast.neighbourhood.slug,
        "parent": cast.board.slug,
        "purpose": "Keep Elm Park safe.",
        **fields,
    }


def test_an_administrator_can_create_a_group(api, cast: Cast) -> None:
    response = api("administrator").post(LIST, _new_group(cast), format="json")

    assert response.status_code == 201, response.json()
    group = Group.objects.get(slug=response.json()["slug"])
    assert group.name == "Elm Park Local Action Group"
    assert group.parent == cast.board
    record = group.history.get()
    assert record.history_type == "+"
    assert record.history_user == cast.administrator


def test_an_administrator_can_create_a_group_with_basic_authentication(cast: Cast, client) -> None:
    token = base64.b64encode(b"admin@example.org:correct-horse-battery-staple").decode()

    response = client.post(
        LIST, _new_group(cast), content_type="application/json", HTTP_AUTHORIZATION=f"Basic {token}"
    )

    assert response.status_code == 201
    assert Group.objects.filter(name="Elm Park Local Action Group").exists()


def test_an_administrator_can_update_a_group_and_it_is_kept_in_history(api, cast: Cast) -> None:
    url = f"{LIST}{cast.group.slug}/"

    response = api("administrator").patch(url, {"venue_name": "Oakfield Library"}, format="json")

    assert response.status_code == 200, response.json()
    cast.group.refresh_from_db()
    assert cast.group.venue_name == "Oakfield Library"
    latest = cast.group.history.first()
    assert latest.history_type == "~"
    assert latest.venue_name == "Oakfield Library"
    assert latest.history_user == cast.administrator
    assert latest.prev_record.venue_name == "Oakfield Village Hall"


def test_an_administrator_can_close_and_reopen_a_private_group(api, cast: Cast) -> None:
    url = f"{LIST}{cast.private_group.slug}/"
    client = api("administrator")

    assert client.patch(url, {"closed_on": "2025-03-31"}, format="json").status_code == 200
    assert client.patch(url, {"closed_on": None}, format="json").status_code == 200


@pytest.mark.parametrize("role", ["public", "outsider", "member", "officer"])
def test_it_refuses_changes_from_anyone_but_an_administrator(api, cast: Cast, role: str) -> None:
    before = _snapshot(Group.objects.all())
    history_before = Group.history.count()
    client = api(role)
    url = f"{LIST}{cast.group.slug}/"

    responses = [
        client.post(LIST, _new_group(cast), format="json"),
        client.patch(url, {"name": "Renamed"}, format="json"),
        client.put(url, _new_group(cast), format="json"),
        client.delete(url),
    ]

    expected = {401, 403} if role == "public" else {403}
    assert {r.status_code for r in responses} <= expected
    assert _snapshot(Group.objects.all()) == before
    assert Group.history.count() == history_before


def _assert_refused(response, field: str, before: list[dict]) -> None:
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert _snapshot(Group.objects.all()) == before


def test_it_refuses_a_parent_that_would_make_a_cycle(api, cast: Cast) -> None:
    before = _snapshot(Group.objects.all())

    response = api("administrator").patch(
        f"{LIST}{cast.board.slug}/", {"parent": cast.group.slug}, format="json"
    )

    _assert_refused(response, "parent", before)


def test_it_refuses_a_group_as_its_own_parent(api, cast: Cast) -> None:
    before = _snapshot(Group.objects.all())

    response = api("administrator").patch(
        f"{LIST}{cast.group.slug}/", {"parent": cast.group.slug}, format="json"
    )

    _assert_refused(response, "parent", before)


def test_it_refuses_closing_before_it_was_established(api, cast: Cast) -> None:
    before = _snapshot(Group.objects.all())

    response = api("administrator").patch(
        f"{LIST}{cast.group.slug}/",
        {"established_on": "2024-05-01", "closed_on": "2024-04-01"},
        format="json",
    )

    _assert_refused(response, "closed_on", before)


@pytest.mark.parametrize(
    ("field", "value"),
    [("area", "nowhere"), ("parent", "no-such-group"), ("type", "no-such-type"), ("partnership", "nope")],
)
def test_it_refuses_an_unknown_slug(api, cast: Cast, field: str, value: str) -> None:
    before = _snapshot(Group.objects.all())

    response = api("administrator").post(LIST, _new_group(cast, **{field: value}), format="json")

    _assert_refused(response, field, before)


def test_it_refuses_moving_a_group_to_another_partnership(api, cast: Cast) -> None:
    other = make_partnership(name="Elsewhere Partnership")
    before = _snapshot(Group.objects.all())

    response = api("administrator").patch(
        f"{LIST}{cast.group.slug}/", {"partnership": other.slug}, format="json"
    )

    _assert_refused(response, "partnership", before)


def test_it_refuses_to_delete_a_group_others_escalate_to(api, cast: Cast) -> None:
    before = _snapshot(Group.objects.all())

    response = api("administrator").delete(f"{LIST}{cast.board.slug}/")

    assert response.status_code == 409
    assert response.json()["detail"]
    assert _snapshot(Group.objects.all()) == before


def test_an_administrator_can_delete_a_group_nobody_escalates_to(api, cast: Cast) -> None:
    response = api("administrator").delete(f"{LIST}{cast.private_group.slug}/")

    assert response.status_code == 204
    assert not Group.objects.filter(pk=cast.private_group.pk).exists()


def test_it_refuses_text_that_cannot_be_a_slug_without_querying_it(api, cast: Cast) -> None:
    before = _snapshot(Group.objects.all())

    response = api("administrator").post(LIST, _new_group(cast, area="oak\x00field"), format="json")
    listing = api("public").get(LIST, {"area": "oak\x00field"})

    _assert_refused(response, "area", before)
    assert listing.status_code == 400


def test_it_refuses_basic_credentials_with_a_nul_character(cast: Cast, client) -> None:
    token = base64.b64encode(b"admin\x00@example.org:x").decode()

    response = client.get(LIST, HTTP_AUTHORIZATION=f"Basic {token}")

    assert response.status_code in (401, 403)


def test_it_does_not_give_away_a_private_parent(api, cast: Cast) -> None:
    child = make_group(
        partnership=cast.partnership,
        group_type=cast.lag_type,
        name="Panel sub-group",
        parent=cast.private_group,
    )

    public_view = api("public").get(f"{LIST}{child.slug}/").json()
    officer_view = api("officer").get(f"{LIST}{child.slug}/").json()

    assert public_view["parent"] is None
    assert officer_view["parent"] == cast.private_group.slug
