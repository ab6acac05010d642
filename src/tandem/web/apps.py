from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "tandem.web"
    label = "web"
    verbose_name = "Web shell"

    def ready(self) -> None:
        from tandem.web import checks  # noqa: F401  (registers the system checks)
