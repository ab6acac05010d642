"""Every URL pattern, walked as every role: a new view cannot ship without deciding who sees it.

Each named Tandem URL must appear in EXPECTED with the status each role gets on GET.
Third-party URLs (admin, allauth, the API router) are walked too and must never fail
with a server error; the API's own permission tests live in tests/api/.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import Cast

ROLES = ["public", "outsider", "member", "officer", "administrator"]

# status on GET for: public, outsider (signed in, in no group), member (of cast.group),
# officer, administrator. 302 for the public means "sent to sign in".
OPEN = (200, 200, 200, 200, 200)
SIGNED_IN = (302, 200, 200, 200, 200)
OFFICERS = (302, 403, 403, 200, 200)


def _args(cast: Cast) -> dict[str, dict[str, object]]:
    """URL keyword arguments for each URL name that takes them."""
    group = {"slug": cast.group.slug}
    membership = {"pk": cast.chair.pk}
    organisation = {"slug": cast.police.slug}
    person = {"pk": cast.chair_person.pk}
    return {
        "partnership:overview-detail": {"slug": cast.partnership.slug},
        "partnership:group-detail": group,
        "partnership:group-edit": group,
        "partnership:group-history": group,
        "partnership:membership-create": group,
        "partnership:membership-edit": membership,
        "partnership:membership-end": membership,
        "partnership:organisation-detail": organisation,
        "partnership:organisation-edit": organisation,
        "partnership:person-detail": person,
        "partnership:person-edit": person,
        "places:area-detail": {"slug": cast.neighbourhood.slug},
    }


EXPECTED: dict[str, tuple[int, ...]] = {
    "web:home": OPEN,
    "web:healthz": OPEN,
    "web:accessibility": OPEN,
    "web:privacy": OPEN,
    "accounts:profile": SIGNED_IN,
    "partnership:overview": OPEN,
    "partnership:overview-detail": OPEN,
    "partnership:directory": OPEN,
    "partnership:group-detail": OPEN,
    "partnership:organisation-detail": OPEN,
    "places:area-list": OPEN,
    "places:area-detail": OPEN,
    "partnership:group-create": OFFICERS,
    "partnership:group-edit": OFFICERS,
    "partnership:group-history": OFFICERS,
    "partnership:membership-create": OFFICERS,
    "partnership:membership-edit": OFFICERS,
    "partnership:membership-end": OFFICERS,
    "partnership:organisation-create": OFFICERS,
    "partnership:organisation-edit": OFFICERS,
    "partnership:person-create": OFFICERS,
    "partnership:person-edit": OFFICERS,
    # a person's page: officers and fellow members of one of their groups; "not found" for others
    "partnership:person-detail": (404, 404, 200, 200, 200),
}


def _named_patterns(resolver=None, namespace: str = "") -> list[tuple[str, URLPattern]]:
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found.extend(_named_patterns(entry, inner))
        elif isinstance(entry, URLPattern) and entry.name:
            found.append((f"{namespace}{entry.name}", entry))
    return found


def _tandem_names() -> list[str]:
    tandem_namespaces = ("web:", "accounts:", "places:", "partnership:")
    return sorted({name for name, _ in _named_patterns() if name.startswith(tandem_namespaces)})


def test_every_tandem_url_declares_who_may_see_it():
    undeclared = [name for name in _tandem_names() if name not in EXPECTED]
    assert not undeclared, f"Add these URL names to EXPECTED with a status per role: {undeclared}"


def test_the_matrix_has_no_stale_entries():
    stale = sorted(set(EXPECTED) - set(_tandem_names()))
    assert not stale, f"EXPECTED names URLs that no longer exist: {stale}"


@pytest.mark.django_db
def test_every_role_gets_the_declared_status_on_every_url(client, cast):
    args = _args(cast)
    users = cast.users()
    failures = []
    checked = 0
    for role_index, role in enumerate(ROLES):
        client.logout()
        if users[role] is not None:
            client.force_login(users[role])
        for name, statuses in sorted(EXPECTED.items()):
            url = reverse(name, kwargs=args.get(name, {}))
            response = client.get(url)
            checked += 1
            if response.status_code != statuses[role_index]:
                failures.append(
                    f"{role:>13} GET {url} ({name}): {response.status_code}, expected {statuses[role_index]}"
                )
    assert not failures, "\n".join(failures)
    assert checked == len(EXPECTED) * len(ROLES)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["public", "member", "administrator"])
def test_no_third_party_url_fails_with_a_server_error(client, cast, role):
    """allauth, the Django admin and the API router: every URL that needs no arguments."""
    user = cast.users()[role]
    if user is not None:
        client.force_login(user)
    tandem = set(_tandem_names())
    walked = []
    for name, pattern in _named_patterns():
        if name in tandem or pattern.pattern.regex.groups:
            continue
        try:
            url = reverse(name)
        except Exception:  # noqa: S112 (patterns with converters we cannot fill are skipped)
            continue
        response = client.get(url)
        walked.append(name)
        assert response.status_code < 500, f"{role} GET {url} ({name}): {response.status_code}"
        if role == "public" and name.startswith("admin:") and name != "admin:login":
            assert response.status_code == 302
    assert len(walked) > 20
