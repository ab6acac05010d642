from django.urls import path

from tandem.community.views import reports, surveys

app_name = "community"

urlpatterns = []

# --- Neighbourhood pages, events, feeds, subscriptions, newsletters ---------

# --- Reports from residents ------------------------------------------------
urlpatterns += [
    path("report/", reports.report_create, name="report-create"),
    path("report/sent/<str:token>/", reports.report_sent, name="report-sent"),
    path("report/follow/<str:token>/", reports.report_follow, name="report-follow"),
    path("report/follow/<str:token>/photo/", reports.report_photo, name="report-photo"),
    path("report/problem/<int:pk>/", reports.problem_support, name="problem-support"),
    path("report/moderation/", reports.moderation_queue, name="report-moderation"),
    path("report/moderation/<int:pk>/", reports.report_detail, name="report-detail"),
    path("report/moderation/<int:pk>/accept/", reports.report_accept, name="report-accept"),
    path("report/moderation/<int:pk>/reject/", reports.report_reject, name="report-reject"),
    path("report/moderation/<int:pk>/photo/", reports.report_detail_photo, name="report-detail-photo"),
    path("partnership/<slug:slug>/report-routing/", reports.routing_rules, name="routing-rules"),
    path("report/routing/rules/<int:pk>/delete/", reports.routing_rule_delete, name="routing-rule-delete"),
    path("report/routing/words/<int:pk>/delete/", reports.flagged_word_delete, name="flagged-word-delete"),
]

# --- Surveys -----------------------------------------------------------------
urlpatterns += [
    path("surveys/", surveys.survey_list, name="survey-list"),
    path("surveys/new/", surveys.survey_create, name="survey-create"),
    path("surveys/<int:pk>/", surveys.survey_detail, name="survey-detail"),
    path("surveys/<int:pk>/manage/", surveys.survey_manage, name="survey-manage"),
    path("surveys/<int:pk>/results/", surveys.survey_results, name="survey-results"),
    path("surveys/<int:pk>/results.csv", surveys.survey_results_csv, name="survey-results-csv"),
]
