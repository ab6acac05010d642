from django.urls import path

from tandem.community.views import neighbourhoods as nv
from tandem.community.views import reports, surveys

app_name = "community"

urlpatterns = []

# --- Neighbourhood pages, events, feeds, subscriptions, newsletters ---------
urlpatterns += [
    path("neighbourhoods/", nv.neighbourhood_finder, name="neighbourhood-finder"),
    path("neighbourhoods/<slug:slug>/", nv.neighbourhood_detail, name="neighbourhood-detail"),
    path("neighbourhoods/<slug:slug>/feed.atom", nv.neighbourhood_atom, name="neighbourhood-atom"),
    path("neighbourhoods/<slug:slug>/feed.rss", nv.neighbourhood_rss, name="neighbourhood-rss"),
    path("neighbourhoods/<slug:slug>/calendar.ics", nv.neighbourhood_ics, name="neighbourhood-ics"),
    path(
        "neighbourhoods/<slug:slug>/problems.geojson",
        nv.neighbourhood_problems_geojson,
        name="neighbourhood-problems-geojson",
    ),
    path(
        "neighbourhoods/<slug:slug>/priorities.json",
        nv.neighbourhood_priorities_json,
        name="neighbourhood-priorities-json",
    ),
    path("neighbourhoods/<slug:slug>/subscribe/", nv.subscribe, name="subscribe"),
    path("subscriptions/<str:token>/confirm/", nv.subscription_confirm, name="subscription-confirm"),
    path(
        "subscriptions/<str:token>/unsubscribe/", nv.subscription_unsubscribe, name="subscription-unsubscribe"
    ),
    path("groups/<slug:slug>/events/", nv.group_events, name="group-events"),
    path("groups/<slug:slug>/events/new/", nv.event_create, name="event-create"),
    path("events/<int:pk>/", nv.event_detail, name="event-detail"),
    path("events/<int:pk>/event.ics", nv.event_ics, name="event-ics"),
    path("events/<int:pk>/edit/", nv.event_edit, name="event-edit"),
    path("events/<int:pk>/cancel/", nv.event_cancel, name="event-cancel"),
    path("groups/<slug:slug>/updates/", nv.group_updates, name="group-updates"),
    path("groups/<slug:slug>/updates/new/", nv.update_create, name="update-create"),
    path("updates/<int:pk>/", nv.update_detail, name="update-detail"),
    path("updates/<int:pk>/publish/", nv.update_publish, name="update-publish"),
    path("groups/<slug:slug>/newsletters/new/", nv.newsletter_create, name="newsletter-create"),
    path("newsletters/<int:pk>/", nv.newsletter_detail, name="newsletter-detail"),
    path("newsletters/<int:pk>/publish/", nv.newsletter_publish, name="newsletter-publish"),
    path("newsletters/<int:pk>/send/", nv.newsletter_send, name="newsletter-send"),
    path("newsletters/<int:pk>/deliveries/", nv.newsletter_deliveries, name="newsletter-deliveries"),
    path("newsletters/<int:pk>/flier.pdf", nv.newsletter_pdf, name="newsletter-pdf"),
    path("newsletters/<int:pk>/newsletter.txt", nv.newsletter_text, name="newsletter-text"),
]

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
