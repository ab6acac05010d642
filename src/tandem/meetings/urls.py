from django.urls import path

from tandem.meetings.views import agenda, exports, minutes, schedule

app_name = "meetings"

urlpatterns = [
    # Schedule (views/schedule.py)
    path("groups/<slug:slug>/meetings/", schedule.group_meetings, name="group-meetings"),
    path("groups/<slug:slug>/meetings/new/", schedule.meeting_create, name="meeting-create"),
    path("groups/<slug:slug>/meetings/series/new/", schedule.series_create, name="series-create"),
    path("groups/<slug:slug>/meetings/settings/", schedule.settings_edit, name="settings-edit"),
    path("meetings/<int:pk>/", schedule.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/edit/", schedule.meeting_edit, name="meeting-edit"),
    path("meetings/<int:pk>/cancel/", schedule.meeting_cancel, name="meeting-cancel"),
    # Agenda and papers (views/agenda.py)
    path("meetings/<int:pk>/items/new/", agenda.item_create, name="item-create"),
    path("meetings/items/<int:pk>/edit/", agenda.item_edit, name="item-edit"),
    path("meetings/items/<int:pk>/move/", agenda.item_move, name="item-move"),
    path("meetings/items/<int:pk>/delete/", agenda.item_delete, name="item-delete"),
    path("meetings/items/<int:pk>/papers/new/", agenda.paper_upload, name="paper-upload"),
    path("meetings/papers/<int:pk>/", agenda.paper_download, name="paper-download"),
    # Circulation, packs and calendars (views/exports.py)
    path("meetings/<int:pk>/circulate/", exports.meeting_circulate, name="meeting-circulate"),
    path("meetings/<int:pk>/circulation/", exports.circulation_log, name="circulation-log"),
    path("meetings/<int:pk>/agenda.pdf", exports.agenda_pdf, name="agenda-pdf"),
    path("meetings/<int:pk>/agenda.docx", exports.agenda_docx, name="agenda-docx"),
    path("meetings/<int:pk>/minutes.pdf", exports.minutes_pdf, name="minutes-pdf"),
    path("meetings/<int:pk>/minutes.docx", exports.minutes_docx, name="minutes-docx"),
    path("meetings/<int:pk>/invite.ics", exports.meeting_ics, name="meeting-ics"),
    path("groups/<slug:slug>/meetings.ics", exports.group_ics, name="group-ics"),
    path("calendar/", exports.my_calendar, name="my-calendar"),
    path("calendar/<str:token>.ics", exports.person_ics, name="person-ics"),
    # Attendance and minutes (views/minutes.py)
    path("meetings/<int:pk>/attendance/", minutes.attendance_edit, name="attendance-edit"),
    path("meetings/<int:pk>/minutes/", minutes.minutes_edit, name="minutes-edit"),
    path("meetings/<int:pk>/decisions/new/", minutes.decision_create, name="decision-create"),
    path("meetings/decisions/<int:pk>/delete/", minutes.decision_delete, name="decision-delete"),
    path("meetings/<int:pk>/actions/new/", minutes.action_create, name="action-create"),
    path("meetings/actions/<int:pk>/delete/", minutes.action_delete, name="action-delete"),
    path("meetings/<int:pk>/approve-previous/", minutes.minutes_approve, name="minutes-approve"),
    path("meetings/<int:pk>/corrections/new/", minutes.correction_create, name="correction-create"),
]
