"""/api/v1/meetings/ and friends: meetings, agenda items, attendance, decisions, actions arising.

Read-only: meetings are run through the pages, whose services keep the rules
(circulation, approval, corrections). What a requester sees follows the pages:
public meetings of visible groups for anyone; confidential items, draft minutes
and attendance only for the group's members and partnership officers.
"""

from django.db.models import Q, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from tandem.api import AUTHENTICATION_CLASSES, ID_REGEX, request_viewer
from tandem.meetings.access import meetings_visible_q
from tandem.meetings.models import ActionArising, AgendaItem, Attendance, Decision, Meeting
from tandem.partnership.access import Viewer


def _insider_q(viewer: Viewer, prefix: str = "") -> Q:
    """Rows of meetings whose group the viewer is inside (officers are inside every group)."""
    if viewer.is_officer:
        return Q()
    return Q(**{f"{prefix}group_id__in": viewer.group_ids})


def _minutes_visible_q(viewer: Viewer, prefix: str = "") -> Q:
    return _insider_q(viewer, prefix) | Q(**{f"{prefix}minutes_status": Meeting.MinutesStatus.APPROVED})


def _meeting_filter(request: Request) -> int | None:
    raw = request.query_params.get("meeting")
    if raw in (None, ""):
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise ValidationError({"meeting": "Give a meeting id (a whole number)."})
    return int(raw)


MEETING_PARAMETER = OpenApiParameter(
    "meeting", OpenApiTypes.INT, description="Only rows of this meeting (by id)."
)


class MeetingSerializer(serializers.ModelSerializer):
    group = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    title = serializers.CharField(source="display_title", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "uid",
            "group",
            "title",
            "starts_at",
            "ends_at",
            "venue_name",
            "venue_address",
            "venue_access_notes",
            "online_link",
            "is_public",
            "status",
            "cancellation_reason",
            "sequence",
            "circulated_at",
            "minutes_status",
            "minutes_approved_at",
            "url",
        ]

    def get_url(self, meeting: Meeting) -> str:
        return self.context["request"].build_absolute_uri(meeting.get_absolute_url())


class MeetingFilterSerializer(serializers.Serializer):
    group = serializers.SlugField(required=False, help_text="Only meetings of this group (by slug).")
    starts_after = serializers.DateField(required=False, help_text="Only meetings on or after this date.")
    starts_before = serializers.DateField(required=False, help_text="Only meetings before this date.")


@extend_schema_view(
    list=extend_schema(
        summary="List meetings",
        description="Public meetings of groups you may see; members and officers also see the group's "
        "private meetings.",
        parameters=[MeetingFilterSerializer],
    ),
    retrieve=extend_schema(summary="A meeting", description="Public for public meetings."),
)
class MeetingViewSet(viewsets.ReadOnlyModelViewSet):
    """Public: meetings of the groups the requester may see."""

    serializer_class = MeetingSerializer
    authentication_classes = AUTHENTICATION_CLASSES
    lookup_value_regex = ID_REGEX

    def get_queryset(self) -> QuerySet[Meeting]:
        queryset = (
            Meeting.objects.select_related("group")
            .filter(meetings_visible_q(request_viewer(self.request)))
            .order_by("starts_at", "pk")
        )
        if self.action == "list":
            query = MeetingFilterSerializer(data=self.request.query_params.dict())
            query.is_valid(raise_exception=True)
            filters = query.validated_data
            if filters.get("group"):
                queryset = queryset.filter(group__slug=filters["group"])
            if filters.get("starts_after"):
                queryset = queryset.filter(starts_at__date__gte=filters["starts_after"])
            if filters.get("starts_before"):
                queryset = queryset.filter(starts_at__date__lt=filters["starts_before"])
        return queryset


class AgendaItemSerializer(serializers.ModelSerializer):
    presenter = serializers.SerializerMethodField()
    presenter_organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    minutes = serializers.SerializerMethodField(help_text="Points noted, when the minutes are visible.")

    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "meeting",
            "position",
            "title",
            "description",
            "standing",
            "presenter",
            "presenter_organisation",
            "minutes_allowed",
            "is_confidential",
            "minutes",
        ]

    def get_presenter(self, item: AgendaItem) -> str | None:
        person = item.presenter
        if person is None:
            return None
        viewer = request_viewer(self.context["request"])
        if person.show_name_publicly or viewer.can_see_member_details(item.meeting.group):
            return person.name
        return None

    def get_minutes(self, item: AgendaItem) -> str | None:
        viewer = request_viewer(self.context["request"])
        meeting = item.meeting
        if viewer.is_officer or meeting.group_id in viewer.group_ids:
            return item.minutes
        return item.minutes if meeting.minutes_status == Meeting.MinutesStatus.APPROVED else None


