from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "tandem.cases"
    label = "cases"
    verbose_name = "People at risk: cases and information sharing"
