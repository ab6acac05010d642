"""/api/v1/priorities/ and /api/v1/escalations/: the problem-solving chain, read-only.

Priorities and escalations are changed through the pages, whose services keep the
rules. What a requester sees follows the pages: rows about problems they may see
(public problems of visible groups for anyone; the rest for insiders and officers).
Who escalated or decided is never given: only the groups.
"""

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from tandem.api import AUTHENTICATION_CLASSES, ID_REGEX, request_viewer

from .access import problems_visible_q
from .models import Escalation, Priority
from .priorities import annotate_persistence


class PriorityFilterSerializer(serializers.Serializer):
    group = serializers.SlugField(required=False, help_text="Only priorities of this group (by slug).")
    parent = serializers.SlugField(
        required=False, help_text="Only priorities of the groups below this one (by slug): its board."
    )
    current = serializers.BooleanField(
        required=False, default=False, help_text="Only priorities for the period covering today."
    )
    problem = serializers.IntegerField(
        required=False, min_value=1, max_value=10**18, help_text="Only this problem's (by id)."
    )


class PrioritySerializer(serializers.ModelSerializer):
    group = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    problem_title = serializers.CharField(source="problem.title", read_only=True)
    periods_running = serializers.IntegerField(
        read_only=True, help_text="How many periods running the problem has been a priority of the group."
    )

    class Meta:
        model = Priority
        fields = [
            "id",
            "group",
            "problem",
            "problem_title",
            "period_start",
            "period_end",
            "rank",
            "reason",
            "carried_over_from",
            "periods_running",
        ]


@extend_schema_view(
    list=extend_schema(
        summary="List priorities",
        description="Groups' priorities for problems you may see, with persistence (periods running).",
        parameters=[PriorityFilterSerializer],
    ),
    retrieve=extend_schema(summary="A priority"),
)
class PriorityViewSet(viewsets.ReadOnlyModelViewSet):
    """Public: priorities about problems the requester may see."""

    serializer_class = PrioritySerializer
    authentication_classes = AUTHENTICATION_CLASSES
    lookup_value_regex = ID_REGEX

    def get_queryset(self) -> QuerySet[Priority]:
        viewer = request_viewer(self.request)
        queryset = (
            Priority.objects.select_related("group", "group__type", "problem")
            .filter(problems_visible_q(viewer, prefix="problem__"))
            .filter(viewer.groups_q(prefix="group__"))
            .order_by("group__name", "-period_start", "rank", "pk")
        )
        if self.action == "list":
            query = PriorityFilterSerializer(data=self.request.query_params.dict())
            query.is_valid(raise_exception=True)
            filters = query.validated_data
            if filters.get("group"):
                queryset = queryset.filter(group__slug=filters["group"])
            if filters.get("parent"):
                queryset = queryset.filter(group__parent__slug=filters["parent"])
            if filters.get("problem"):
                queryset = queryset.filter(problem_id=filters["problem"])
            if filters.get("current"):
                today = timezone.localdate()
                queryset = queryset.filter(period_start__lte=today, period_end__gte=today)
        return queryset

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        rows = annotate_persistence(list(page))
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        priority = self.get_object()
        annotate_persistence([priority])
        return Response(self.get_serializer(priority).data)


class EscalationFilterSerializer(serializers.Serializer):
    to_group = serializers.SlugField(required=False, help_text="Only escalations to this group (by slug).")
    from_group = serializers.SlugField(
        required=False, help_text="Only escalations from this group (by slug)."
    )
    problem = serializers.IntegerField(
        required=False, min_value=1, max_value=10**18, help_text="Only this problem's (by id)."
    )
    waiting = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="true: only those waiting for a decision."
    )


class EscalationSerializer(serializers.ModelSerializer):
    from_group = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    to_group = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    problem_title = serializers.CharField(source="problem.title", read_only=True)
    established_group = serializers.SerializerMethodField(
        help_text="The slug of the Community Led Solution group set up for it, if you may see that group."
    )

    class Meta:
        model = Escalation
        fields = [
            "id",
            "problem",
            "problem_title",
            "from_group",
            "to_group",
            "reason",
            "escalated_at",
            "decision",
            "decision_notes",
            "decided_at",
            "established_group",
        ]

    def get_established_group(self, escalation: Escalation) -> str | None:
        group = escalation.established_group
        if group is None or not request_viewer(self.context["request"]).can_see_group(group):
            return None
        return group.slug


@extend_schema_view(
    list=extend_schema(
        summary="List escalations and decisions",
        description="Problems sent up the chain and the decisions on them, for problems you may see.",
        parameters=[EscalationFilterSerializer],
    ),
    retrieve=extend_schema(summary="An escalation and its decision"),
)
class EscalationViewSet(viewsets.ReadOnlyModelViewSet):
    """Public: escalations (and decisions) of problems the requester may see."""

    serializer_class = EscalationSerializer
    authentication_classes = AUTHENTICATION_CLASSES
    lookup_value_regex = ID_REGEX

    def get_queryset(self) -> QuerySet[Escalation]:
        viewer = request_viewer(self.request)
        queryset = (
            Escalation.objects.select_related("problem", "from_group", "to_group", "established_group")
            .filter(problems_visible_q(viewer, prefix="problem__"))
            .order_by("-escalated_at", "-pk")
        )
        if self.action == "list":
            query = EscalationFilterSerializer(data=self.request.query_params.dict())
            query.is_valid(raise_exception=True)
            filters = query.validated_data
            if filters.get("to_group"):
                queryset = queryset.filter(to_group__slug=filters["to_group"])
            if filters.get("from_group"):
                queryset = queryset.filter(from_group__slug=filters["from_group"])
            if filters.get("problem"):
                queryset = queryset.filter(problem_id=filters["problem"])
            if filters.get("waiting") is not None:
                queryset = (
                    queryset.filter(decision="") if filters["waiting"] else queryset.exclude(decision="")
                )
        return queryset


def register(router) -> None:
    router.register("priorities", PriorityViewSet, basename="priority")
    router.register("escalations", EscalationViewSet, basename="escalation")
