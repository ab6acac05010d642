"""/api/v1/problems/ and /api/v1/problem-categories/.

Anyone reads the problems they may see (public problems of visible groups; a group's
members and officers also see its private ones). Who raised a problem and its analysis
are given only to those insiders. Officers and administrators may record and change
problems; every write goes through the problems' services, so the API keeps the same
rules as the pages. Status changes, merging and raised-again are done on the pages.
"""

import math
from typing import Any

from django.db import transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Value
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, serializers, viewsets

from tandem.api import (
    AUTHENTICATION_CLASSES,
    ID_REGEX,
    SLUG_REGEX,
    WRITE_ERRORS,
    SlugLookupField,
    call_service,
    request_viewer,
)
from tandem.partnership.models import Group, Organisation
from tandem.places.models import Area
from tandem.places.selectors import area_descendant_ids

from .models import Category, Escalation, Problem
from .selectors import visible_q
from .services import problem_create, problem_update

INSIDER_FIELDS = (
    "raised_by",
    "raised_by_organisation",
    "victim",
    "offender",
    "location_analysis",
    "outside_partnership",
)


class IsOfficerOrReadOnly(permissions.BasePermission):
    """Reads for anyone; changes only for partnership officers and administrators."""

    message = "Only partnership officers and administrators can record or change problems through the API."

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return request_viewer(request).is_officer


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "slug", "description", "police_uk_crime_types", "is_active"]


@extend_schema_view(
    list=extend_schema(summary="List problem categories", description="Public."),
    retrieve=extend_schema(summary="A problem category", description="Public."),
)
class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    """Public: the categories of problems, each with the police.uk crime types it counts."""

    serializer_class = CategorySerializer
    authentication_classes = AUTHENTICATION_CLASSES
    queryset = Category.objects.order_by("position", "name")
    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX


class FiniteFloatField(serializers.FloatField):
    def to_internal_value(self, data: Any) -> float:
        value = super().to_internal_value(data)
        if not math.isfinite(value):
            self.fail("invalid")
        return value


