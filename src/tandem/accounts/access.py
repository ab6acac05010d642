"""Who may do what, as `rules` predicates shared by every app."""

import rules


@rules.predicate
def is_administrator(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_administrator)


@rules.predicate
def is_officer(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_officer)


is_signed_in = rules.is_authenticated
