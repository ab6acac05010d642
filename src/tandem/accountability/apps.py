from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    name = "tandem.accountability"
    label = "accountability"
    verbose_name = "Accountability: ASB Case Reviews, Councillor Calls for Action and scrutiny"

    def ready(self) -> None:
        # The scrutiny committee's page says when its yearly review of the partnership is due.
        from tandem.accountability.scrutiny import group_page_rows
        from tandem.partnership.group_rows import register_group_rows

        register_group_rows(group_page_rows)
        # A ward's page links to its summary for councillors, for those who may see it.
        from tandem.accountability.access import ward_area_links
        from tandem.places.area_links import register_area_links

        register_area_links(ward_area_links)
