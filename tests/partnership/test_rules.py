"""The `rules` permissions agree with the access helpers the pages use."""

import pytest

from tandem.partnership.access import viewer_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["outsider", "member", "officer", "administrator"])
def test_view_group_agrees_with_what_pages_show(cast, role):
    user = cast.users()[role]
    viewer = viewer_for(user)

    for group in (cast.group, cast.private_group, cast.board):
        assert user.has_perm("partnership.view_group", group) == viewer.can_see_group(group)
        assert user.has_perm("partnership.view_group_member_details", group) == (
            viewer.can_see_member_details(group)
        )


def test_only_officers_and_administrators_change_the_structure(cast):
    for perm in ("partnership.change_group", "partnership.add_membership", "partnership.change_person"):
        assert cast.officer.has_perm(perm)
        assert cast.administrator.has_perm(perm)
        assert not cast.member.has_perm(perm)
        assert not cast.outsider.has_perm(perm)


def test_only_administrators_install_presets(cast):
    assert cast.administrator.has_perm("partnership.install_preset")
    assert not cast.officer.has_perm("partnership.install_preset")


def test_a_member_sees_fellow_members_but_not_strangers(cast):
    assert cast.member.has_perm("partnership.view_person", cast.chair_person)
    assert not cast.outsider.has_perm("partnership.view_person", cast.chair_person)
    assert cast.officer.has_perm("partnership.view_person", cast.chair_person)
