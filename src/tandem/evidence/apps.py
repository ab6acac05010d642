from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "tandem.evidence"
    label = "evidence"
    verbose_name = "Evidence: incidents, hotspots and trends"
