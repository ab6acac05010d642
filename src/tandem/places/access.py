"""Who may see areas: everyone. Areas are public geography; one helper keeps the pattern."""

from django.shortcuts import get_object_or_404

from tandem.places.models import Area


def access_area_for_user(user, slug: str, *, write: bool = False) -> Area:
    """The area with this slug (404 if there is none). Editing areas is done in the Django admin."""
    chain = "parent__parent__parent__parent"
    # Load the chain of parents for the breadcrumbs, but not their boundaries.
    deferred = [f"{chain[: 8 * depth - 2]}__boundary" for depth in range(1, 5)]
    areas = Area.objects.select_related(chain).defer(*deferred)
    return get_object_or_404(areas, slug=slug)
