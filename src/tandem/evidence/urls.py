from django.urls import path

from tandem.evidence.views import dashboard, imports

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
    path("evidence/imports/", imports.import_list, name="import-list"),
    path("evidence/imports/new/", imports.import_create, name="import-create"),
    path("evidence/imports/<int:pk>/", imports.import_detail, name="import-detail"),
]
