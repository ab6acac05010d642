"""/api/v1/incident-counts/ and /api/v1/hotspots/: the evidence as JSON and GeoJSON.

Public and read-only, like the dashboard pages: aggregated counts of police.uk data (Open
Government Licence; every answer carries the attribution) and of other sources' incidents,
never an incident. Bad parameters answer 400 with what is wrong.
"""

from __future__ import annotations

import datetime as dt
import re

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from tandem.api import AUTHENTICATION_CLASSES
from tandem.places.models import Area

from . import selectors

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class MonthField(serializers.Field):
    """A month as YYYY-MM (the first of the month inside)."""

    def to_internal_value(self, data) -> dt.date:
        match = MONTH.match(str(data))
        if not match or not 1 <= int(match[2]) <= 12:
            raise serializers.ValidationError("Give a month as YYYY-MM, for example 2024-01.")
        return dt.date(int(match[1]), int(match[2]), 1)

    def to_representation(self, value: dt.date) -> str:
        return f"{value:%Y-%m}"


class EvidenceQuerySerializer(serializers.Serializer):
    area = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Area.objects.all(),
        help_text="The area's slug.",
        error_messages={"does_not_exist": "There is no area with the slug “{value}”."},
    )
    start = MonthField(
        required=False, help_text="The first month (YYYY-MM); 12 months before `end` if not given."
    )
    end = MonthField(
        required=False, help_text="The last month (YYYY-MM); the latest month with data if not given."
    )
    crime_type = serializers.ListField(
        child=serializers.CharField(max_length=100),
        required=False,
        help_text="police.uk crime types; all if none.",
    )

    def validate(self, data: dict) -> dict:
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise serializers.ValidationError(
                {"end": "The last month must be the same as or after the first."}
            )
        return data


def _query(request: Request) -> tuple[Area, dt.date | None, dt.date | None, list[str]]:
    params = {
        key: request.query_params.get(key) for key in ("area", "start", "end") if key in request.query_params
    }
    if "crime_type" in request.query_params:
        params["crime_type"] = request.query_params.getlist("crime_type")
    query = EvidenceQuerySerializer(data=params)
    query.is_valid(raise_exception=True)
    data = query.validated_data
    area = data["area"]
    months = selectors.months_with_data(area)
    if not months:
        return area, None, None, data.get("crime_type", [])
    end = data.get("end") or months[-1]
    start = data.get("start") or max(months[0], selectors.month_add(end, -11))
    return area, start, end, data.get("crime_type", [])


PARAMETERS = [
    OpenApiParameter("area", str, required=True, description="The area's slug."),
    OpenApiParameter("start", str, description="The first month, YYYY-MM."),
    OpenApiParameter("end", str, description="The last month, YYYY-MM."),
    OpenApiParameter(
        "crime_type", str, many=True, description="police.uk crime types (repeat the parameter)."
    ),
]


class IncidentCountViewSet(viewsets.ViewSet):
    """Public: an area's incidents per month and per crime type (the area and all areas within it)."""

    authentication_classes = AUTHENTICATION_CLASSES

    @extend_schema(
        parameters=PARAMETERS,
        responses=inline_serializer(
            "IncidentCounts",
            fields={
                "area": serializers.CharField(),
                "start": serializers.CharField(allow_null=True),
                "end": serializers.CharField(allow_null=True),
                "crime_types": serializers.ListField(child=serializers.CharField()),
                "total": serializers.IntegerField(),
                "months": serializers.ListField(child=serializers.DictField()),
                "by_crime_type": serializers.DictField(
                    child=serializers.ListField(child=serializers.IntegerField())
                ),
                "attribution": serializers.ListField(child=serializers.CharField()),
            },
        ),
    )
    def list(self, request: Request) -> Response:
        area, start, end, crime_types = _query(request)
        answer = {
            "area": area.slug,
            "start": f"{start:%Y-%m}" if start else None,
            "end": f"{end:%Y-%m}" if end else None,
            "crime_types": crime_types,
            "total": 0,
            "months": [],
            "by_crime_type": {},
            "attribution": selectors.source_attributions(),
        }
        if start is None:
            return Response(answer)
        by_type = selectors.area_counts(area=area, start=start, end=end, crime_types=crime_types or None)
        months = selectors.month_range(start, end)
        totals = [sum(int(values[index]) for values in by_type.values()) for index in range(len(months))]
        answer.update(
            {
                "total": sum(totals),
                "months": [
                    {"month": f"{month:%Y-%m}", "count": count}
                    for month, count in zip(months, totals, strict=True)
                ],
                "by_crime_type": {
                    name: [int(value) for value in values] for name, values in sorted(by_type.items())
                },
            }
        )
        return Response(answer)


class HotspotViewSet(viewsets.ViewSet):
    """Public: Getis-Ord Gi* per H3 cell (resolution 9) over the cells covering an area, with
    Benjamini–Hochberg q-values; `output=geojson` answers a FeatureCollection of the hexagons."""

    authentication_classes = AUTHENTICATION_CLASSES

    @extend_schema(
        parameters=[
            *PARAMETERS,
            OpenApiParameter(
                "output", str, enum=["json", "geojson"], description="json (default) or geojson hexagons."
            ),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def list(self, request: Request) -> Response:
        area, start, end, crime_types = _query(request)
        output = request.query_params.get("output", "json")
        if output not in ("json", "geojson"):
            raise serializers.ValidationError({"output": "Give json or geojson."})
        found = None
        if start is not None:
            found = selectors.hotspots(area=area, start=start, end=end, crime_types=crime_types or None)
        meta = {
            "area": area.slug,
            "start": f"{start:%Y-%m}" if start else None,
            "end": f"{end:%Y-%m}" if end else None,
            "crime_types": crime_types,
            "attribution": selectors.source_attributions(),
        }
        if output == "geojson":
            collection = found.geojson() if found else {"type": "FeatureCollection", "features": []}
            collection["properties"] = meta
            return Response(collection, content_type="application/geo+json")
        cells = []
        if found is not None:
            names = found.cells_as_str()
            for index in range(len(found.cells)):
                if found.counts[index] or found.gi_bin[index]:
                    cells.append(
                        {
                            "cell": names[index],
                            "count": int(found.counts[index]),
                            "z": round(float(found.z[index]), 4),
                            "p": float(found.p[index]),
                            "q": float(found.q[index]),
                            "bin": int(found.gi_bin[index]),
                            "label": str(found.label[index]),
                        }
                    )
        return Response({**meta, "cells_analysed": len(found.cells) if found else 0, "cells": cells})


def register(router) -> None:
    router.register("incident-counts", IncidentCountViewSet, basename="incident-count")
    router.register("hotspots", HotspotViewSet, basename="hotspot")
