"""/api/v1/: partnerships, stakeholder kinds, group types, organisations, groups and memberships.

Anyone may read the public fields; private groups (and their memberships) only
officers, administrators and the group's current members. A person's name is
given only where they agreed to show it or the requester is an officer or a
member of the group; contact details of people are never in the API. Only
partnership administrators may change anything.
"""

from typing import Any

from django.db import models, transaction
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from tandem.api import (
    AUTHENTICATION_CLASSES,
    DELETE_CONFLICT,
    ID_REGEX,
    SLUG_REGEX,
    WRITE_ERRORS,
    AdministratorWriteViewSet,
    ErrorSerializer,
    SlugLookupField,
    call_service,
    request_viewer,
)
from tandem.partnership.models import (
    Group,
    GroupType,
    Membership,
    Organisation,
    Partnership,
    Person,
    StakeholderKind,
)
from tandem.partnership.services import (
    group_create,
    group_update,
    membership_create,
    membership_end,
    membership_update,
    organisation_create,
    organisation_update,
)
from tandem.places.models import Area

# --- Read-only configuration ---------------------------------------------------------------------


def _visible_group(request: Request, slug: str) -> Group:
    """A group the requester may see, by slug; a private one answers as if it did not exist."""
    group = Group.objects.filter(request_viewer(request).groups_q(), slug=slug).first()
    if group is None:
        raise serializers.ValidationError(f"No group has the slug {slug}.")
    return group


class PartnershipSerializer(serializers.ModelSerializer):
    area = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Partnership
        fields = ["id", "name", "short_name", "slug", "area", "description", "website", "email", "phone"]


@extend_schema_view(
    list=extend_schema(summary="List partnerships", description="Public."),
    retrieve=extend_schema(summary="A partnership", description="Public."),
)
class PartnershipViewSet(viewsets.ReadOnlyModelViewSet):
    """Public: read the partnerships and their public contact details."""

    queryset = Partnership.objects.select_related("area").order_by("name")
    serializer_class = PartnershipSerializer
    authentication_classes = AUTHENTICATION_CLASSES
    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX


class StakeholderKindSerializer(serializers.ModelSerializer):
    class Meta:
        model = StakeholderKind
        fields = ["id", "name", "slug", "description", "gap_label"]


@extend_schema_view(
    list=extend_schema(summary="List stakeholder kinds", description="Public."),
    retrieve=extend_schema(summary="A stakeholder kind", description="Public."),
)
class StakeholderKindViewSet(viewsets.ReadOnlyModelViewSet):
    """Public: read the kinds of stakeholder groups should include."""

    queryset = StakeholderKind.objects.order_by("name")
    serializer_class = StakeholderKindSerializer
    authentication_classes = AUTHENTICATION_CLASSES
    lookup_field = "slug"
    lookup_value_regex = SLUG_REGEX


class GroupTypeSerializer(serializers.ModelSerializer):
    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    recommended_stakeholders = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = GroupType
        fields = [
            "id",
            "partnership",
            "name",
            "short_name",
            "slug",
            "description",
            "tier",
            "escalates_to",
            "priorities_per_period",
            "priority_period",
            "meeting_frequency",
            "meeting_start_time",
            "meeting_duration_minutes",
            "public_may_attend",
            "essentials",
            "recommended_stakeholders",
        ]


class GroupTypeFilterSerializer(serializers.Serializer):
    partnership = SlugLookupField(
        "partnership",
        queryset=Partnership.objects.all(),
        required=False,
        help_text="Only the group types of the partnership with this slug.",
    )


@extend_schema_view(
    list=extend_schema(
        summary="List group types", description="Public.", parameters=[GroupTypeFilterSerializer]
    ),
    retrieve=extend_schema(summary="A group type", description="Public. Group types are looked up by id."),
)
class GroupTypeViewSet(viewsets.ReadOnlyModelViewSet):
    """Public: read the group types each partnership is configured with."""

    queryset = (
        GroupType.objects.select_related("partnership")
        .prefetch_related("recommended_stakeholders")
        .order_by("partnership__name", "tier", "name")
    )
    serializer_class = GroupTypeSerializer
    authentication_classes = AUTHENTICATION_CLASSES
    lookup_value_regex = ID_REGEX

    def get_queryset(self) -> models.QuerySet[GroupType]:
        queryset = super().get_queryset()
        if self.action == "list":
            query = GroupTypeFilterSerializer(data=self.request.query_params.dict())
            query.is_valid(raise_exception=True)
            if query.validated_data.get("partnership"):
                queryset = queryset.filter(partnership=query.validated_data["partnership"])
        return queryset


