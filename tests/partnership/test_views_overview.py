"""The partnership overview: the tree of groups as a nested list and an SVG diagram."""

import pytest
from django.urls import reverse

from tests.factories import make_partnership

pytestmark = pytest.mark.django_db


def _tree(client, user=None):
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("partnership:overview"))
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_the_tree_of_groups_to_the_public(client, cast):
    html = _tree(client)
    assert cast.partnership.name in html
    assert cast.board.name in html
    assert cast.group.name in html
    assert 'class="tandem-tree"' in html
    assert cast.group.get_absolute_url() in html


def test_it_draws_the_tree_as_an_accessible_svg(client, cast):
    html = _tree(client)
    assert '<svg class="tandem-svg-tree"' in html
    assert 'role="img"' in html
    assert 'aria-labelledby="tree-diagram-title"' in html
    assert '<title id="tree-diagram-title">' in html
    # One connector from the board to the public group below it.
    assert html.count("<path d=") == 1
    assert f"{cast.board.name} has below it: {cast.group.name}." in html


def test_it_hides_a_private_group_from_the_public_and_outsiders(client, cast):
    assert cast.private_group.name not in _tree(client)
    assert cast.private_group.name not in _tree(client, cast.outsider)


def test_it_shows_a_private_group_to_officers_and_administrators(client, cast):
    assert cast.private_group.name in _tree(client, cast.officer)
    client.logout()
    assert cast.private_group.name in _tree(client, cast.administrator)


def test_it_shows_a_private_group_to_its_own_members(client, cast):
    from tests.factories import make_membership

    make_membership(group=cast.private_group, person=cast.member_person)
    assert cast.private_group.name in _tree(client, cast.member)


def test_it_counts_missing_essentials_for_officers_only(client, cast):
    # Oakfield LAG lacks a note taker and a treasurer or accountable body.
    assert "2 essentials missing" in _tree(client, cast.officer)
    client.logout()
    assert "essentials missing" not in _tree(client)


def test_it_lists_partnerships_when_there_are_several(client, cast):
    other = make_partnership(name="Riverside Community Safety Partnership")
    html = _tree(client)
    assert cast.partnership.get_absolute_url() in html
    assert other.get_absolute_url() in html
    assert "tandem-svg-tree" not in html


def test_each_partnership_has_its_own_page(client, cast):
    make_partnership(name="Riverside Community Safety Partnership")
    response = client.get(cast.partnership.get_absolute_url())
    assert response.status_code == 200
    assert cast.group.name in response.content.decode()


def test_an_unknown_partnership_is_not_found(client, cast):
    response = client.get(reverse("partnership:overview-detail", kwargs={"slug": "nowhere"}))
    assert response.status_code == 404


def test_a_group_under_a_private_group_hangs_from_the_nearest_visible_one(client, cast):
    from tests.factories import make_group

    below = make_group(
        partnership=cast.partnership, group_type=cast.lag_type, name="Hidden Child", parent=cast.private_group
    )
    html = _tree(client)
    assert below.name in html
    assert cast.private_group.name not in html


def test_officers_find_the_moderation_queue_and_administrators_the_routing_and_open311_keys(client, cast):
    # given the three audiences
    public = _tree(client)
    member = _tree(client, cast.member)
    officer = _tree(client, cast.officer)
    administrator = _tree(client, cast.administrator)
    moderation = reverse("community:report-moderation")
    routing = reverse("community:routing-rules", kwargs={"slug": cast.partnership.slug})
    keys = reverse("open311:client-list")
    # then only officers see the queue, and only administrators the pages they alone may open
    assert moderation not in public and moderation not in member
    assert moderation in officer and routing not in officer and keys not in officer
    assert moderation in administrator and routing in administrator and keys in administrator
