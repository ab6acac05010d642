"""The admin site for problems, priorities and escalations: for administrators fixing data
(categories above all), not for running the problem-solving process — the pages do that,
through the services."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tandem.problems.models import (
    Category,
    Escalation,
    Priority,
    Problem,
    ProblemNote,
    ProblemReport,
    ProblemStatusChange,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "is_active"]
    list_editable = ["position", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


class ReportInline(admin.TabularInline):
    model = ProblemReport
    fk_name = "problem"
    extra = 0
    raw_id_fields = ["person", "organisation", "merged_from"]


class StatusChangeInline(admin.TabularInline):
    model = ProblemStatusChange
    extra = 0
    readonly_fields = ["from_status", "to_status", "reason", "changed_by", "changed_at"]
    can_delete = False


class NoteInline(admin.TabularInline):
    model = ProblemNote
    extra = 0
    raw_id_fields = ["author"]


@admin.register(Problem)
class ProblemAdmin(SimpleHistoryAdmin):
    list_display = ["title", "group", "category", "status", "times_raised", "last_raised_on", "is_public"]
    list_filter = ["status", "category", "is_public", "outside_partnership"]
    search_fields = ["title", "description"]
    list_select_related = ["group", "category"]
    raw_id_fields = ["group", "area", "raised_by_person", "raised_by_organisation", "merged_into"]
    readonly_fields = ["outside_partnership", "created_at", "updated_at"]
    inlines = [ReportInline, StatusChangeInline, NoteInline]


@admin.register(Priority)
class PriorityAdmin(SimpleHistoryAdmin):
    list_display = ["group", "problem", "period_start", "period_end", "rank"]
    list_filter = ["period_start"]
    list_select_related = ["group", "problem"]
    raw_id_fields = ["group", "problem", "carried_over_from", "set_by"]


@admin.register(Escalation)
class EscalationAdmin(SimpleHistoryAdmin):
    list_display = ["problem", "from_group", "to_group", "escalated_at", "decision"]
    list_filter = ["decision"]
    list_select_related = ["problem", "from_group", "to_group"]
    raw_id_fields = ["problem", "from_group", "to_group", "escalated_by", "decided_by", "established_group"]
