"""The demo partnership as a visitor sees it after `make demo`: the tree, and a group's gaps."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from tandem.partnership.demo.loader import PASSWORD as DEMO_PASSWORD
from tandem.partnership.models import Group

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", stdout=io.StringIO())


def test_the_demo_shows_the_partnership_tree_and_a_group_with_its_gaps(page, visit, demo):
    # Two partnerships: Trafford, and the small Leicester one standing on the evidence demo's data
    visit(page, reverse("partnership:overview"))
    page.get_by_role("link", name="Trafford Community Safety Partnership (demo)").click()
    page.wait_for_load_state()

    main = page.locator("main")
    # the Trafford partnership's groups (the small Leicester one of the evidence demo has its own page)
    public_groups = Group.objects.filter(is_public=True).exclude(partnership__slug="leicester-csp-demo")
    assert public_groups.count() >= 10
    for group in public_groups.filter(parent__isnull=True):
        assert main.get_by_role("link", name=group.name).first.is_visible()
    assert main.locator("li li").count() >= 5

    group = public_groups.filter(parent__isnull=False).order_by("name").first()
    main.get_by_role("link", name=group.name).first.click()
    page.wait_for_load_state()

    assert group.name in page.locator("main h1").inner_text()
    text = page.locator("main").inner_text()
    assert "Essentials" in text
    assert "Representation" in text


def test_the_demo_sign_ins_work(page, visit, demo):
    visit(page, reverse("account_login"))
    page.locator("input[name=login]").fill("officer@example.org")
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_load_state()

    assert (
        page.get_by_role("button", name="Sign out").count()
        + page.get_by_role("link", name="Sign out").count()
        >= 1
    )
