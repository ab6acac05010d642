"""Links that apps built on places add to an area's page.

The places app must not import the apps above it, so they register a provider when they
load; the area page then lists what each provider returns for that area and visitor (e.g.
the ward summary for councillors, on a ward's page). A provider returns (text, url) pairs.
"""

from collections.abc import Callable

from tandem.places.models import Area

Provider = Callable[[Area, object], list[tuple[str, str]]]

_providers: list[Provider] = []


def register_area_links(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def area_links(area: Area, user) -> list[tuple[str, str]]:
    links: list[tuple[str, str]] = []
    for provider in _providers:
        links.extend(provider(area, user))
    return links
