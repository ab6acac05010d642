from django.apps import AppConfig


class ProblemsConfig(AppConfig):
    name = "tandem.problems"
    label = "problems"
    verbose_name = "Problems, priorities and escalation"

    def ready(self) -> None:
        # The meetings app shows a group's priorities under its standing "priorities" item.
        from tandem.meetings.standing import register_standing_item
        from tandem.problems.priorities import agenda_lines

        register_standing_item("priorities", agenda_lines)
