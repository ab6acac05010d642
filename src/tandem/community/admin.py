"""The admin site for residents' reports: for administrators fixing data. Moderation, routing
rules and flagged words have their own pages, which go through the services."""

from django.contrib import admin

from .models import FlaggedWord, Report, ReportFeedback, ReportSupport, ReportUpdate, RoutingRule


class UpdateInline(admin.TabularInline):
    model = ReportUpdate
    extra = 0
    fields = ["created_at", "status", "extended_status", "source", "text"]
    readonly_fields = ["created_at"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["reference", "created_at", "category", "status", "outcome", "via", "problem"]
    list_filter = ["status", "via", "outcome", "category"]
    search_fields = ["reference", "description", "location_text"]
    readonly_fields = ["reference", "token", "created_at", "updated_at", "ip_address"]
    raw_id_fields = ["problem", "problem_report", "wanted_problem", "user", "moderated_by"]
    inlines = [UpdateInline]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["partnership", "area", "category", "group"]
    list_filter = ["partnership"]


@admin.register(FlaggedWord)
class FlaggedWordAdmin(admin.ModelAdmin):
    list_display = ["word", "partnership"]


@admin.register(ReportSupport)
class ReportSupportAdmin(admin.ModelAdmin):
    list_display = ["problem", "created_at"]
    raw_id_fields = ["problem", "user", "problem_report"]


@admin.register(ReportFeedback)
class ReportFeedbackAdmin(admin.ModelAdmin):
    list_display = ["report", "problem", "fixed", "feeling", "created_at"]
    raw_id_fields = ["report", "problem"]
