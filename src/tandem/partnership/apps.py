from django.apps import AppConfig


class PartnershipConfig(AppConfig):
    name = "tandem.partnership"
    label = "partnership"
    verbose_name = "Partnership structure"
