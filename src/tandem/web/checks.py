from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security)
def secret_key_is_not_the_default(app_configs, **kwargs):
    """Settings already refuse this combination; the check guards overrides made later."""
    from tandem.settings import INSECURE_DEFAULT_SECRET_KEY

    if not settings.DEBUG and settings.SECRET_KEY == INSECURE_DEFAULT_SECRET_KEY:
        return [
            Error(
                "DEBUG is off and SECRET_KEY is Tandem's public default.",
                hint="Set the SECRET_KEY environment variable to a long random value.",
                id="tandem.E001",
            )
        ]
    return []
