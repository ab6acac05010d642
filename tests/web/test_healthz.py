from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_answers_200_when_the_database_answers(client):
    response = client.get(reverse("web:healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_it_answers_503_when_the_database_is_unreachable(client):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("connection refused")):
        response = client.get(reverse("web:healthz"))

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable"}


def test_it_needs_no_account_and_sets_no_cookie(client):
    response = client.get(reverse("web:healthz"))

    assert response.status_code == 200
    assert not response.cookies


def test_it_is_served_over_plain_http_behind_an_https_redirect(client, settings):
    # A load balancer probes over http: /healthz is exempt from the HTTPS redirect.
    settings.SECURE_SSL_REDIRECT = True

    assert client.get(reverse("web:healthz")).status_code == 200
    assert client.get(reverse("web:home")).status_code == 301
