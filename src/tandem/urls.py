from django.contrib import admin
from django.urls import include, path

from tandem.web import views as web_views

urlpatterns = [
    # Machine clients first: Django tries patterns in order, and FixMyStreet polls requests.json
    # often, so it should not be matched against every page's pattern before its own.
    path("open311/v2/", include("tandem.open311.urls")),
    path("api/v1/", include("tandem.api_urls")),
    path("", include("tandem.web.urls")),
    path("accounts/", include("tandem.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("places/", include("tandem.places.urls")),
    path("", include("tandem.partnership.urls")),
    path("", include("tandem.meetings.urls")),
    path("", include("tandem.problems.urls")),
    path("", include("tandem.strategy.urls")),
    path("", include("tandem.actionplans.urls")),
    path("", include("tandem.evidence.urls")),
    path("", include("tandem.community.urls")),
    path("cases/", include("tandem.cases.urls")),
    path("", include("tandem.accountability.urls")),
    path("admin/", admin.site.urls),
]

handler400 = web_views.bad_request
handler403 = web_views.permission_denied
handler404 = web_views.page_not_found
handler500 = web_views.server_error
