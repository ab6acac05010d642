from django.urls import path

from tandem.evidence.views import dashboard, imports
from tandem.evidence.views import generic as generic_views

app_name = "evidence"

urlpatterns = [
    path("evidence/", dashboard.index, name="index"),
    path("evidence/areas/<slug:slug>/", dashboard.area_dashboard, name="area-dashboard"),
    path("evidence/areas/<slug:slug>/figures.csv", dashboard.area_figures_csv, name="area-figures-csv"),
    path(
        "evidence/areas/<slug:slug>/hotspots.geojson",
        dashboard.area_hotspots_geojson,
        name="area-hotspots-geojson",
    ),
    path("evidence/areas/<slug:slug>/before-after/", dashboard.area_before_after, name="area-before-after"),
    path("evidence/imports/", imports.import_list, name="import-list"),
    path("evidence/imports/new/", imports.import_create, name="import-create"),
    path("evidence/imports/<int:pk>/", imports.import_detail, name="import-detail"),
    # Other organisations' logs (views/generic.py)
    path("evidence/sources/", generic_views.source_list, name="source-list"),
    path("evidence/sources/new/", generic_views.source_create, name="source-create"),
    path("evidence/sources/<slug:slug>/upload/", generic_views.generic_upload, name="generic-upload"),
    path("evidence/source-imports/<int:pk>/columns/", generic_views.generic_map, name="generic-map"),
    path("evidence/source-imports/<int:pk>/preview/", generic_views.generic_preview, name="generic-preview"),
    path("evidence/source-imports/<int:pk>/", generic_views.generic_report, name="generic-report"),
]
