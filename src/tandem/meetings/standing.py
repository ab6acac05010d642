"""What apps above meetings show under a standing agenda item.

Meetings must not import the apps that build on it (problems, action plans …), so
those apps register a provider for a standing item's key when they load; the
meeting page then lists what the provider returns under that item.
"""

from collections.abc import Callable

from tandem.meetings.models import AgendaItem, Meeting
from tandem.partnership.access import Viewer

# A provider gets the meeting and the viewer and returns (text, link or "") lines.
Provider = Callable[[Meeting, Viewer], list[tuple[str, str]]]

_providers: dict[str, Provider] = {}


def register_standing_item(key: str, provider: Provider) -> None:
    if key not in AgendaItem.Standing.values:
        raise ValueError(f"No standing agenda item is called {key!r}")
    _providers[key] = provider


def standing_item_lines(item: AgendaItem, meeting: Meeting, viewer: Viewer) -> list[tuple[str, str]]:
    provider = _providers.get(item.standing)
    return provider(meeting, viewer) if provider else []
