import datetime as dt

import pytest
from django.db.models import QuerySet
from django.utils import timezone

from tandem.partnership.models import Membership
from tests.factories import Cast, make_membership, make_person

LIST = "/api/v1/memberships/"


def _snapshot(queryset: QuerySet) -> list[dict]:
    return list(queryset.order_by("pk").values())


def _by_id(response) -> dict[int, dict]:
    return {row["id"]: row for row in response.json()["results"]}


# --- Reading -------------------------------------------------------------------------------------


def test_it_withholds_names_from_the_public(api, cast: Cast) -> None:
    rows = _by_id(api("public").get(LIST))

    assert rows[cast.chair.pk]["person_name"] is None
    assert rows[cast.chair.pk]["person_id"] is None
    assert rows[cast.chair.pk]["role"] == "chair"
    assert rows[cast.police_rep.pk]["organisation"] == cast.police.slug


def test_it_never_gives_contact_details(api, cast: Cast) -> None:
    for role in ("public", "member", "officer", "administrator"):
        response = api(role).get(LIST)
        text = response.content.decode()
        assert "chris@example.org" not in text
        assert "01632 960001" not in text


def test_it_gives_names_that_people_agreed_to_show(api, cast: Cast) -> None:
    cast.chair_person.show_name_publicly = True
    cast.chair_person.save()

    rows = _by_id(api("public").get(LIST))

    assert rows[cast.chair.pk]["person_name"] == "Chris Chair"
    assert rows[cast.police_rep.pk]["person_name"] is None


@pytest.mark.parametrize("role", ["member", "officer", "administrator"])
def test_it_gives_names_to_officers_and_members_of_the_group(api, cast: Cast, role: str) -> None:
    rows = _by_id(api(role).get(LIST))

    assert rows[cast.chair.pk]["person_name"] == "Chris Chair"
    assert rows[cast.chair.pk]["person_id"] == cast.chair_person.pk


def test_it_withholds_names_from_signed_in_people_outside_the_group(api, cast: Cast) -> None:
    rows = _by_id(api("outsider").get(LIST))

    assert rows[cast.chair.pk]["person_name"] is None


def test_it_hides_memberships_of_private_groups(api, cast: Cast) -> None:
    private = cast.private_group.memberships.get()

    assert private.pk not in _by_id(api("public").get(LIST))
    assert api("public").get(f"{LIST}{private.pk}/").status_code == 404
    assert private.pk in _by_id(api("officer").get(LIST))


def test_it_filters_by_group_and_current(api, cast: Cast) -> None:
    ended = make_membership(group=cast.group, start_date=dt.date(2020, 1, 1), end_date=dt.date(2021, 1, 1))
    client = api("public")

    current = _by_id(client.get(f"{LIST}?group={cast.group.slug}&current=true"))
    former = _by_id(client.get(f"{LIST}?group={cast.group.slug}&current=false"))
    every = _by_id(client.get(f"{LIST}?group={cast.group.slug}"))

    assert ended.pk not in current and cast.chair.pk in current
    assert set(former) == {ended.pk}
    assert set(every) == set(current) | {ended.pk}


@pytest.mark.parametrize("query", ["group=no-such-group", "current=perhaps", "group=oakfield-case-panel"])
def test_it_refuses_bad_filters_with_a_message(api, cast: Cast, query: str) -> None:
    response = api("public").get(f"{LIST}?{query}")

    assert response.status_code == 400
    assert response.json()[query.split("=")[0]]


def test_it_lists_memberships_in_a_fixed_number_of_queries(
    api, cast: Cast, django_assert_max_num_queries
) -> None:
    for _ in range(20):
        make_membership(group=cast.group, organisation=cast.police)
    client = api("member")

    with django_assert_max_num_queries(6):
        response = client.get(LIST)

    assert response.json()["count"] == 23


# --- Writing -------------------------------------------------------------------------------------


def test_an_administrator_can_add_a_membership(api, cast: Cast) -> None:
    person = make_person(name="Nina New")

    response = api("administrator").post(
        LIST,
        {
            "group": cast.group.slug,
            "person": person.pk,
            "role": "note_taker",
            "organisation": cast.police.slug,
            "start_date": "2025-01-06",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    membership = Membership.objects.get(pk=response.json()["id"])
    assert membership.person == person
    assert membership.role == Membership.Role.NOTE_TAKER
    record = membership.history.get()
    assert record.history_type == "+"
    assert record.history_user == cast.administrator


def test_an_administrator_can_change_a_membership(api, cast: Cast) -> None:
    response = api("administrator").patch(
        f"{LIST}{cast.membership.pk}/", {"role": "vice_chair"}, format="json"
    )

    assert response.status_code == 200, response.json()
    cast.membership.refresh_from_db()
    assert cast.membership.role == Membership.Role.VICE_CHAIR
    assert cast.membership.history.first().history_type == "~"


def test_deleting_a_membership_ends_it_today(api, cast: Cast) -> None:
    response = api("administrator").delete(f"{LIST}{cast.membership.pk}/")

    assert response.status_code == 200
    assert response.json()["end_date"] == timezone.localdate().isoformat()
    cast.membership.refresh_from_db()
    assert cast.membership.end_date == timezone.localdate()


def test_it_refuses_to_end_a_membership_that_has_not_started(api, cast: Cast) -> None:
    future = make_membership(group=cast.group, start_date=timezone.localdate() + dt.timedelta(days=10))
    before = _snapshot(Membership.objects.all())

    response = api("administrator").delete(f"{LIST}{future.pk}/")

    assert response.status_code == 400
    assert response.json()["end_date"]
    assert _snapshot(Membership.objects.all()) == before


@pytest.mark.parametrize("role", ["public", "outsider", "member", "officer"])
def test_it_refuses_changes_from_anyone_but_an_administrator(api, cast: Cast, role: str) -> None:
    before = _snapshot(Membership.objects.all())
    history_before = Membership.history.count()
    client = api(role)
    url = f"{LIST}{cast.membership.pk}/"

    responses = [
        client.post(LIST, {"group": cast.group.slug, "person": cast.chair_person.pk}, format="json"),
        client.patch(url, {"role": "chair"}, format="json"),
        client.delete(url),
    ]

    expected = {401, 403} if role == "public" else {403}
    assert {r.status_code for r in responses} <= expected
    assert _snapshot(Membership.objects.all()) == before
    assert Membership.history.count() == history_before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"start_date": "2024-06-01", "end_date": "2024-05-01"}, "end_date"),
        ({"end_date": "2023-12-31"}, "end_date"),
        ({"organisation": "no-such-organisation"}, "organisation"),
        ({"group": "castleford-partnership-board"}, "group"),
        ({"role": "emperor"}, "role"),
        ({"start_date": "not a date"}, "start_date"),
    ],
)
def test_it_refuses_bad_changes_with_field_errors(api, cast: Cast, change: dict, field: str) -> None:
    before = _snapshot(Membership.objects.all())

    response = api("administrator").patch(f"{LIST}{cast.membership.pk}/", change, format="json")

    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert _snapshot(Membership.objects.all()) == before


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"group": "no-such-group"}, "group"), ({"person": 999999}, "person"), ({"person": "x"}, "person")],
)
def test_it_refuses_a_new_membership_with_unknown_references(
    api, cast: Cast, fields: dict, field: str
) -> None:
    before = _snapshot(Membership.objects.all())
    body = {"group": cast.group.slug, "person": cast.chair_person.pk, **fields}

    response = api("administrator").post(LIST, body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert _snapshot(Membership.objects.all()) == before
