import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core import mail
from django.urls import reverse

from tandem.accounts.models import User
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def test_the_sign_in_page_uses_the_design_system_and_no_sign_up_link(client):
    response = client.get(reverse("account_login"))

    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Sign in</h1>' in html
    assert 'class="govuk-input' in html
    assert "sign up" not in html.lower()


def test_a_member_signs_in_with_email_and_password(client):
    user = make_user(email="rita@example.org")

    response = client.post(reverse("account_login"), {"login": "rita@example.org", "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_wrong_password_shows_the_error_summary_and_does_not_sign_in(client):
    make_user(email="rita@example.org")

    response = client.post(reverse("account_login"), {"login": "rita@example.org", "password": "nope"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "There is a problem" in html
    assert "_auth_user_id" not in client.session


def test_signing_out_needs_a_post_and_ends_the_session(client):
    user = make_user()
    client.force_login(user)

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_forgotten_password_is_reset_by_email(client):
    make_user(email="rita@example.org")

    response = client.post(reverse("account_reset_password"), {"email": "rita@example.org"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+/accounts/password/reset/key/\S+", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[-1] if "testserver" in link else "/" + link.split("/", 3)[3]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
        {"password1": "a-brand-new-passphrase-42", "password2": "a-brand-new-passphrase-42"},
    )
    assert response.status_code == 302
    assert User.objects.get(email="rita@example.org").check_password("a-brand-new-passphrase-42")


def test_nobody_can_sign_up_unless_the_partnership_allows_it(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "new@example.org", "password1": "a-long-passphrase-1", "password2": "a-long-passphrase-1"},
    )

    assert response.status_code == 200
    assert "Accounts are created by your partnership" in response.content.decode()
    assert not User.objects.filter(email="new@example.org").exists()


def _current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_a_user_can_turn_on_two_factor_authentication(client):
    user = make_user()
    client.force_login(user)
    # allauth asks for the password again before a security change
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret

    response = client.post(reverse("mfa_activate_totp"), {"code": _current_code(secret)})

    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def test_with_two_factor_on_a_password_alone_does_not_sign_in(client):
    user = make_user(email="rita@example.org")
    secret = generate_totp_secret()
    TOTP.activate(user, secret)

    response = client.post(reverse("account_login"), {"login": "rita@example.org", "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session

    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert "_auth_user_id" not in client.session

    response = client.post(reverse("mfa_authenticate"), {"code": _current_code(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_your_account_page_shows_your_role(client):
    client.force_login(make_user(role=User.Role.OFFICER))

    response = client.get(reverse("accounts:profile"))

    assert response.status_code == 200
    assert "Agency officer" in response.content.decode()
