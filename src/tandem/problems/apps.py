from django.apps import AppConfig


class ProblemsConfig(AppConfig):
    name = "tandem.problems"
    label = "problems"
    verbose_name = "Problems, priorities and escalation"

    def ready(self) -> None:
        # The meetings app shows a group's priorities under its standing "priorities" item.
        from tandem.meetings.standing import register_item_lines, register_standing_item
        from tandem.partnership.group_rows import register_group_rows
        from tandem.problems.priorities import agenda_lines
        from tandem.problems.selectors import agenda_item_lines, group_page_rows

        register_standing_item("priorities", agenda_lines)
        # An agenda item about a problem links to it; a CLS group's page names its problem.
        register_item_lines(agenda_item_lines)
        register_group_rows(group_page_rows)
        # The evidence dashboard counts incidents by problem category (the police.uk crime
        # types each category maps to).
        from tandem.evidence.groupings import register_groupings
        from tandem.problems.selectors import category_groupings

        register_groupings(category_groupings)