class ProblemSerializer(serializers.ModelSerializer):
    group = SlugLookupField("group", queryset=Group.objects.all(), help_text="The group that owns it.")
    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    category = SlugLookupField("category", queryset=Category.objects.filter(is_active=True))
    area = SlugLookupField("area", queryset=Area.objects.all(), allow_null=True, required=False)
    latitude = FiniteFloatField(min_value=-90, max_value=90, allow_null=True, required=False)
    longitude = FiniteFloatField(min_value=-180, max_value=180, allow_null=True, required=False)
    raised_by_organisation = SlugLookupField(
        "organisation",
        queryset=Organisation.objects.all(),
        allow_null=True,
        required=False,
        help_text="Given only to the group's members and officers.",
    )
    raised_by = serializers.ChoiceField(
        choices=Problem.RaisedBy.choices,
        required=False,
        help_text="Given only to the group's members and officers.",
    )
    merged_into = serializers.PrimaryKeyRelatedField(read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Problem
        fields = [
            "id",
            "title",
            "description",
            "category",
            "group",
            "partnership",
            "area",
            "latitude",
            "longitude",
            "location_text",
            "status",
            "closed_reason",
            "times_raised",
            "first_raised_on",
            "last_raised_on",
            "is_public",
            "merged_into",
            "outside_partnership",
            "raised_by",
            "raised_by_organisation",
            "victim",
            "offender",
            "location_analysis",
            "url",
        ]
        read_only_fields = [
            "status",
            "closed_reason",
            "times_raised",
            "first_raised_on",
            "last_raised_on",
            "outside_partnership",
        ]

    def get_url(self, problem: Problem) -> str:
        return self.context["request"].build_absolute_uri(problem.get_absolute_url())

    def to_representation(self, problem: Problem) -> dict[str, Any]:
        data = super().to_representation(problem)
        if not getattr(problem, "is_insider", False):
            for name in INSIDER_FIELDS:
                data[name] = None
        return data

    def validate_group(self, group: Group) -> Group:
        if not request_viewer(self.context["request"]).can_see_group(group):
            raise serializers.ValidationError(f"No group has the slug {group.slug}.")
        return group

    def create(self, validated_data: dict[str, Any]) -> Problem:
        request = self.context["request"]
        # The analysis triangle is not part of a report: it is filled in once the problem exists.
        analysis = {name: validated_data.pop(name) for name in ANALYSIS_FIELDS if name in validated_data}
        with transaction.atomic():
            problem = call_service(problem_create, **validated_data, by=request.user)
            if any(analysis.values()):
                call_service(problem_update, problem=problem, data=analysis, by=request.user)
        problem.is_insider = True
        return problem

    def update(self, instance: Problem, validated_data: dict[str, Any]) -> Problem:
        call_service(problem_update, problem=instance, data=validated_data, by=self.context["request"].user)
        instance.is_insider = True
        return instance


ANALYSIS_FIELDS = ("victim", "offender", "location_analysis")


class ProblemFilterSerializer(serializers.Serializer):
    category = SlugLookupField(
        "category",
        queryset=Category.objects.all(),
        required=False,
        help_text="Only problems of this category.",
    )
    status = serializers.ChoiceField(
        choices=[("open", "Any open status"), *Problem.Status.choices],
        required=False,
        help_text="Only problems in this status (open: any of scanning to assessment).",
    )
    group = SlugLookupField(
        "group", queryset=Group.objects.all(), required=False, help_text="Only problems owned by this group."
    )
    area = SlugLookupField(
        "area",
        queryset=Area.objects.defer("boundary"),
        required=False,
        help_text="Only problems in this area or an area within it.",
    )
    raised = serializers.IntegerField(
        min_value=1,
        max_value=1_000_000,
        required=False,
        help_text="Only problems raised at least this many times.",
    )

    def validate_group(self, group: Group) -> Group:
        if not request_viewer(self.context["request"]).can_see_group(group):
            raise serializers.ValidationError(f"No group has the slug {group.slug}.")
        return group


@extend_schema_view(
    list=extend_schema(
        summary="List problems",
        description="Public problems of visible groups; the group's members and officers also see its "
        "private problems, who raised them and the analysis. Merged problems are left out.",
        parameters=[ProblemFilterSerializer],
    ),
    retrieve=extend_schema(summary="A problem", description="Public for public problems."),
    create=extend_schema(
        summary="Record a problem",
        description="Officers and administrators only. Its first report and status (scanning) are "
        "recorded; a map pin outside every area of the partnership is accepted but flagged.",
        responses={201: ProblemSerializer, **WRITE_ERRORS},
    ),
    update=extend_schema(
        summary="Change a problem",
        description="Officers and administrators only. The status changes on the problem's page.",
        responses={200: ProblemSerializer, **WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change some of a problem's fields",
        description="Officers and administrators only.",
        responses={200: ProblemSerializer, **WRITE_ERRORS},
    ),
)
class ProblemViewSet(viewsets.ModelViewSet):
    """Public: read the problems the requester may see. Officers: record and change them."""

    serializer_class = ProblemSerializer
    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsOfficerOrReadOnly]
    lookup_value_regex = ID_REGEX
    http_method_names = ["get", "head", "options", "post", "put", "patch"]

    def get_queryset(self) -> QuerySet[Problem]:
        viewer = request_viewer(self.request)
        queryset = (
            Problem.objects.filter(visible_q(viewer))
            .select_related("group", "partnership", "category", "area", "raised_by_organisation")
            .defer("area__boundary")
            .order_by("-last_raised_on", "-pk")
        )
        if viewer.is_officer:
            queryset = queryset.annotate(is_insider=Value(True))
        elif viewer.group_ids:
            escalated = Escalation.objects.filter(problem=OuterRef("pk"), to_group_id__in=viewer.group_ids)
            inside = Q(group_id__in=viewer.group_ids) | Q(Exists(escalated))
            queryset = queryset.annotate(is_insider=ExpressionWrapper(inside, output_field=BooleanField()))
        if self.action == "list":
            queryset = queryset.filter(merged_into__isnull=True)
            query = ProblemFilterSerializer(
                data=self.request.query_params.dict(), context={"request": self.request}
            )
            query.is_valid(raise_exception=True)
            filters = query.validated_data
            if "category" in filters:
                queryset = queryset.filter(category=filters["category"])
            if filters.get("status") == "open":
                queryset = queryset.filter(status__in=Problem.OPEN_STATUSES)
            elif filters.get("status"):
                queryset = queryset.filter(status=filters["status"])
            if "group" in filters:
                queryset = queryset.filter(group=filters["group"])
            if "area" in filters:
                area = filters["area"]
                queryset = queryset.filter(area_id__in=[area.pk, *area_descendant_ids(area)])
            if "raised" in filters:
                queryset = queryset.filter(times_raised__gte=filters["raised"])
        return queryset


def register(router) -> None:
    router.register("problem-categories", CategoryViewSet, basename="problem-category")
    router.register("problems", ProblemViewSet, basename="problem")
