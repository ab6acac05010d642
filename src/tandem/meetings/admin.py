"""The admin site for meetings: for administrators fixing data, not for running meetings
(the meetings pages do that, through the services)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tandem.meetings.models import (
    ActionArising,
    AgendaItem,
    Attendance,
    Circulation,
    Decision,
    Meeting,
    MeetingSeries,
    MeetingSettings,
    MinutesCorrection,
    Paper,
)


@admin.register(MeetingSettings)
class MeetingSettingsAdmin(SimpleHistoryAdmin):
    list_display = ["group", "circulation_clear_days", "quorum"]
    search_fields = ["group__name"]
    autocomplete_fields = ["group"]


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(SimpleHistoryAdmin):
    list_display = ["group", "frequency", "weekday", "week_of_month", "start_time", "starts_on", "ends_on"]
    list_filter = ["frequency"]
    search_fields = ["group__name"]
    autocomplete_fields = ["group"]


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = [
        "position",
        "title",
        "standing",
        "presenter",
        "presenter_organisation",
        "minutes_allowed",
        "is_confidential",
    ]
    autocomplete_fields = ["presenter", "presenter_organisation"]


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "group", "starts_at", "venue_name", "status", "minutes_status", "is_public"]
    list_filter = ["status", "minutes_status", "is_public"]
    search_fields = ["title", "group__name", "venue_name"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["group"]
    readonly_fields = ["uid", "sequence", "created_at", "updated_at"]
    inlines = [AgendaItemInline]


class PaperInline(admin.TabularInline):
    model = Paper
    extra = 0
    fields = ["title", "file", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = ["content_type", "size", "uploaded_by", "uploaded_at"]


@admin.register(AgendaItem)
class AgendaItemAdmin(SimpleHistoryAdmin):
    list_display = ["title", "meeting", "position", "standing", "is_confidential"]
    list_filter = ["is_confidential", "standing"]
    search_fields = ["title", "meeting__group__name"]
    raw_id_fields = ["meeting"]
    autocomplete_fields = ["presenter", "presenter_organisation"]
    inlines = [PaperInline]


@admin.register(Paper)
class PaperAdmin(admin.ModelAdmin):
    list_display = ["title", "item", "content_type", "size", "uploaded_at"]
    search_fields = ["title"]
    raw_id_fields = ["item"]
    readonly_fields = ["content_type", "size", "uploaded_by", "uploaded_at"]


@admin.register(Attendance)
class AttendanceAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "meeting", "organisation", "status"]
    list_filter = ["status"]
    raw_id_fields = ["meeting"]
    autocomplete_fields = ["person", "organisation"]


@admin.register(Decision)
class DecisionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "meeting", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["text"]
    raw_id_fields = ["meeting", "item", "approves_minutes_of"]


@admin.register(ActionArising)
class ActionArisingAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "meeting", "lead", "lead_organisation", "due_on"]
    search_fields = ["description"]
    raw_id_fields = ["meeting", "item"]
    autocomplete_fields = ["lead", "lead_organisation"]


@admin.register(MinutesCorrection)
class MinutesCorrectionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "recorded_by", "recorded_at"]
    raw_id_fields = ["meeting", "item"]
    readonly_fields = ["recorded_by", "recorded_at"]


@admin.register(Circulation)
class CirculationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "meeting", "kind", "sequence", "status", "attempts", "sent_at"]
    list_filter = ["kind", "status"]
    search_fields = ["email", "person__name"]
    raw_id_fields = ["meeting", "person"]
    readonly_fields = ["queued_at", "sent_at", "attempts", "last_error"]
