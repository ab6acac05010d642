from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "tandem.community"
    label = "community"
    verbose_name = "Community: neighbourhood pages, reports, surveys and updates"

    def ready(self) -> None:
        from tandem.community.selectors import problem_page_panels
        from tandem.community.services import problem_status_changed
        from tandem.problems.page_panels import register_problem_panels
        from tandem.problems.status_hooks import register_status_listener

        # Residents who reported a problem hear of each change of its status; the problem page
        # shows their answers to "is it fixed?" as counts.
        register_status_listener(problem_status_changed)
        register_problem_panels(problem_page_panels)
        # An action's evaluation shows the same answers for the action's problem.
        from tandem.actionplans.evaluation_panels import register_evaluation_panels
        from tandem.community.selectors import action_evaluation_panels

        register_evaluation_panels(action_evaluation_panels)
        # A group's page links to its events, updates and newsletters.
        from tandem.community.neighbourhood_access import group_page_rows
        from tandem.partnership.group_rows import register_group_rows

        register_group_rows(group_page_rows)
        # Survey-based strategy indicators count their quarterly figures from a linked question.
        from tandem.community.surveys import indicator_figure
        from tandem.strategy.models import Indicator
        from tandem.strategy.sources import register_indicator_source

        register_indicator_source(indicator_figure, kind=Indicator.Source.SURVEY)