# --- Organisations ---------------------------------------------------------------------------------


class OrganisationSerializer(serializers.ModelSerializer):
    stakeholder_kind = SlugLookupField(
        "stakeholder kind", queryset=StakeholderKind.objects.all(), allow_null=True, required=False
    )
    partnerships = SlugLookupField(
        "partnership", queryset=Partnership.objects.all(), many=True, required=False
    )

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "slug",
            "sector",
            "stakeholder_kind",
            "partnerships",
            "description",
            "website",
            "email",
            "phone",
            "address",
        ]
        read_only_fields = ["slug"]

    def create(self, validated_data: dict[str, Any]) -> Organisation:
        return call_service(organisation_create, **validated_data)

    def update(self, instance: Organisation, validated_data: dict[str, Any]) -> Organisation:
        partnerships = validated_data.pop("partnerships", None)
        with transaction.atomic():
            organisation = call_service(organisation_update, organisation=instance, data=validated_data)
            if partnerships is not None:
                organisation.partnerships.set(partnerships)
        return organisation


class OrganisationFilterSerializer(serializers.Serializer):
    sector = serializers.ChoiceField(
        choices=Organisation.Sector.choices, required=False, help_text="Only organisations of this sector."
    )
    q = serializers.CharField(
        max_length=100, required=False, help_text="Only organisations whose name contains this text."
    )


