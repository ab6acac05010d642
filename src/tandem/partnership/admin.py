from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from tandem.partnership.models import (
    Essential,
    Group,
    GroupType,
    Membership,
    Organisation,
    Partnership,
    Person,
    StakeholderKind,
)
from tandem.partnership.presets import PRESETS, preset_install


def _preset_action(key: str):
    """An admin action on the partnership list: "Install the … preset" into the chosen partnerships.

    Group types a partnership already has are kept as they are, so running it twice changes nothing.
    """

    def action(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Partnership]) -> None:
        for partnership in queryset:
            group_types = preset_install(partnership=partnership, key=key)
            chain = " → ".join(group_type.name for group_type in group_types)
            messages.success(request, f"{PRESETS[key].name} is installed in {partnership}: {chain}.")

    action.__name__ = f"install_{key.replace('-', '_')}"
    return admin.action(description=f"Install the {PRESETS[key].name} preset")(action)


@admin.register(Partnership)
class PartnershipAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "area"]
    search_fields = ["name", "short_name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["area"]
    actions = [_preset_action(key) for key in PRESETS]


@admin.register(StakeholderKind)
class StakeholderKindAdmin(admin.ModelAdmin):
    list_display = ["name", "gap_label", "slug"]
    search_fields = ["name", "slug", "gap_label"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "sector", "stakeholder_kind"]
    list_filter = ["sector", "partnerships"]
    list_select_related = ["stakeholder_kind"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["stakeholder_kind"]
    filter_horizontal = ["partnerships"]


class PersonMembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["group", "role", "organisation", "stakeholder_kind", "start_date", "end_date"]
    autocomplete_fields = ["group", "organisation", "stakeholder_kind"]


class GroupMembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["person", "role", "organisation", "stakeholder_kind", "start_date", "end_date"]
    autocomplete_fields = ["person", "organisation", "stakeholder_kind"]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["name", "email", "job_title", "user", "show_name_publicly"]
    list_select_related = ["user"]
    search_fields = ["name", "email", "job_title"]
    autocomplete_fields = ["user"]
    inlines = [PersonMembershipInline]


class GroupTypeForm(forms.ModelForm):
    essentials = forms.MultipleChoiceField(
        choices=Essential.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="What every group of this type must have; a group page shows which are missing.",
    )

    class Meta:
        model = GroupType
        fields = [
            "partnership",
            "name",
            "short_name",
            "slug",
            "description",
            "preset",
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


@admin.register(GroupType)
class GroupTypeAdmin(SimpleHistoryAdmin):
    form = GroupTypeForm
    list_display = [
        "name",
        "short_name",
        "partnership",
        "tier",
        "escalates_to",
        "meeting_frequency",
        "preset",
    ]
    list_filter = ["partnership", "preset", "tier"]
    list_select_related = ["partnership", "escalates_to"]
    search_fields = ["name", "short_name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["recommended_stakeholders"]


@admin.register(Group)
class GroupAdmin(SimpleHistoryAdmin):
    list_display = ["name", "type", "area", "parent", "is_public", "closed_on"]
    list_filter = ["partnership", "type", "is_public"]
    list_select_related = ["type", "area", "parent"]
    search_fields = ["name", "slug", "theme", "venue_name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["area", "parent", "accountable_body"]
    inlines = [GroupMembershipInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["person", "group", "role", "organisation", "start_date", "end_date"]
    list_filter = ["role", "group__partnership", "group__type"]
    list_select_related = ["person", "group", "organisation"]
    search_fields = ["person__name", "group__name", "organisation__name"]
    autocomplete_fields = ["person", "group", "organisation", "stakeholder_kind"]
