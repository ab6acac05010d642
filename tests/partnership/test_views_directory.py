"""The directory search, organisation pages and person pages."""

import datetime as dt

import pytest
from django.urls import reverse

from tandem.partnership.models import Membership
from tests.factories import make_membership, make_organisation, make_person

pytestmark = pytest.mark.django_db


def _search(client, query=None, user=None):
    if user is not None:
        client.force_login(user)
    url = reverse("partnership:directory")
    response = client.get(url, {"q": query} if query is not None else {})
    assert response.status_code == 200
    return response.content.decode()


def test_it_finds_groups_organisations_and_areas_by_name(client, cast):
    html = _search(client, "oakfield")
    assert cast.group.get_absolute_url() in html
    assert cast.neighbourhood.get_absolute_url() in html
    assert cast.police.get_absolute_url() not in html
    assert "results for “oakfield”" in html


def test_an_empty_search_lists_everything_the_viewer_may_see(client, cast):
    html = _search(client)
    assert cast.board.get_absolute_url() in html
    assert cast.police.get_absolute_url() in html
    assert cast.district.get_absolute_url() in html
    assert cast.private_group.get_absolute_url() not in html


def test_it_never_finds_a_private_group_for_the_public(client, cast):
    assert cast.private_group.name not in _search(client, "case panel")


def test_it_finds_people_for_officers_only(client, cast):
    assert "Chris Chair" not in _search(client, "chris")
    client.logout()
    assert "Chris Chair" in _search(client, "chris", cast.officer)


def test_a_long_query_is_cut_short_not_refused(client, cast):
    html = _search(client, "x" * 500)
    assert "0 results" in html


def test_the_search_form_works_without_javascript(client, cast):
    html = _search(client)
    assert '<form method="get" action="/directory/"' in html
    assert 'name="q"' in html


def test_an_organisation_page_shows_where_it_is_represented(client, cast):
    response = client.get(cast.police.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Police" in html
    assert cast.group.get_absolute_url() in html
    assert "Agency representative" in html
    assert "PC Paula Beat" not in html  # no agreement to show the name publicly
    assert "Name withheld" in html


def test_an_organisation_page_hides_private_groups_from_the_public(client, cast):
    make_membership(group=cast.private_group, organisation=cast.police)
    html = client.get(cast.police.get_absolute_url()).content.decode()
    assert cast.private_group.name not in html
    client.force_login(cast.officer)
    html = client.get(cast.police.get_absolute_url()).content.decode()
    assert cast.private_group.name in html
    assert "PC Paula Beat" in html


def test_an_organisation_page_lists_the_groups_it_holds_funds_for(client, cast):
    parish = make_organisation(name="Oakfield Parish Council")
    cast.group.accountable_body = parish
    cast.group.save()
    html = client.get(parish.get_absolute_url()).content.decode()
    assert "Accountable body for" in html
    assert cast.group.get_absolute_url() in html


def test_an_unknown_organisation_is_not_found(client, cast):
    response = client.get(reverse("partnership:organisation-detail", kwargs={"slug": "nobody"}))
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["public", "outsider"])
def test_a_person_page_is_not_found_for_people_outside_their_groups(client, cast, who):
    user = cast.users()[who]
    if user:
        client.force_login(user)
    response = client.get(cast.chair_person.get_absolute_url())
    assert response.status_code == 404


def test_a_person_page_is_shown_to_a_fellow_member(client, cast):
    client.force_login(cast.member)
    response = client.get(cast.chair_person.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "chris@example.org" in html
    assert cast.group.get_absolute_url() in html


def test_a_person_page_is_shown_to_officers_with_past_memberships(client, cast):
    make_membership(
        group=cast.board,
        person=cast.chair_person,
        role=Membership.Role.VICE_CHAIR,
        start_date=dt.date(2020, 1, 1),
        end_date=dt.date(2022, 1, 1),
    )
    client.force_login(cast.officer)
    html = client.get(cast.chair_person.get_absolute_url()).content.decode()
    assert "Former memberships" in html
    assert "Vice-chair" in html


def test_a_person_page_hides_their_private_groups_from_fellow_members(client, cast):
    make_membership(group=cast.private_group, person=cast.chair_person)
    client.force_login(cast.member)
    html = client.get(cast.chair_person.get_absolute_url()).content.decode()
    assert cast.private_group.name not in html


def test_a_former_fellow_member_cannot_see_a_person(client, cast):
    other = make_person(name="Olga Other")
    make_membership(
        group=cast.group, person=other, start_date=dt.date(2019, 1, 1), end_date=dt.date(2020, 1, 1)
    )
    client.force_login(cast.member)
    assert client.get(other.get_absolute_url()).status_code == 404


def test_an_unknown_person_is_not_found(client, cast):
    client.force_login(cast.officer)
    assert client.get(reverse("partnership:person-detail", kwargs={"pk": 999999})).status_code == 404


def test_a_null_character_in_the_query_is_ignored(client, cast):
    html = _search(client, "oak\x00field")
    assert cast.group.get_absolute_url() in html
