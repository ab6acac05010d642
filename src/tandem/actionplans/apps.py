from django.apps import AppConfig


class ActionPlansConfig(AppConfig):
    name = "tandem.actionplans"
    label = "actionplans"
    verbose_name = "Action plans, the annual plan and group funds"

    def ready(self) -> None:
        from tandem.actionplans.arising import agenda_lines
        from tandem.actionplans.selectors import group_page_rows
        from tandem.meetings.standing import register_standing_item
        from tandem.partnership.group_rows import register_group_rows

        # A group's page links to its action plan; its meetings' "action plan review"
        # standing item lists the actions due or overdue.
        register_group_rows(group_page_rows)
        register_standing_item("action_plan_review", agenda_lines)
