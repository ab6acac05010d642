from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    name = "tandem.accountability"
    label = "accountability"
    verbose_name = "Accountability: ASB Case Reviews, Councillor Calls for Action and scrutiny"
