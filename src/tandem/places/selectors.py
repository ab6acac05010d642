"""Reads of the partnership's geography: the tree of areas and an area's page."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import shapely.geometry
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from tandem.accounts.access import is_officer
from tandem.places.models import LSOA, Area


@dataclass
class AreaNode:
    area: Area
    children: list["AreaNode"] = field(default_factory=list)


def area_list() -> QuerySet[Area]:
    """Every area without its (possibly large) boundary, with how many LSOAs it holds."""
    return Area.objects.defer("boundary").annotate(lsoa_count=Count("lsoas")).order_by("name")


def area_tree() -> list[AreaNode]:
    """All areas as a forest, districts at the top, each level in name order."""
    areas = list(area_list())
    nodes = {area.pk: AreaNode(area=area) for area in areas}
    roots = []
    for area in areas:
        if area.parent_id in nodes:
            nodes[area.parent_id].children.append(nodes[area.pk])
        else:
            roots.append(nodes[area.pk])
    return roots


def area_descendant_ids(area: Area) -> list[int]:
    """The ids of every area inside this one (children, their children…), in one query."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent_id in Area.objects.values_list("pk", "parent_id"):
        children[parent_id].append(pk)
    found: list[int] = []
    seen = {area.pk}
    stack = list(children[area.pk])
    while stack:
        pk = stack.pop()
        if pk in seen:
            continue
        seen.add(pk)
        found.append(pk)
        stack.extend(children[pk])
    return found


def _visible_groups(user, area_ids: list[int]) -> list:
    """Groups working in these areas that this user may see.

    Groups belong to the partnership app, which stands on this one; they are reached
    through the ``Area.groups`` reverse relation so that places imports nothing above it.
    A private group is shown to officers and to its current members only.
    """
    groups = Area._meta.get_field("groups").related_model._default_manager.filter(area_id__in=area_ids)
    if not is_officer(user):
        visible = Q(is_public=True)
        if getattr(user, "is_authenticated", False):
            today = timezone.localdate()
            visible |= Q(
                Q(memberships__end_date__isnull=True) | Q(memberships__end_date__gte=today),
                memberships__person__user=user,
                memberships__start_date__lte=today,
            )
        groups = groups.filter(visible).distinct()
    return list(groups.select_related("type", "area").defer("area__boundary").order_by("name"))


@dataclass
class AreaPage:
    area: Area
    ancestors: list[Area]
    children: list[Area]
    lsoas: list[LSOA]
    groups_here: list
    groups_within: list
    groups_above: list


def area_page(*, area: Area, user) -> AreaPage:
    ancestors = area.ancestors()
    descendants = area_descendant_ids(area)
    groups = _visible_groups(user, [area.pk, *descendants, *[a.pk for a in ancestors]])
    ancestor_ids = {a.pk for a in ancestors}
    return AreaPage(
        area=area,
        ancestors=ancestors,
        children=list(area.children.defer("boundary").order_by("name")),
        lsoas=list(
            LSOA.objects.filter(area_id__in=[area.pk, *descendants])
            .select_related("area")
            .defer("area__boundary")
            .order_by("code")
        ),
        groups_here=[g for g in groups if g.area_id == area.pk],
        groups_within=[g for g in groups if g.area_id != area.pk and g.area_id not in ancestor_ids],
        groups_above=[g for g in groups if g.area_id in ancestor_ids],
    )


def partnership_bounds(partnership_ids: Iterable[int]) -> list[list[float]] | None:
    """[[south, west], [north, east]] around the partnerships' areas (where a map opens when it has
    nothing else to show): each district's boundary, or the boundaries of the areas inside
    it when the district has none. None when no area has a boundary."""
    area_ids: set[int] = set()
    for district in Area.objects.filter(partnerships__in=list(partnership_ids)).distinct():
        area_ids.update([district.pk] if district.boundary else area_descendant_ids(district))
    boxes = []
    for boundary in Area.objects.filter(pk__in=area_ids, boundary__isnull=False).values_list(
        "boundary", flat=True
    ):
        try:
            boxes.append(shapely.geometry.shape(boundary).bounds)
        except Exception:  # noqa: BLE001, S112 (a malformed stored boundary counts as no boundary)
            continue
    if not boxes:
        return None
    west, south = min(box[0] for box in boxes), min(box[1] for box in boxes)
    east, north = max(box[2] for box in boxes), max(box[3] for box in boxes)
    return [[round(south, 6), round(west, 6)], [round(north, 6), round(east, 6)]]
