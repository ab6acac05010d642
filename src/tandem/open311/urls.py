"""GeoReport v2 under /open311/v2/ (each resource ends .xml or .json), FixMyStreet's service
request updates, and the administrators' pages for client applications and their keys."""

from django.urls import path, re_path

from . import api, views

app_name = "open311"

FORMAT = r"\.(?P<fmt>[A-Za-z0-9]{1,10})$"

urlpatterns = [
    re_path(r"^discovery" + FORMAT, api.discovery, name="discovery"),
    re_path(r"^services" + FORMAT, api.service_list, name="services"),
    re_path(r"^services/(?P<code>[^/]{1,200}?)" + FORMAT, api.service_definition, name="service-definition"),
    re_path(r"^requests" + FORMAT, api.requests, name="requests"),
    re_path(r"^requests/(?P<reference>[^/]{1,200}?)" + FORMAT, api.request_detail, name="request-detail"),
    re_path(r"^tokens/(?P<token>[^/]{1,200}?)" + FORMAT, api.token, name="token"),
    re_path(r"^servicerequestupdates" + FORMAT, api.updates, name="updates"),
    # Administrators: client applications and their keys (views.py).
    path("clients/", views.client_list, name="client-list"),
    path("clients/new/", views.client_create, name="client-create"),
    path("clients/<int:pk>/revoke/", views.client_revoke, name="client-revoke"),
    # Anything else: the spec's error list rather than an HTML page.
    re_path(r"^(?P<rest>.*)$", api.not_found),
]
