"""Every public page of the partnership structure in a real browser: status, axe, a screenshot each."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.browser


def test_the_home_page_is_in_british_english_and_passes_axe(page, visit, cast):
    visit(page, reverse("web:home"))

    assert page.locator("html").get_attribute("lang") == "en-GB"
    assert page.locator("h1").count() == 1


def test_the_partnership_overview_shows_the_tree_of_groups(page, visit, cast):
    visit(page, reverse("partnership:overview"))

    main = page.locator("main")
    assert main.get_by_role("link", name=cast.board.name).first.is_visible()
    assert main.get_by_role("link", name=cast.group.name).first.is_visible()
    # The tree is a nested list: the local action group sits inside the board's item.
    nested = main.locator("li li").filter(has_text=cast.group.name)
    assert nested.count() >= 1
    assert cast.private_group.name not in main.inner_text()


def test_a_group_page_shows_its_missing_essentials_and_representation_gaps(page, visit, cast):
    visit(page, reverse("partnership:group-detail", args=[cast.group.slug]))

    main = page.locator("main")
    assert main.locator("h1").inner_text().strip().startswith(cast.group.name)
    text = main.inner_text()
    # Essentials: it has a venue, a chair and a parent, but no note taker.
    assert "note taker" in text.lower()
    # Representation: police are there; a youth group and a social landlord are not.
    assert "Youth group" in text
    assert "Registered social landlord" in text
    assert "Castleford Police" in text


def test_an_organisation_page_shows_where_it_is_represented(page, visit, cast):
    visit(page, reverse("partnership:organisation-detail", args=[cast.police.slug]))

    main = page.locator("main")
    assert cast.police.name in main.locator("h1").inner_text()
    assert main.get_by_role("link", name=cast.group.name).first.is_visible()


def test_the_directory_finds_a_group_by_name(page, visit, cast):
    visit(page, reverse("partnership:directory") + "?q=Oakfield")

    main = page.locator("main")
    assert main.get_by_role("link", name=cast.group.name).first.is_visible()
    assert cast.private_group.name not in main.inner_text()


def test_the_directory_search_form_works_from_the_page(page, visit, audit, cast):
    visit(page, reverse("partnership:directory"))

    search = page.locator("main input[name=q]")
    search.fill("Castleford Police")
    search.press("Enter")
    page.wait_for_load_state()

    audit(page)
    assert page.locator("main").get_by_role("link", name=cast.police.name).first.is_visible()


def test_the_area_pages_list_and_show_an_area(page, visit, cast):
    visit(page, reverse("places:area-list"))
    assert page.locator("main").get_by_role("link", name=cast.district.name).first.is_visible()

    visit(page, reverse("places:area-detail", args=[cast.neighbourhood.slug]))
    assert cast.neighbourhood.name in page.locator("main h1").inner_text()


def test_a_page_that_does_not_exist_is_a_designed_404(page, visit, cast):
    visit(page, "/no-such-page-here/", status=404)

    assert page.locator("main h1").inner_text().strip() == "Page not found"
    assert page.locator(".govuk-header").is_visible()


def test_a_private_group_is_not_found_for_the_public(page, visit, cast):
    visit(page, reverse("partnership:group-detail", args=[cast.private_group.slug]), status=404)


def test_the_api_documentation_page_is_accessible_once_rendered(page, audit, cast):
    response = page.goto(reverse("api-docs"))

    assert response is not None and response.status == 200
    # Audit what a person reads: wait until the page has drawn its operations (if it draws with JS).
    page.get_by_text("Tandem API").first.wait_for(state="visible")
    page.wait_for_load_state("networkidle")
    audit(page)
    assert page.locator("html").get_attribute("lang") == "en-GB"
