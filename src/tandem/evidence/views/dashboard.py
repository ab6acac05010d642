"""The public evidence pages: which areas have data, and each area's dashboard, figures and hotspots.

Everyone may see them: they show counts of police.uk data (published under the Open Government
Licence) and of other sources' incidents, never an incident itself.
"""

from __future__ import annotations

import csv
import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tandem.evidence import selectors
from tandem.evidence.analysis.trends import MonthlySeries, year_on_year
from tandem.evidence.charts import month_chart
from tandem.evidence.forms import BeforeAfterForm, DashboardForm
from tandem.evidence.groupings import grouped_counts
from tandem.places.access import access_area_for_user
from tandem.places.models import Area

DEFAULT_MONTHS = 12


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Public: the top-level areas (districts) with incidents, each with its latest month and the
    last 12 months' total; the areas within them are listed on their dashboards."""
    return render(
        request,
        "evidence/index.html",
        {"rows": selectors.district_summaries(), "attributions": selectors.source_attributions()},
    )


def _choices(request: HttpRequest, area: Area):
    """The dashboard's form and the months and crime types it chose, or the form with its errors."""
    months = selectors.months_with_data(area)
    crime_types = selectors.crime_types_in(area)
    form = DashboardForm(request.GET or None, months=months, crime_types=crime_types)
    if not months:
        return form, None
    if form.is_bound and not form.is_valid():
        return form, None
    data = form.cleaned_data if form.is_bound else {}
    end = data.get("end") or months[-1]
    start = data.get("start") or max(months[0], selectors.month_add(end, -(DEFAULT_MONTHS - 1)))
    chosen = data.get("crime_type") or []
    return form, {
        "start": start,
        "end": end,
        "crime_types": chosen,
        "months": months,
        "all_types": crime_types,
    }


@require_GET
def area_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    """Public: an area's incidents month by month, by crime type, and its hotspots."""
    area = access_area_for_user(request.user, slug)
    form, chosen = _choices(request, area)
    context: dict = {"area": area, "form": form, "ancestors": area.ancestors()}
    if chosen is None:
        status = 400 if form.is_bound and form.errors else 200
        return render(request, "evidence/area_dashboard.html", context, status=status)
    start, end, types = chosen["start"], chosen["end"], chosen["crime_types"] or None
    months = selectors.month_range(start, end)
    totals = selectors.area_totals(area=area, start=start, end=end, crime_types=types)
    first_month = chosen["months"][0]
    earlier_start, earlier_end = selectors.month_add(start, -12), selectors.month_add(end, -12)
    earlier = None
    if earlier_end >= first_month:
        earlier_totals = selectors.area_totals(
            area=area, start=earlier_start, end=earlier_end, crime_types=types
        )
        earlier = [
            int(value) if month >= first_month else None
            for month, value in zip(
                selectors.month_range(earlier_start, earlier_end), earlier_totals, strict=True
            )
        ]
    by_type = selectors.area_counts(area=area, start=start, end=end, crime_types=types)
    total = int(totals.sum())
    breakdown = sorted(
        (
            {
                "crime_type": name,
                "count": int(values.sum()),
                "share": values.sum() / total * 100 if total else 0,
            }
            for name, values in by_type.items()
        ),
        key=lambda row: (-row["count"], row["crime_type"]),
    )
    by_category = grouped_counts({row["crime_type"]: row["count"] for row in breakdown}, total)
    earlier_total = sum(value for value in earlier) if earlier and None not in earlier else None
    rolling = None
    if selectors.month_add(end, -23) >= first_month:
        # The rolling year to the last month shown against the year before it.
        two_years = selectors.area_totals(
            area=area, start=selectors.month_add(end, -23), end=end, crime_types=types
        )
        series = MonthlySeries(selectors.month_add(end, -23), tuple(int(value) for value in two_years))
        rolling = year_on_year(series).summary
    hotspots = selectors.hotspots(area=area, start=start, end=end, crime_types=types)
    within = selectors.areas_within(area=area, start=start, end=end, crime_types=types)
    district = selectors.district_of(area)
    context.update(
        {
            "start": start,
            "end": end,
            "crime_types": chosen["crime_types"],
            "months": [
                {"month": month, "count": int(count), "earlier": earlier[index] if earlier else None}
                for index, (month, count) in enumerate(zip(months, totals, strict=True))
            ],
            "chart": month_chart(months, [int(value) for value in totals], earlier),
            "total": total,
            "earlier_total": earlier_total,
            "change": (total - earlier_total) / earlier_total * 100 if earlier_total else None,
            "breakdown": breakdown,
            "by_category": by_category,
            "hotspots": hotspots,
            "hot_cells": hotspots.top() if hotspots else [],
            "hot_count": int(hotspots.hot.sum()) if hotspots else 0,
            "cells_geojson": hotspots.geojson() if hotspots else None,
            "district": district if district != area else None,
            "within": within,
            "rolling": rolling,
            "query": request.GET.urlencode(),
            "attributions": selectors.source_attributions(),
        }
    )
    return render(request, "evidence/area_dashboard.html", context)


