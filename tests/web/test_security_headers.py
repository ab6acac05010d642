import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(client):
    return client.get(reverse("web:home"))


def test_pages_carry_a_content_security_policy_without_inline_script(home):
    policy = home["Content-Security-Policy"]

    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"


def test_pages_may_not_be_framed_or_sniffed(home):
    assert home["X-Frame-Options"] == "DENY"
    assert home["X-Content-Type-Options"] == "nosniff"
    assert home["Referrer-Policy"] == "same-origin"
    assert home["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_session_cookie_is_http_only_and_same_site(client, cast):
    response = client.post(reverse("account_login"), {"login": cast.member.email, "password": PASSWORD})

    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_the_csrf_token_is_required_for_a_post(cast):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(cast.member)

    response = strict.post(reverse("account_logout"))

    assert response.status_code == 403
