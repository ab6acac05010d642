from django.urls import path

from tandem.strategy import views

app_name = "strategy"

urlpatterns = [
    path("partnership/<slug:slug>/strategies/", views.strategy_list, name="strategy-list"),
    path("partnership/<slug:slug>/strategies/new/", views.strategy_create, name="strategy-create"),
    path("strategies/<slug:slug>/", views.strategy_detail, name="strategy-detail"),
    path("strategies/<slug:slug>/edit/", views.strategy_edit, name="strategy-edit"),
    path("strategies/<slug:slug>/priorities/new/", views.priority_create, name="priority-create"),
    path("strategic-priorities/<int:pk>/", views.priority_detail, name="priority-detail"),
    path("strategic-priorities/<int:pk>/edit/", views.priority_edit, name="priority-edit"),
    path("strategic-priorities/<int:pk>/outcomes/new/", views.outcome_create, name="outcome-create"),
    path("strategic-priorities/<int:pk>/indicators/new/", views.indicator_create, name="indicator-create"),
    path("indicators/<int:pk>/", views.indicator_detail, name="indicator-detail"),
    path("indicators/<int:pk>/edit/", views.indicator_edit, name="indicator-edit"),
    path("indicators/<int:pk>/values/new/", views.value_create, name="value-create"),
]
