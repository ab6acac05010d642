"""An administrator issues an Open311 key (fixing an empty name first), copies it from the one page
that shows it, and revokes it; every page passes axe."""

import pytest
from django.urls import reverse

from tandem.open311.models import ClientApplication
from tandem.open311.services import client_authenticate

pytestmark = pytest.mark.browser


def test_an_administrator_issues_and_revokes_a_key(page, visit, audit, sign_in_as, cast):
    sign_in_as(page, cast.administrator)
    visit(page, reverse("open311:client-list"))
    assert "No key has been issued yet." in page.locator("main").inner_text()

    # an empty name: the error summary, and nothing issued
    page.get_by_role("link", name="Issue a key").click()
    page.wait_for_load_state()
    audit(page)
    page.locator("main form [type=submit]").click()
    page.wait_for_load_state()
    audit(page)
    assert page.locator(".govuk-error-summary").is_visible()
    assert ClientApplication.objects.count() == 0

    page.locator("input[name=name]").fill("Castleford Council FixMyStreet")
    page.locator("main form [type=submit]").click()
    page.wait_for_load_state()
    audit(page)
    key = page.locator("input#key").input_value()
    assert client_authenticate(key=key).name == "Castleford Council FixMyStreet"

    visit(page, reverse("open311:client-list"))
    assert key not in page.content()
    page.get_by_role("button", name="Revoke the key of Castleford Council FixMyStreet").click()
    page.wait_for_load_state()
    audit(page)
    assert "is revoked" in page.locator("main").inner_text()
    assert client_authenticate(key=key) is None
