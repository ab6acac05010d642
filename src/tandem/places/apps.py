from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "tandem.places"
    label = "places"
    verbose_name = "Places"
