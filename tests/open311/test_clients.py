"""Client applications: administrators issue keys (shown once) and revoke them, on GOV.UK pages
and with `manage.py create_open311_client`; a revoked key is refused."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tandem.open311.models import ClientApplication, key_digest
from tandem.open311.services import client_authenticate, client_create

from .conftest import BASE, errors_of

pytestmark = pytest.mark.django_db


def test_an_administrator_issues_a_key_that_is_shown_once_and_stored_only_as_a_digest(client, cast):
    client.force_login(cast.administrator)

    response = client.post(reverse("open311:client-create"), {"name": "  Castleford   FixMyStreet "})

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    application = ClientApplication.objects.get()
    assert application.name == "Castleford FixMyStreet"
    assert application.created_by == cast.administrator
    key = response.context["key"]
    assert key.encode() in response.content
    assert application.key_digest == key_digest(key) != key
    assert application.key_prefix == key[:8]
    assert key not in json.dumps(list(ClientApplication.objects.values()), default=str)
    listing = client.get(reverse("open311:client-list"))
    assert key.encode() not in listing.content
    assert f"{key[:8]}…".encode() in listing.content


def test_a_second_application_of_the_same_name_is_refused_with_a_message(client, cast):
    client_create(name="Castleford FixMyStreet")
    client.force_login(cast.administrator)

    response = client.post(reverse("open311:client-create"), {"name": "castleford fixmystreet"})

    assert response.status_code == 200
    assert "There is already a client application with this name" in response.content.decode()
    assert ClientApplication.objects.count() == 1


@pytest.mark.parametrize("role", ["member", "officer"])
def test_only_administrators_issue_or_revoke_keys(client, cast, role):
    application, key = client_create(name="Castleford FixMyStreet")
    client.force_login(cast.users()[role])

    assert client.post(reverse("open311:client-create"), {"name": "Another"}).status_code == 403
    assert client.post(reverse("open311:client-revoke", args=[application.pk])).status_code == 403

    assert ClientApplication.objects.count() == 1
    assert client_authenticate(key=key) == application


def test_a_revoked_key_is_refused_from_then_on(client, cast):
    application, key = client_create(name="Castleford FixMyStreet")
    client.force_login(cast.administrator)

    response = client.post(reverse("open311:client-revoke", args=[application.pk]), follow=True)

    assert "is revoked" in response.content.decode()
    application.refresh_from_db()
    assert not application.is_active
    assert application.revoked_by == cast.administrator
    assert application.revoked_at is not None
    assert client_authenticate(key=key) is None
    refused = client.post(
        f"{BASE}/requests.xml", {"api_key": key, "service_code": "drugs", "lat": 53, "long": -1}
    )
    assert refused.status_code == 403
    assert errors_of(refused) == [(403, "Invalid api_key received: it is unknown or has been revoked.")]


def test_using_a_key_notes_when_it_was_last_used(db):
    application, key = client_create(name="Castleford FixMyStreet")
    assert application.last_used_at is None

    assert client_authenticate(key=key) == application
    assert client_authenticate(key=key + "x") is None

    application.refresh_from_db()
    assert application.last_used_at is not None


def test_the_command_prints_a_new_key(db):
    out = StringIO()

    call_command("create_open311_client", "Castleford FixMyStreet", stdout=out)

    lines = out.getvalue().strip().splitlines()
    assert "Issued a key to “Castleford FixMyStreet”" in lines[0]
    assert client_authenticate(key=lines[-1]).name == "Castleford FixMyStreet"


def test_the_command_prints_json_and_refuses_a_name_in_use(db):
    out = StringIO()

    call_command("create_open311_client", "Castleford FixMyStreet", "--json", stdout=out)

    printed = json.loads(out.getvalue())
    assert printed["name"] == "Castleford FixMyStreet"
    assert client_authenticate(key=printed["api_key"]).pk == printed["id"]
    with pytest.raises(CommandError, match="already a client application"):
        call_command("create_open311_client", "castleford fixmystreet")
    assert ClientApplication.objects.count() == 1


def test_staff_revoke_keys_from_the_django_admin_through_the_same_service(client, cast):
    application, key = client_create(name="Castleford FixMyStreet")
    cast.administrator.is_staff = cast.administrator.is_superuser = True
    cast.administrator.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(cast.administrator)

    response = client.post(
        reverse("admin:open311_clientapplication_changelist"),
        {"action": "revoke", "_selected_action": [application.pk]},
        follow=True,
    )

    assert "1 key(s) revoked" in response.content.decode()
    application.refresh_from_db()
    assert (application.is_active, application.revoked_by) == (False, cast.administrator)
    assert client_authenticate(key=key) is None
