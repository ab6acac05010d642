from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "tandem.community"
    label = "community"
    verbose_name = "Community: neighbourhood pages, reports, surveys and updates"
