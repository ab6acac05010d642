"""/api/v1/areas/: the partnership's places. Anyone may read; only administrators may change.

Anyone may read; only partnership administrators may change. Every write goes
through the model's ``full_clean()`` inside a transaction, and a refused write
answers 400 with the field errors, never 500.
"""

from typing import Any

import shapely.geometry
from django.db import models
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers

from tandem.api import (
    DELETE_CONFLICT,
    WRITE_ERRORS,
    AdministratorWriteViewSet,
    CleanModelSerializer,
    SlugLookupField,
)
from tandem.places.models import Area
from tandem.places.services import boundary_values

# --- Areas -------------------------------------------------------------------------------------


@extend_schema_field(
    inline_serializer("Centroid", fields={"lat": serializers.FloatField(), "lng": serializers.FloatField()})
)
class CentroidField(serializers.Field):
    def __init__(self, **kwargs) -> None:
        super().__init__(source="*", read_only=True, allow_null=True, **kwargs)

    def to_representation(self, area: Area) -> dict[str, float] | None:
        if area.centroid_lat is None or area.centroid_lng is None:
            return None
        return {"lat": area.centroid_lat, "lng": area.centroid_lng}


class AreaSerializer(CleanModelSerializer):
    """An area's public fields, without its boundary."""

    parent = SlugLookupField("area", queryset=Area.objects.all(), allow_null=True, required=False)
    centroid = CentroidField()
    lsoa_codes = serializers.SerializerMethodField()

    class Meta:
        model = Area
        fields = [
            "id",
            "name",
            "slug",
            "kind",
            "parent",
            "code",
            "description",
            "is_priority_neighbourhood",
            "centroid",
            "lsoa_codes",
        ]

    def get_lsoa_codes(self, area: Area) -> list[str]:
        return [lsoa.code for lsoa in area.lsoas.all()]


class AreaDetailSerializer(AreaSerializer):
    """An area with its GeoJSON boundary (Polygon or MultiPolygon, WGS84 longitude/latitude)."""

    boundary = serializers.JSONField(
        required=False,
        allow_null=True,
        help_text="A GeoJSON Polygon or MultiPolygon geometry in WGS84 longitude/latitude, or null. "
        "Setting it also sets the centroid.",
    )

    class Meta(AreaSerializer.Meta):
        fields = [*AreaSerializer.Meta.fields, "boundary", "boundary_source"]

    def validate_boundary(self, value: Any) -> dict[str, Any] | None:
        if value is None:
            return None
        message = "Give a GeoJSON Polygon or MultiPolygon in longitude/latitude, or null."
        if not isinstance(value, dict) or value.get("type") not in ("Polygon", "MultiPolygon"):
            raise serializers.ValidationError(message)
        try:
            geometry = shapely.geometry.shape(value)
            valid = not geometry.is_empty and geometry.is_valid
            min_x, min_y, max_x, max_y = geometry.bounds
        except Exception as exc:  # shapely raises many kinds of error for malformed coordinates
            raise serializers.ValidationError(message) from exc
        if not valid:
            raise serializers.ValidationError("The boundary is empty or crosses itself.")
        if not (-180 <= min_x <= max_x <= 180 and -90 <= min_y <= max_y <= 90):
            raise serializers.ValidationError("Coordinates must be longitude and latitude in degrees.")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "boundary" in attrs:
            if attrs["boundary"] is None:
                attrs["centroid_lat"] = attrs["centroid_lng"] = None
            else:
                # Rebuilt from the parsed geometry: only rounded numbers are stored, with the centroid.
                attrs.update(boundary_values(shapely.geometry.shape(attrs["boundary"])))
        return attrs


class AreaFilterSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=Area.Kind.choices, required=False, help_text="Only areas of this kind."
    )
    parent = SlugLookupField(
        "area",
        queryset=Area.objects.all(),
        required=False,
        help_text="Only the areas directly inside the area with this slug.",
    )
    include = serializers.ChoiceField(
        choices=[("boundary", "boundary")],
        required=False,
        help_text="`boundary` adds each area's GeoJSON boundary to the list.",
    )


@extend_schema_view(
    list=extend_schema(
        summary="List areas",
        description="Public. Boundaries are left out unless `?include=boundary` asks for them.",
        parameters=[AreaFilterSerializer],
    ),
    retrieve=extend_schema(summary="An area, with its boundary", description="Public."),
    create=extend_schema(
        summary="Add an area",
        description="Administrators only.",
        responses={201: AreaDetailSerializer, **WRITE_ERRORS},
    ),
    update=extend_schema(
        summary="Change an area",
        description="Administrators only.",
        responses={200: AreaDetailSerializer, **WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change some of an area's fields",
        description="Administrators only.",
        responses={200: AreaDetailSerializer, **WRITE_ERRORS},
    ),
    destroy=extend_schema(
        summary="Delete an area",
        description="Administrators only. Refused (409) while groups, partnerships or smaller "
        "areas are in it.",
        responses={204: None, **DELETE_CONFLICT},
    ),
)
class AreaViewSet(AdministratorWriteViewSet):
    """Public: read areas. Administrators: add, change and delete them."""

    queryset = Area.objects.select_related("parent").prefetch_related("lsoas")
    filter_serializer_class = AreaFilterSerializer

    def get_queryset(self) -> models.QuerySet[Area]:
        queryset = super().get_queryset()
        filters = self.filters()
        if "kind" in filters:
            queryset = queryset.filter(kind=filters["kind"])
        if "parent" in filters:
            queryset = queryset.filter(parent=filters["parent"])
        if self.action == "list" and filters.get("include") != "boundary":
            queryset = queryset.defer("boundary")
        return queryset

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if self.action == "list" and self.request.query_params.get("include") != "boundary":
            return AreaSerializer
        return AreaDetailSerializer


def register(router) -> None:
    """Register the places API viewsets on the /api/v1/ router."""
    router.register("areas", AreaViewSet, basename="area")
