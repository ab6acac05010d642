from django.urls import path

from tandem.partnership import views

app_name = "partnership"

urlpatterns = [
    path("partnership/", views.overview, name="overview"),
    path("directory/", views.directory, name="directory"),
]
