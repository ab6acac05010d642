from django.apps import AppConfig


class ProblemsConfig(AppConfig):
    name = "tandem.problems"
    label = "problems"
    verbose_name = "Problems, priorities and escalation"