@extend_schema_view(
    list=extend_schema(
        summary="List organisations", description="Public.", parameters=[OrganisationFilterSerializer]
    ),
    retrieve=extend_schema(summary="An organisation", description="Public."),
    create=extend_schema(
        summary="Add an organisation",
        description="Administrators only.",
        responses={201: OrganisationSerializer, **WRITE_ERRORS},
    ),
    update=extend_schema(
        summary="Change an organisation",
        description="Administrators only.",
        responses={200: OrganisationSerializer, **WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change some of an organisation's fields",
        description="Administrators only.",
        responses={200: OrganisationSerializer, **WRITE_ERRORS},
    ),
    destroy=extend_schema(
        summary="Delete an organisation",
        description="Administrators only. Refused (409) while memberships say someone represents it.",
        responses={204: None, **DELETE_CONFLICT},
    ),
)
class OrganisationViewSet(AdministratorWriteViewSet):
    """Public: read organisations and their contact details. Administrators: add, change, delete."""

    queryset = Organisation.objects.select_related("stakeholder_kind").prefetch_related("partnerships")
    serializer_class = OrganisationSerializer
    filter_serializer_class = OrganisationFilterSerializer

    def get_queryset(self) -> models.QuerySet[Organisation]:
        queryset = super().get_queryset()
        filters = self.filters()
        if "sector" in filters:
            queryset = queryset.filter(sector=filters["sector"])
        if "q" in filters:
            queryset = queryset.filter(name__icontains=filters["q"].strip())
        return queryset


# --- Groups --------------------------------------------------------------------------------------------


class GroupTypeSlugField(serializers.SlugField):
    """A group type by its slug, which is unique within the group's partnership."""

    def to_representation(self, value: GroupType) -> str:
        return value.slug


class GroupSerializer(serializers.ModelSerializer):
    partnership = SlugLookupField("partnership", queryset=Partnership.objects.all())
    type = GroupTypeSlugField(
        max_length=150, help_text="The slug of a group type of the group's partnership."
    )
    type_name = serializers.CharField(source="type.name", read_only=True)
    area = SlugLookupField("area", queryset=Area.objects.all(), allow_null=True, required=False)
    parent = SlugLookupField(
        "group",
        queryset=Group.objects.all(),
        allow_null=True,
        required=False,
        help_text="The slug of the group it escalates to.",
    )
    accountable_body = SlugLookupField(
        "organisation", queryset=Organisation.objects.all(), allow_null=True, required=False
    )
    cadence_text = serializers.CharField(read_only=True, help_text="When it meets, in words.")

    class Meta:
        model = Group
        fields = [
            "id",
            "name",
            "slug",
            "partnership",
            "type",
            "type_name",
            "area",
            "parent",
            "purpose",
            "theme",
            "venue_name",
            "venue_address",
            "venue_access_notes",
            "accountable_body",
            "cadence",
            "cadence_text",
            "is_public",
            "established_on",
            "closed_on",
        ]
        read_only_fields = ["slug"]

    def to_representation(self, group: Group) -> dict[str, Any]:
        data = super().to_representation(group)
        # A private group above a public one is not given away: the parent reads as unknown.
        if group.parent_id and not request_viewer(self.context["request"]).can_see_group(group.parent):
            data["parent"] = None
        return data

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None and attrs.get("partnership", self.instance.partnership) != (
            self.instance.partnership
        ):
            raise serializers.ValidationError({"partnership": "A group cannot move to another partnership."})
        if "type" in attrs:
            partnership = attrs.get("partnership") or self.instance.partnership
            group_type = GroupType.objects.filter(partnership=partnership, slug=attrs["type"]).first()
            if group_type is None:
                raise serializers.ValidationError(
                    {"type": f"The partnership has no group type with the slug {attrs['type']}."}
                )
            attrs["type"] = group_type
        return attrs

    def create(self, validated_data: dict[str, Any]) -> Group:
        return call_service(group_create, **validated_data)

    def update(self, instance: Group, validated_data: dict[str, Any]) -> Group:
        validated_data.pop("partnership", None)
        return call_service(group_update, group=instance, data=validated_data)


class GroupFilterSerializer(serializers.Serializer):
    type = serializers.SlugField(max_length=150, required=False, help_text="Only groups of this group type.")
    area = SlugLookupField(
        "area", queryset=Area.objects.all(), required=False, help_text="Only groups covering this area."
    )
    parent = serializers.SlugField(
        max_length=200, required=False, help_text="Only the groups that escalate to the group with this slug."
    )
    partnership = SlugLookupField(
        "partnership",
        queryset=Partnership.objects.all(),
        required=False,
        help_text="Only groups of this partnership.",
    )

    def validate_type(self, value: str) -> str:
        if not GroupType.objects.filter(slug=value).exists():
            raise serializers.ValidationError(f"No group type has the slug {value}.")
        return value

    def validate_parent(self, value: str) -> Group:
        return _visible_group(self.context["request"], value)


@extend_schema_view(
    list=extend_schema(
        summary="List groups",
        description="Public: public groups. Officers, administrators and members also see private "
        "groups they may see.",
        parameters=[GroupFilterSerializer],
    ),
    retrieve=extend_schema(summary="A group", description="Public for public groups."),
    create=extend_schema(
        summary="Add a group",
        description="Administrators only.",
        responses={201: GroupSerializer, **WRITE_ERRORS},
    ),
    update=extend_schema(
        summary="Change a group",
        description="Administrators only. Every change is kept in the group's history.",
        responses={200: GroupSerializer, **WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change some of a group's fields",
        description="Administrators only. Every change is kept in the group's history.",
        responses={200: GroupSerializer, **WRITE_ERRORS},
    ),
    destroy=extend_schema(
        summary="Delete a group",
        description="Administrators only, with its memberships. Refused (409) while other groups escalate "
        "to it. Prefer setting `closed_on`.",
        responses={204: None, **DELETE_CONFLICT},
    ),
)
class GroupViewSet(AdministratorWriteViewSet):
    """Public: read public groups (private ones: officers and members). Administrators: change them."""

    serializer_class = GroupSerializer
    filter_serializer_class = GroupFilterSerializer

    def get_queryset(self) -> models.QuerySet[Group]:
        viewer = request_viewer(self.request)
        queryset = (
            Group.objects.filter(viewer.groups_q())
            .select_related("partnership", "type", "area", "parent", "accountable_body")
            .order_by("name")
        )
        filters = self.filters()
        if "type" in filters:
            queryset = queryset.filter(type__slug=filters["type"])
        for name in ("area", "parent", "partnership"):
            if name in filters:
                queryset = queryset.filter(**{name: filters[name]})
        return queryset


# --- Memberships -----------------------------------------------------------------------------------------


class MembershipSerializer(serializers.ModelSerializer):
    group = SlugLookupField("group", queryset=Group.objects.all())
    person = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.all(),
        write_only=True,
        help_text="The id of the person (set when the membership is added; it cannot change).",
    )
    person_id = serializers.SerializerMethodField(help_text="Null where the person's name is withheld.")
    person_name = serializers.SerializerMethodField(
        help_text="Null unless the person agreed to show it, or you are an officer or a member of the group."
    )
    organisation = SlugLookupField(
        "organisation", queryset=Organisation.objects.all(), allow_null=True, required=False
    )
    stakeholder_kind = SlugLookupField(
        "stakeholder kind", queryset=StakeholderKind.objects.all(), allow_null=True, required=False
    )
    is_current = serializers.BooleanField(read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "group",
            "person",
            "person_id",
            "person_name",
            "role",
            "organisation",
            "stakeholder_kind",
            "start_date",
            "end_date",
            "is_current",
        ]

    def _name_shown(self, membership: Membership) -> bool:
        return membership.person.show_name_publicly or request_viewer(
            self.context["request"]
        ).can_see_member_details(membership.group)

    def get_person_id(self, membership: Membership) -> int | None:
        return membership.person_id if self._name_shown(membership) else None

    def get_person_name(self, membership: Membership) -> str | None:
        return membership.person.name if self._name_shown(membership) else None

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None:
            for name in ("group", "person"):
                if name in attrs and attrs[name] != getattr(self.instance, name):
                    raise serializers.ValidationError(
                        {name: f"A membership's {name} cannot change: end it and add a new one."}
                    )
        return attrs

    def create(self, validated_data: dict[str, Any]) -> Membership:
        return call_service(membership_create, **validated_data)

    def update(self, instance: Membership, validated_data: dict[str, Any]) -> Membership:
        validated_data.pop("group", None)
        validated_data.pop("person", None)
        return call_service(membership_update, membership=instance, data=validated_data)


class MembershipFilterSerializer(serializers.Serializer):
    group = serializers.SlugField(max_length=200, required=False, help_text="Only memberships of this group.")
    current = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="true: only memberships current today; false: only past and future ones.",
    )

    def validate_group(self, value: str) -> Group:
        return _visible_group(self.context["request"], value)