@require_GET
def area_figures_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """Public: the dashboard's figures (month, crime type, incidents) as CSV, for a spreadsheet."""
    area = access_area_for_user(request.user, slug)
    form, chosen = _choices(request, area)
    if chosen is None:
        if form.errors:
            return HttpResponse(
                "The months or crime types asked for are not valid: "
                + "; ".join(str(error) for errors in form.errors.values() for error in errors),
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        chosen = {"start": None, "end": None, "crime_types": []}
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="incidents-{area.slug}.csv"'
    writer = csv.writer(response)
    writer.writerow(["Area", "Area code", "Month", "Crime type", "Incidents"])
    if chosen["start"]:
        types = chosen["crime_types"] or None
        months = selectors.month_range(chosen["start"], chosen["end"])
        for crime_type, values in sorted(
            selectors.area_counts(
                area=area, start=chosen["start"], end=chosen["end"], crime_types=types
            ).items()
        ):
            for month, count in zip(months, values, strict=True):
                writer.writerow([area.name, area.code, month.strftime("%Y-%m"), crime_type, int(count)])
    for attribution in selectors.source_attributions():
        writer.writerow([f"# {attribution}"])
    return response


@require_GET
def area_hotspots_geojson(request: HttpRequest, slug: str) -> HttpResponse:
    """Public: the hotspot hexagons (Gi* z, q-value, bin and incidents per cell) as GeoJSON."""
    area = access_area_for_user(request.user, slug)
    form, chosen = _choices(request, area)
    if chosen is None and form.errors:
        return JsonResponse({"errors": json.loads(form.errors.as_json())}, status=400)
    if chosen is None:
        return JsonResponse({"type": "FeatureCollection", "features": []})
    found = selectors.hotspots(
        area=area, start=chosen["start"], end=chosen["end"], crime_types=chosen["crime_types"] or None
    )
    collection = found.geojson() if found else {"type": "FeatureCollection", "features": []}
    collection["properties"] = {
        "area": area.slug,
        "from": chosen["start"].isoformat(),
        "to": chosen["end"].isoformat(),
        "attribution": selectors.source_attributions(),
    }
    return JsonResponse(collection, content_type="application/geo+json")


@require_GET
def area_before_after(request: HttpRequest, slug: str) -> HttpResponse:
    """Public: incidents before and after a date in an area, or in a circle drawn round a point,
    against the rest of the district or a chosen area (the problem page's panel, chosen by hand)."""
    area = access_area_for_user(request.user, slug)
    district = selectors.district_of(area)
    form = BeforeAfterForm(
        request.GET or None,
        area=area,
        district=district,
        crime_types=selectors.crime_types_in(area),
        comparison_areas=selectors.comparison_areas(area),
        radius_choices=selectors.RADIUS_CHOICES,
    )
    context = {
        "area": area,
        "form": form,
        "ancestors": area.ancestors(),
        "pin_picker": True,
        "pin_bounds": selectors.area_bounds(area),
        "pin_where": "at the centre of the circle",
        "pin_alt": "The centre of the circle",
        "panel": None,
    }
    if not form.is_bound:
        return render(request, "evidence/before_after.html", context)
    if not form.is_valid():
        return render(request, "evidence/before_after.html", context, status=400)
    data = form.cleaned_data
    circle = data["place"] == BeforeAfterForm.PLACE_CIRCLE
    context["panel"] = selectors.evidence_panel(
        area=area,
        crime_types=data["crime_type"],
        change_date=data["change_date"],
        months=data["months"],
        point=(data["latitude"], data["longitude"]) if circle else None,
        radius=data["radius"] if circle else None,
        comparison=data["comparison"],
    )
    return render(request, "evidence/before_after.html", context)
