"""Object permissions for the partnership's structure, declared with `rules`.

``user.has_perm("partnership.view_group", group)`` and friends give the same
answers as the access helpers in ``access.py`` (which pages and the API use,
because they decide for a whole list in one query). Other apps ask these.
"""

import rules

from tandem.accounts.access import is_administrator, is_officer
from tandem.partnership.access import user_group_ids


@rules.predicate
def is_public_group(user, group) -> bool:
    return group is not None and group.is_public


@rules.predicate
def is_group_member(user, group) -> bool:
    return group is not None and group.pk in user_group_ids(user)


@rules.predicate
def shares_a_group_with(user, person) -> bool:
    if person is None or not getattr(user, "is_authenticated", False):
        return False
    if person.user_id == user.pk:
        return True
    their_groups = set(person.memberships.current().values_list("group_id", flat=True))
    return bool(their_groups & user_group_ids(user))


can_see_group = is_public_group | is_officer | is_group_member

rules.add_perm("partnership.view_group", can_see_group)
rules.add_perm("partnership.view_group_member_details", is_officer | is_group_member)
rules.add_perm("partnership.add_group", is_officer)
rules.add_perm("partnership.change_group", is_officer)
rules.add_perm("partnership.view_group_history", is_officer)
rules.add_perm("partnership.add_membership", is_officer)
rules.add_perm("partnership.change_membership", is_officer)
rules.add_perm("partnership.view_person", is_officer | shares_a_group_with)
rules.add_perm("partnership.add_person", is_officer)
rules.add_perm("partnership.change_person", is_officer)
rules.add_perm("partnership.add_organisation", is_officer)
rules.add_perm("partnership.change_organisation", is_officer)
rules.add_perm("partnership.install_preset", is_administrator)
