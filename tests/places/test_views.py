"""Area pages: the tree of areas, an area's place in it, its LSOAs, groups and map."""

import pytest
from django.urls import reverse

from tandem.places.models import LSOA, Area
from tests.factories import make_area, make_group, make_membership

pytestmark = pytest.mark.django_db

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[-2.3, 53.4], [-2.2, 53.4], [-2.2, 53.5], [-2.3, 53.5], [-2.3, 53.4]]],
}


def test_the_area_list_shows_the_tree_with_kinds_codes_and_priority_flags(client, cast):
    estate = make_area(
        name="Oakfield Estate",
        kind=Area.Kind.ESTATE,
        parent=cast.neighbourhood,
        is_priority_neighbourhood=True,
    )
    response = client.get(reverse("places:area-list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="tandem-tree"' in html
    assert "E07999999" in html
    assert estate.get_absolute_url() in html
    assert "Priority neighbourhood</strong>" in html
    # Nested: the estate sits inside the neighbourhood, inside the district.
    assert html.index(cast.district.name) < html.index(cast.neighbourhood.name) < html.index(estate.name)


def test_an_area_page_shows_its_parents_and_children(client, cast):
    estate = make_area(name="Oakfield Estate", kind=Area.Kind.ESTATE, parent=cast.neighbourhood)
    html = client.get(estate.get_absolute_url()).content.decode()
    assert 'class="govuk-breadcrumbs"' in html
    assert cast.district.get_absolute_url() in html
    assert cast.neighbourhood.get_absolute_url() in html
    html = client.get(cast.neighbourhood.get_absolute_url()).content.decode()
    assert estate.get_absolute_url() in html


def test_an_area_page_lists_its_lsoas_and_folds_a_long_list(client, cast):
    LSOA.objects.create(code="E01000001", name="Oakfield 001A", area=cast.neighbourhood)
    html = client.get(cast.neighbourhood.get_absolute_url()).content.decode()
    assert "E01000001" in html
    assert "govuk-details" not in html
    for n in range(2, 14):
        LSOA.objects.create(code=f"E010000{n:02d}", area=cast.neighbourhood)
    html = client.get(cast.neighbourhood.get_absolute_url()).content.decode()
    assert "Show the 13 LSOAs" in html
    # The district shows the LSOAs of its parts too.
    assert "E01000001" in client.get(cast.district.get_absolute_url()).content.decode()


def test_an_area_page_lists_the_public_groups_working_in_it(client, cast):
    html = client.get(cast.neighbourhood.get_absolute_url()).content.decode()
    assert cast.group.get_absolute_url() in html
    assert cast.board.get_absolute_url() in html  # covering the wider district
    html = client.get(cast.district.get_absolute_url()).content.decode()
    assert cast.group.get_absolute_url() in html  # working in a part of it


def test_an_area_page_hides_private_groups_from_the_public_and_shows_them_to_members(client, cast):
    hidden = make_group(
        partnership=cast.partnership,
        group_type=cast.lag_type,
        name="Hidden Panel",
        area=cast.neighbourhood,
        is_public=False,
    )
    assert hidden.name not in client.get(cast.neighbourhood.get_absolute_url()).content.decode()
    client.force_login(cast.member)
    assert hidden.name not in client.get(cast.neighbourhood.get_absolute_url()).content.decode()
    make_membership(group=hidden, person=cast.member_person)
    assert hidden.name in client.get(cast.neighbourhood.get_absolute_url()).content.decode()
    client.force_login(cast.officer)
    assert hidden.name in client.get(cast.neighbourhood.get_absolute_url()).content.decode()


def test_an_area_with_a_boundary_gets_a_map_without_inline_script(client, cast):
    cast.neighbourhood.boundary = SQUARE
    cast.neighbourhood.save()
    html = client.get(cast.neighbourhood.get_absolute_url()).content.decode()
    assert '<script id="area-boundary" type="application/json">' in html
    assert 'id="area-map"' in html
    assert "data-tile-url=" in html
    assert "/static/leaflet/leaflet.js" in html
    assert "/static/web/map.js" in html
    assert "<script>" not in html
    assert ' style="' not in html


def test_an_area_without_a_boundary_has_no_map(client, cast):
    html = client.get(cast.neighbourhood.get_absolute_url()).content.decode()
    assert 'id="area-map"' not in html
    assert "leaflet.js" not in html


def test_an_unknown_area_is_not_found(client, cast):
    assert client.get(reverse("places:area-detail", kwargs={"slug": "atlantis"})).status_code == 404
