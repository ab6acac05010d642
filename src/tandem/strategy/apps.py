from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "tandem.strategy"
    label = "strategy"
    verbose_name = "Community safety strategy"

    def ready(self) -> None:
        # Incident-based indicators count their quarterly figures from the evidence (police.uk
        # data in the partnership's district). The evidence app stands lower and knows nothing
        # of strategies, so the strategy registers the source it reads from.
        from decimal import Decimal

        from tandem.evidence.selectors import incidents_counted

        from .sources import register_indicator_source

        def count_incidents(indicator, period_start, period_end):
            found = incidents_counted(
                area=indicator.priority.strategy.partnership.area,
                crime_types=list(indicator.crime_types or []),
                start=period_start,
                end=period_end,
            )
            return None if found is None else Decimal(found)

        register_indicator_source(count_incidents)
