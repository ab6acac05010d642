"""The group page: details, members, essentials, representation, privacy and history."""

import datetime as dt

import pytest
from django.urls import reverse

from tandem.partnership.models import Membership
from tests.factories import make_membership, make_organisation, make_person

pytestmark = pytest.mark.django_db


def _page(client, group, user=None):
    if user is not None:
        client.force_login(user)
    return client.get(group.get_absolute_url())


def test_it_shows_the_groups_details(client, cast):
    html = _page(client, cast.group).content.decode()
    assert cast.group.name in html
    assert cast.neighbourhood.get_absolute_url() in html
    assert cast.board.get_absolute_url() in html
    assert "Oakfield Village Hall" in html
    assert "Monthly" in html


def test_it_lists_the_missing_essentials(client, cast):
    html = _page(client, cast.group).content.decode()
    assert "2 of 5 essentials missing" in html
    assert "a note taker" in html
    assert "A note taker</th>" in html
    assert "Missing</strong>" in html
    assert "In place</strong>" in html


def test_an_accountable_body_meets_the_treasurer_essential(client, cast):
    parish = make_organisation(name="Oakfield Parish Council")
    cast.group.accountable_body = parish
    cast.group.save()
    make_membership(group=cast.group, role=Membership.Role.NOTE_TAKER)
    html = _page(client, cast.group).content.decode()
    assert "All 5 essentials are in place" in html


def test_an_ended_note_taker_does_not_count(client, cast):
    make_membership(
        group=cast.group,
        role=Membership.Role.NOTE_TAKER,
        start_date=dt.date(2020, 1, 1),
        end_date=dt.date(2021, 1, 1),
    )
    assert "a note taker" in _page(client, cast.group).content.decode()


def test_it_lists_the_representation_gaps(client, cast):
    html = _page(client, cast.group).content.decode()
    assert "No youth group" in html
    assert "No registered social landlord" in html
    assert "No police" not in html  # the police are represented


def test_a_members_own_stakeholder_kind_fills_a_gap(client, cast):
    make_membership(group=cast.group, stakeholder_kind=cast.youth)
    html = _page(client, cast.group).content.decode()
    assert "No youth group" not in html
    assert "No registered social landlord" in html


def test_it_withholds_names_and_contacts_from_the_public(client, cast):
    html = _page(client, cast.group).content.decode()
    assert "Chris Chair" not in html
    assert "chris@example.org" not in html
    assert "01632 960001" not in html
    assert "Name withheld" in html
    assert "Castleford Police" in html  # organisations are public


def test_it_shows_a_name_the_person_agreed_to_show(client, cast):
    cast.chair_person.show_name_publicly = True
    cast.chair_person.save()
    html = _page(client, cast.group).content.decode()
    assert "Chris Chair" in html
    assert "chris@example.org" not in html


def test_it_withholds_contacts_from_an_outsider(client, cast):
    html = _page(client, cast.group, cast.outsider).content.decode()
    assert "chris@example.org" not in html
    assert "Name withheld" in html


def test_it_shows_names_and_contacts_to_the_groups_members(client, cast):
    html = _page(client, cast.group, cast.member).content.decode()
    assert "Chris Chair" in html
    assert "chris@example.org" in html
    assert "01632 960001" in html


def test_it_shows_names_and_contacts_to_officers(client, cast):
    html = _page(client, cast.group, cast.officer).content.decode()
    assert "chris@example.org" in html
    assert reverse("partnership:group-history", kwargs={"slug": cast.group.slug}) in html
    assert reverse("partnership:membership-create", kwargs={"slug": cast.group.slug}) in html


def test_it_offers_no_editing_to_members(client, cast):
    html = _page(client, cast.group, cast.member).content.decode()
    assert reverse("partnership:group-edit", kwargs={"slug": cast.group.slug}) not in html


@pytest.mark.parametrize("who", ["public", "outsider", "member"])
def test_a_private_group_is_not_found_for_people_outside_it(client, cast, who):
    response = _page(client, cast.private_group, cast.users()[who])
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["officer", "administrator"])
def test_a_private_group_is_shown_to_officers(client, cast, who):
    response = _page(client, cast.private_group, cast.users()[who])
    assert response.status_code == 200
    assert "Pat Private" in response.content.decode()


def test_a_private_group_is_shown_to_its_members(client, cast):
    make_membership(group=cast.private_group, person=cast.member_person)
    response = _page(client, cast.private_group, cast.member)
    assert response.status_code == 200


def test_a_former_member_of_a_private_group_cannot_see_it(client, cast):
    make_membership(
        group=cast.private_group,
        person=cast.member_person,
        start_date=dt.date(2020, 1, 1),
        end_date=dt.date(2021, 1, 1),
    )
    assert _page(client, cast.private_group, cast.member).status_code == 404


def test_an_unknown_group_is_not_found(client, cast):
    response = client.get(reverse("partnership:group-detail", kwargs={"slug": "no-such-group"}))
    assert response.status_code == 404


def test_the_page_takes_a_bounded_number_of_queries_however_many_members(
    client, cast, django_assert_max_num_queries
):
    for n in range(40):
        organisation = make_organisation(name=f"Organisation {n}", stakeholder_kind=cast.rsl)
        make_membership(group=cast.group, person=make_person(name=f"Person {n}"), organisation=organisation)
    client.force_login(cast.officer)
    with django_assert_max_num_queries(10):
        response = client.get(cast.group.get_absolute_url())
    assert response.status_code == 200
    assert "Person 39" in response.content.decode()


def test_the_history_page_shows_who_changed_what(client, cast):
    client.force_login(cast.officer)
    client.post(
        reverse("partnership:group-edit", kwargs={"slug": cast.group.slug}),
        _group_form(cast, venue_name="Oakfield Library"),
    )
    response = client.get(reverse("partnership:group-history", kwargs={"slug": cast.group.slug}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Oliver Officer" in html
    assert "Oakfield Village Hall → Oakfield Library" in html
    assert "Membership of Chris Chair" in html


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_the_history_page_is_refused_to_non_officers(client, cast, who):
    client.force_login(cast.users()[who])
    response = client.get(reverse("partnership:group-history", kwargs={"slug": cast.group.slug}))
    assert response.status_code == 403


def test_the_history_page_sends_the_public_to_sign_in(client, cast):
    response = client.get(reverse("partnership:group-history", kwargs={"slug": cast.group.slug}))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def _group_form(cast, **changes):
    data = {
        "type": cast.group.type_id,
        "name": cast.group.name,
        "area": cast.group.area_id,
        "parent": cast.group.parent_id,
        "purpose": cast.group.purpose,
        "theme": "",
        "venue_name": cast.group.venue_name,
        "venue_address": "",
        "venue_access_notes": "",
        "accountable_body": "",
        "cadence": "",
        "is_public": "on",
    }
    data.update(changes)
    return data
