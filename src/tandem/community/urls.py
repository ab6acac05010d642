from django.urls import path  # noqa: F401

app_name = "community"

urlpatterns = []

# --- Neighbourhood pages, events, feeds, subscriptions, newsletters ---------

# --- Reports from residents ------------------------------------------------
