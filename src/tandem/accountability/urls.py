from django.urls import path

from . import views

app_name = "accountability"

urlpatterns = [
    path("case-review/apply/", views.apply, name="apply"),
    path("case-review/applied/<str:token>/", views.applied, name="applied"),
    path("case-review/figures/", views.figures, name="figures"),
    path("partnership/<slug:slug>/case-review-figures/<int:year>/", views.figures_year, name="figures-year"),
    path("partnership/<slug:slug>/case-review-figures/<int:year>.csv", views.figures_csv, name="figures-csv"),
    path("case-reviews/", views.application_list, name="application-list"),
    path("case-reviews/new/", views.application_create, name="application-create"),
    path("case-reviews/<int:pk>/", views.application_detail, name="application-detail"),
    path("case-reviews/<int:pk>/decide/", views.threshold_decide, name="threshold-decide"),
    path("case-reviews/<int:pk>/complaints/", views.complaint_add, name="complaint-add"),
    path("case-reviews/<int:pk>/status/", views.status_change, name="status-change"),
    path("case-reviews/<int:pk>/review/panel/", views.review_panel, name="review-panel"),
    path("case-reviews/<int:pk>/review/meeting/", views.review_meeting, name="review-meeting"),
    path("case-reviews/<int:pk>/review/record/", views.review_record, name="review-record"),
    path(
        "case-reviews/<int:pk>/review/recommendations/", views.recommendation_add, name="recommendation-add"
    ),
    path("case-reviews/<int:pk>/outcome-sent/", views.outcome_sent, name="outcome-sent"),
    path("case-reviews/<int:pk>/dissatisfaction/", views.dissatisfaction, name="dissatisfaction"),
    path("case-reviews/<int:pk>/escalation-outcome/", views.escalation_outcome, name="escalation-outcome"),
    path("case-reviews/<int:pk>/letter.pdf", views.letter_pdf, name="letter-pdf"),
    path("case-reviews/<int:pk>/letter.docx", views.letter_docx, name="letter-docx"),
    path("councillor-calls/", views.call_list, name="call-list"),
    path("councillor-calls/new/", views.call_create, name="call-create"),
    path("councillor-calls/<int:pk>/", views.call_detail, name="call-detail"),
    path("councillor-calls/<int:pk>/decide/", views.call_decide, name="call-decide"),
    path("councillor-calls/<int:pk>/report/", views.call_report, name="call-report"),
    path("councillor-calls/responses/<int:pk>/", views.call_response, name="call-response"),
    path("partnership/<slug:slug>/case-review-settings/", views.settings_edit, name="settings"),
    path("wards/<slug:slug>/", views.ward_detail, name="ward-detail"),
]
