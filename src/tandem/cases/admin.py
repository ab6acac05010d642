"""The admin site for cases: administrators name agency staff and data protection officers and
edit the configurable lists here. Case data is not in the admin (every view of it must go through
the access rule and the audit log); audit entries are shown read-only."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AgencyStaff,
    AuditEntry,
    DataProtectionOfficer,
    InterventionType,
    Purpose,
    Question,
    Questionnaire,
)


@admin.register(AgencyStaff)
class AgencyStaffAdmin(SimpleHistoryAdmin):
    list_display = ["user", "organisation", "job_title", "start_date", "end_date"]
    list_filter = ["organisation"]
    search_fields = ["user__name", "user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(DataProtectionOfficer)
class DataProtectionOfficerAdmin(SimpleHistoryAdmin):
    list_display = ["user", "partnership", "appointed_on"]
    autocomplete_fields = ["user"]


@admin.register(Purpose)
class PurposeAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "is_active"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(InterventionType)
class InterventionTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "for_victims", "position", "is_active"]
    prepopulated_fields = {"slug": ["name"]}


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["name", "medium_from", "high_from", "is_default", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [QuestionInline]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: nobody changes or deletes the audit log, administrators included."""

    list_display = ["at", "user_label", "action", "case_reference", "description", "ip_address"]
    list_filter = ["action"]
    search_fields = ["user_label", "description"]
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
