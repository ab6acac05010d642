from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("all/", views.case_list, name="case-list"),
    path("new/", views.case_open, name="case-open"),
    path("<int:pk>/", views.case_detail, name="case-detail"),
    path("<int:pk>/edit/", views.case_edit, name="case-edit"),
    path("<int:pk>/status/", views.case_status, name="case-status"),
    path("<int:pk>/people/add/", views.subject_add, name="subject-add"),
    path("<int:pk>/people/<int:link_pk>/remove/", views.subject_remove, name="subject-remove"),
    path("<int:pk>/people/<int:subject_pk>/access-request/", views.subject_access, name="subject-access"),
    path("<int:pk>/agencies/add/", views.agency_add, name="agency-add"),
    path("<int:pk>/risk/", views.risk_add, name="risk-add"),
    path("<int:pk>/timeline/add/", views.entry_add, name="entry-add"),
    path("<int:pk>/tasks/add/", views.task_add, name="task-add"),
    path("tasks/<int:pk>/done/", views.task_done, name="task-done"),
    path("tasks/<int:pk>/cancel/", views.task_cancel, name="task-cancel"),
    path("<int:pk>/interventions/add/", views.intervention_add, name="intervention-add"),
    path("interventions/<int:pk>/outcome/", views.intervention_outcome, name="intervention-outcome"),
    path("<int:pk>/problems/add/", views.problem_link, name="problem-link"),
    path("<int:pk>/problems/<int:problem_pk>/remove/", views.problem_unlink, name="problem-unlink"),
    path("<int:pk>/agenda/", views.agenda_add, name="agenda-add"),
    path("agreements/", views.agreement_list, name="agreement-list"),
    path("agreements/new/", views.agreement_create, name="agreement-create"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement-detail"),
    path("agreements/<int:pk>/edit/", views.agreement_edit, name="agreement-edit"),
    path("agreements/<int:pk>/sign/", views.agreement_sign, name="agreement-sign"),
    path("agreements/<int:pk>/document/", views.agreement_document, name="agreement-document"),
    path("audit/", views.audit_log, name="audit-log"),
    path("audit.csv", views.audit_csv, name="audit-csv"),
]