@extend_schema_view(
    list=extend_schema(
        summary="List memberships",
        description="Public: memberships of the groups you may see. Names only where the person agreed "
        "or you are an officer or a member of the group.",
        parameters=[MembershipFilterSerializer],
    ),
    retrieve=extend_schema(summary="A membership", description="Public, for groups you may see."),
    create=extend_schema(
        summary="Add a membership",
        description="Administrators only.",
        responses={201: MembershipSerializer, **WRITE_ERRORS},
    ),
    update=extend_schema(
        summary="Change a membership",
        description="Administrators only. The group and person cannot change.",
        responses={200: MembershipSerializer, **WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change some of a membership's fields",
        description="Administrators only. The group and person cannot change.",
        responses={200: MembershipSerializer, **WRITE_ERRORS},
    ),
    destroy=extend_schema(
        summary="End a membership",
        description="Administrators only. Memberships are never deleted through the API, so that the "
        "group's history stays whole: DELETE ends the membership today (sets `end_date`) and answers "
        "with it. A membership that starts after today cannot be ended: change its dates instead.",
        responses={200: MembershipSerializer, **WRITE_ERRORS, 403: ErrorSerializer},
    ),
)
class MembershipViewSet(AdministratorWriteViewSet):
    """Public: read memberships of visible groups. Administrators: add, change and end them."""

    serializer_class = MembershipSerializer
    filter_serializer_class = MembershipFilterSerializer
    lookup_field = "pk"
    lookup_value_regex = ID_REGEX

    def get_queryset(self) -> models.QuerySet[Membership]:
        viewer = request_viewer(self.request)
        queryset = (
            Membership.objects.filter(viewer.groups_q("group__"))
            .select_related("group", "person", "organisation", "stakeholder_kind")
            .order_by("group__name", "role", "person__name", "pk")
        )
        filters = self.filters()
        if "group" in filters:
            queryset = queryset.filter(group=filters["group"])
        if filters.get("current") is True:
            queryset = queryset.current()
        elif filters.get("current") is False:
            queryset = queryset.exclude(pk__in=Membership.objects.current().values("pk"))
        return queryset

    def destroy(self, request: Request, *args, **kwargs) -> Response:
        membership = self.get_object()
        today = timezone.localdate()
        if membership.start_date > today:
            raise serializers.ValidationError(
                {"end_date": "This membership starts after today: change its dates instead of ending it."}
            )
        if membership.end_date is None or membership.end_date > today:
            membership = call_service(membership_end, membership=membership, end_date=today)
        return Response(self.get_serializer(membership).data)


def register(router) -> None:
    """Register the partnership API viewsets on the /api/v1/ router."""
    router.register("partnerships", PartnershipViewSet, basename="partnership")
    router.register("stakeholder-kinds", StakeholderKindViewSet, basename="stakeholder-kind")
    router.register("group-types", GroupTypeViewSet, basename="group-type")
    router.register("organisations", OrganisationViewSet, basename="organisation")
    router.register("groups", GroupViewSet, basename="group")
    router.register("memberships", MembershipViewSet, basename="membership")