@extend_schema_view(
    list=extend_schema(
        summary="List agenda items",
        description="Public items of meetings you may see; confidential items only for the group's "
        "members and officers.",
        parameters=[MEETING_PARAMETER],
    ),
    retrieve=extend_schema(summary="An agenda item"),
)
class AgendaItemViewSet(viewsets.ReadOnlyModelViewSet):
    """Public: agenda items the requester may see."""

    serializer_class = AgendaItemSerializer
    authentication_classes = AUTHENTICATION_CLASSES
    lookup_value_regex = ID_REGEX

    def get_queryset(self) -> QuerySet[AgendaItem]:
        viewer = request_viewer(self.request)
        queryset = (
            AgendaItem.objects.select_related(
                "meeting", "meeting__group", "presenter", "presenter_organisation"
            )
            .filter(meetings_visible_q(viewer, prefix="meeting__"))
            .filter(Q(is_confidential=False) | _insider_q(viewer, prefix="meeting__"))
            .order_by("meeting__starts_at", "meeting_id", "position", "pk")
        )
        meeting = _meeting_filter(self.request) if self.action == "list" else None
        return queryset.filter(meeting_id=meeting) if meeting else queryset


class AttendanceSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Attendance
        fields = ["id", "meeting", "name", "organisation", "status"]

    def get_name(self, row: Attendance) -> str:
        return row.person.name if row.person_id else row.guest_name


@extend_schema_view(
    list=extend_schema(
        summary="List attendance",
        description="Members and officers only: who was present, sent apologies or was absent.",
        parameters=[MEETING_PARAMETER],
    ),
    retrieve=extend_schema(summary="One attendance record"),
)
class AttendanceViewSet(viewsets.ReadOnlyModelViewSet):
    """Members of the group and officers: attendance records (personal data, so not public)."""

    serializer_class = AttendanceSerializer
    authentication_classes = AUTHENTICATION_CLASSES
    lookup_value_regex = ID_REGEX

    def get_queryset(self) -> QuerySet[Attendance]:
        viewer = request_viewer(self.request)
        if not viewer.is_signed_in:
            return Attendance.objects.none()
        queryset = (
            Attendance.objects.select_related("person", "organisation", "meeting")
            .filter(meetings_visible_q(viewer, prefix="meeting__"))
            .filter(_insider_q(viewer, prefix="meeting__"))
            .order_by("meeting_id", "pk")
        )
        meeting = _meeting_filter(self.request) if self.action == "list" else None
        return queryset.filter(meeting_id=meeting) if meeting else queryset


def _minutes_rows(model, viewer: Viewer, request: Request) -> QuerySet:
    queryset = (
        model.objects.select_related("meeting", "item")
        .filter(meetings_visible_q(viewer, prefix="meeting__"))
        .filter(_minutes_visible_q(viewer, prefix="meeting__"))
        .filter(
            Q(item__isnull=True) | Q(item__is_confidential=False) | _insider_q(viewer, prefix="meeting__")
        )
        .order_by("meeting__starts_at", "pk")
    )
    meeting = _meeting_filter(request)
    return queryset.filter(meeting_id=meeting) if meeting else queryset


class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Decision
        fields = [
            "id",
            "meeting",
            "item",
            "kind",
            "text",
            "votes_for",
            "votes_against",
            "abstentions",
            "approves_minutes_of",
        ]


@extend_schema_view(
    list=extend_schema(
        summary="List decisions",
        description='Decisions ("RESOLVED that …") in minutes you may see: approved minutes for anyone, '
        "draft minutes for the group's members and officers.",
        parameters=[MEETING_PARAMETER],
    ),
    retrieve=extend_schema(summary="A decision"),
)
class DecisionViewSet(viewsets.ReadOnlyModelViewSet):
    """Public: decisions in minutes the requester may see."""

    serializer_class = DecisionSerializer
    authentication_classes = AUTHENTICATION_CLASSES
    lookup_value_regex = ID_REGEX

    def get_queryset(self) -> QuerySet[Decision]:
        return _minutes_rows(Decision, request_viewer(self.request), self.request)


class ActionArisingSerializer(serializers.ModelSerializer):
    lead = serializers.SerializerMethodField()
    lead_organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = ActionArising
        fields = ["id", "meeting", "item", "description", "lead", "lead_organisation", "due_on"]

    def get_lead(self, action: ActionArising) -> str | None:
        if action.lead_id is None:
            return None
        viewer = request_viewer(self.context["request"])
        if action.lead.show_name_publicly or viewer.can_see_member_details(action.meeting.group):
            return action.lead.name
        return None


@extend_schema_view(
    list=extend_schema(
        summary="List actions arising",
        description="Actions arising (what, who leads, by when) from minutes you may see.",
        parameters=[MEETING_PARAMETER],
    ),
    retrieve=extend_schema(summary="An action arising"),
)
class ActionArisingViewSet(viewsets.ReadOnlyModelViewSet):
    """Public: actions arising from minutes the requester may see."""

    serializer_class = ActionArisingSerializer
    authentication_classes = AUTHENTICATION_CLASSES
    lookup_value_regex = ID_REGEX

    def get_queryset(self) -> QuerySet[ActionArising]:
        queryset = _minutes_rows(ActionArising, request_viewer(self.request), self.request)
        return queryset.select_related("lead", "lead_organisation", "meeting__group")


def register(router) -> None:
    router.register("meetings", MeetingViewSet, basename="meeting")
    router.register("agenda-items", AgendaItemViewSet, basename="agenda-item")
    router.register("attendance", AttendanceViewSet, basename="attendance")
    router.register("decisions", DecisionViewSet, basename="decision")
    router.register("actions-arising", ActionArisingViewSet, basename="action-arising")
