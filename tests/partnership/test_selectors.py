"""Selectors: essentials, representation, the tree and its diagram, history."""

import pytest

from tandem.partnership import selectors, services
from tandem.partnership.access import viewer_for
from tandem.partnership.models import Essential, Membership
from tests.factories import make_group, make_membership, make_organisation

pytestmark = pytest.mark.django_db


def _current(group):
    return list(Membership.objects.current().filter(group=group).select_related("organisation"))


def test_essentials_check_finds_what_is_missing(cast):
    checks = {c.key: c.in_place for c in selectors.essentials_check(cast.group, _current(cast.group))}
    assert checks == {
        Essential.VENUE: True,
        Essential.CHAIR: True,
        Essential.NOTE_TAKER: False,
        Essential.TREASURER_OR_ACCOUNTABLE_BODY: False,
        Essential.PARENT_LINK: True,
    }


def test_a_treasurer_meets_the_treasurer_or_accountable_body_essential(cast):
    make_membership(group=cast.group, role=Membership.Role.TREASURER)
    checks = {c.key: c.in_place for c in selectors.essentials_check(cast.group, _current(cast.group))}
    assert checks[Essential.TREASURER_OR_ACCOUNTABLE_BODY] is True


def test_the_tree_count_agrees_with_the_group_page(cast):
    roles = {m.role for m in _current(cast.group)}
    missing = [c for c in selectors.essentials_check(cast.group, _current(cast.group)) if not c.in_place]
    assert selectors.missing_essentials_count(cast.group, roles) == len(missing) == 2


def test_representation_counts_a_members_organisation_kind(cast):
    coverage = selectors.representation_coverage(_current(cast.group), [cast.youth, cast.police_kind])
    covered = {item.kind.name: item.covered for item in coverage}
    assert covered == {"Youth group": False, "Police": True}


def test_representation_prefers_the_memberships_own_kind(cast):
    youth_club = make_organisation(name="Youth Club", stakeholder_kind=cast.rsl)
    make_membership(group=cast.group, organisation=youth_club, stakeholder_kind=cast.youth)
    coverage = selectors.representation_coverage(_current(cast.group), [cast.youth, cast.rsl])
    assert {item.kind.name: item.covered for item in coverage} == {
        "Youth group": True,
        "Registered social landlord": False,
    }


def test_the_tree_puts_the_board_on_top(cast):
    roots = selectors.group_tree(partnership=cast.partnership, viewer=viewer_for(None))
    assert [root.group for root in roots] == [cast.board]
    assert [child.group for child in roots[0].children] == [cast.group]


def test_the_diagram_places_children_to_the_right_of_their_parent(cast):
    make_group(partnership=cast.partnership, group_type=cast.lag_type, name="Second LAG", parent=cast.board)
    roots = selectors.group_tree(partnership=cast.partnership, viewer=viewer_for(cast.officer))
    diagram = selectors.tree_diagram(roots, show_missing=True)
    assert diagram.count == 4
    first = min(box.x for box in diagram.boxes)
    board = next(box for box in diagram.boxes if box.lines[0].startswith("Castleford"))
    assert board.x == first
    children = [box for box in diagram.boxes if box.x > first]
    assert len(children) == 3
    # The board sits level with the middle of its children.
    top, bottom = min(b.y for b in children), max(b.y for b in children)
    assert board.y == (top + bottom) // 2
    assert len(diagram.paths) == 3
    assert all(box.x + diagram.box_width <= diagram.width for box in diagram.boxes)
    assert all(box.y + diagram.box_height <= diagram.height for box in diagram.boxes)


def test_long_names_are_wrapped_in_the_diagram():
    lines = selectors._wrap("The Very Long Named Neighbourhood Action Panel Of Somewhere Far Away")
    assert len(lines) == 2
    assert all(len(line) <= selectors.CHARS_PER_LINE for line in lines)
    assert lines[-1].endswith("…")


def test_history_lists_changes_with_old_and_new_values(cast):
    services.group_update(group=cast.group, data={"venue_name": "Oakfield Library"})
    services.membership_end(membership=cast.chair)
    entries = selectors.group_history(group=cast.group)
    changes = [(c.field, c.old, c.new) for e in entries for c in e.changes if e.action == "Changed"]
    assert ("Venue name", "Oakfield Village Hall", "Oakfield Library") in changes
    assert any(field == "End date" and old == "Not set" for field, old, new in changes)
    assert entries[0].when >= entries[-1].when
