from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tandem.places import selectors
from tandem.places.access import access_area_for_user
from tandem.places.area_links import area_links

# Above this many LSOAs the table starts folded away in a "details" element.
LSOA_FOLD = 10


def area_list(request: HttpRequest) -> HttpResponse:
    """Public: every area as a tree, with its kind, official code and priority-neighbourhood flag."""
    return render(request, "places/area_list.html", {"roots": selectors.area_tree()})


def area_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Public: an area, where it sits, its parts, its LSOAs, the groups working in it and its map."""
    area = access_area_for_user(request.user, slug)
    page = selectors.area_page(area=area, user=request.user)
    return render(
        request,
        "places/area_detail.html",
        {
            "area": area,
            "page": page,
            "fold_lsoas": len(page.lsoas) > LSOA_FOLD,
            "area_links": area_links(area, request.user),
        },
    )
