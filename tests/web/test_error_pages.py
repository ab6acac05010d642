"""403, 404, 400 and 500 pages are in the GOV.UK design and carry the right status."""

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.web.error_urls")]


def _assert_designed(response, heading: str) -> None:
    html = response.content.decode()
    assert '<html lang="en-GB"' in html
    assert "govuk-header" in html
    assert "govuk-footer" in html
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in html


def test_a_missing_page_is_a_designed_404(client):
    response = client.get("/there-is-nothing-here/")

    assert response.status_code == 404
    _assert_designed(response, "Page not found")


def test_a_refused_page_is_a_designed_403(client):
    response = client.get("/test-only/forbidden/")

    assert response.status_code == 403
    html = response.content.decode()
    assert "govuk-header" in html
    assert 'class="govuk-heading-l"' in html


def test_a_bad_request_is_a_designed_400(client):
    response = client.get("/test-only/suspicious/")

    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-header" in html
    assert 'class="govuk-heading-l"' in html


def test_a_failure_is_a_designed_500_that_shows_no_traceback(client):
    client.raise_request_exception = False

    response = client.get("/test-only/broken/")

    assert response.status_code == 500
    _assert_designed(response, "Sorry, there is a problem with the service")
    assert "broken on purpose" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
