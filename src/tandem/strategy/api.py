"""/api/v1/strategies/: the partnership's strategies, read-only.

Public, like the pages: each strategy with its strategic priorities, their outcomes and their
indicators, every indicator with its latest figure and its status against the target. The
strategy is changed on the pages, whose services keep the rules.
"""

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets

from tandem.api import AUTHENTICATION_CLASSES, SLUG_REGEX

from .models import Indicator, IndicatorValue, Outcome, StrategicPriority, Strategy
from .selectors import IndicatorProgress, indicator_progress

STATUSES = list(IndicatorProgress.STATUS_TEXT)


class StrategyFilterSerializer(serializers.Serializer):
    partnership = serializers.SlugField(
        required=False, help_text="Only this partnership's strategies (by slug)."
    )


class LatestValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndicatorValue
        fields = ["period_start", "value", "note"]


class IndicatorSerializer(serializers.ModelSerializer):
    outcome = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text="The outcome it measures (id), if any."
    )
    latest = serializers.SerializerMethodField(
        help_text="The latest quarterly figure, or null before the first."
    )
    status = serializers.SerializerMethodField(help_text="The latest figure against the target.")
    status_text = serializers.SerializerMethodField(help_text="The status in words.")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Indicator
        fields = [
            "id",
            "name",
            "unit",
            "outcome",
            "baseline",
            "baseline_label",
            "target",
            "direction",
            "tolerance",
            "source",
            "crime_types",
            "latest",
            "status",
            "status_text",
            "url",
        ]

    def _progress(self, indicator: Indicator) -> IndicatorProgress:
        if not hasattr(indicator, "_progress"):
            indicator._progress = indicator_progress(indicator, values=list(indicator.values.all()))
        return indicator._progress

    @extend_schema_field(LatestValueSerializer(allow_null=True))
    def get_latest(self, indicator: Indicator) -> dict[str, Any] | None:
        latest = self._progress(indicator).latest
        return LatestValueSerializer(latest).data if latest else None

    @extend_schema_field(serializers.ChoiceField(choices=STATUSES))
    def get_status(self, indicator: Indicator) -> str:
        return self._progress(indicator).status

    @extend_schema_field(OpenApiTypes.STR)
    def get_status_text(self, indicator: Indicator) -> str:
        return self._progress(indicator).text

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, indicator: Indicator) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("strategy:indicator-detail", kwargs={"pk": indicator.pk})
        )


class OutcomeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Outcome
        fields = ["id", "text", "position"]


class StrategicPrioritySerializer(serializers.ModelSerializer):
    outcomes = OutcomeSerializer(many=True, read_only=True)
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = StrategicPriority
        fields = ["id", "title", "slug", "description", "position", "outcomes", "indicators"]


class StrategySerializer(serializers.ModelSerializer):
    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    priorities = StrategicPrioritySerializer(many=True, read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Strategy
        fields = [
            "id",
            "slug",
            "title",
            "partnership",
            "starts_on",
            "ends_on",
            "approved_on",
            "summary",
            "url",
            "priorities",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, strategy: Strategy) -> str:
        return self.context["request"].build_absolute_uri(strategy.get_absolute_url())


@extend_schema_view(
    list=extend_schema(
        summary="List strategies",
        description="Public. Each strategy with its strategic priorities, outcomes and indicators; every "
        "indicator with its latest quarterly figure and its status against the target.",
        parameters=[StrategyFilterSerializer],
    ),
    retrieve=extend_schema(summary="A strategy", description="Public."),
)
class StrategyViewSet(viewsets.ReadOnlyModelViewSet):
    """Public: the partnership's strategies, their priorities, outcomes and indicators."""

    serializer_class = StrategySerializer
    authentication_classes = AUTHENTICATION_CLASSES
    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX

    def get_queryset(self) -> QuerySet[Strategy]:
        indicators = Indicator.objects.order_by("position", "pk").prefetch_related(
            Prefetch("values", queryset=IndicatorValue.objects.order_by("period_start"))
        )
        priorities = StrategicPriority.objects.order_by("position", "pk").prefetch_related(
            Prefetch("outcomes", queryset=Outcome.objects.order_by("position", "pk")),
            Prefetch("indicators", queryset=indicators),
        )
        queryset = (
            Strategy.objects.select_related("partnership")
            .prefetch_related(Prefetch("priorities", queryset=priorities))
            .order_by("partnership__name", "-starts_on", "-pk")
        )
        if self.action == "list":
            query = StrategyFilterSerializer(data=self.request.query_params.dict())
            query.is_valid(raise_exception=True)
            if query.validated_data.get("partnership"):
                queryset = queryset.filter(partnership__slug=query.validated_data["partnership"])
        return queryset


def register(router) -> None:
    router.register("strategies", StrategyViewSet, basename="strategy")
