from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "tandem.cases"
    label = "cases"
    verbose_name = "People at risk: cases and information sharing"

    def ready(self) -> None:
        from tandem.problems.page_panels import register_problem_panels

        from .problem_panels import problem_cases_panels

        # A problem's page lists its linked cases to those who may open them, and to nobody else.
        register_problem_panels(problem_cases_panels, with_user=True)
