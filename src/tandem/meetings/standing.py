"""What apps above meetings show on an agenda.

Meetings must not import the apps that build on it (problems, action plans …), so
those apps register providers when they load:

- a standing-item provider lists what goes under a standing item (the group's
  priorities, the action plan items due);
- an item-lines provider adds lines under any agenda item that is about one of its
  objects (the problem an item discusses).
"""

from collections.abc import Callable, Iterable

from tandem.meetings.models import AgendaItem, Meeting
from tandem.partnership.access import Viewer

# A provider gets the meeting and the viewer and returns (text, link or "") lines.
Provider = Callable[[Meeting, Viewer], list[tuple[str, str]]]
# An item-lines provider gets the items the viewer may see and returns their lines by item pk.
ItemLinesProvider = Callable[[list[AgendaItem], Viewer], dict[int, list[tuple[str, str]]]]

_providers: dict[str, Provider] = {}
_item_line_providers: list[ItemLinesProvider] = []


def register_standing_item(key: str, provider: Provider) -> None:
    if key not in AgendaItem.Standing.values:
        raise ValueError(f"No standing agenda item is called {key!r}")
    _providers[key] = provider


def standing_item_lines(item: AgendaItem, meeting: Meeting, viewer: Viewer) -> list[tuple[str, str]]:
    provider = _providers.get(item.standing)
    return provider(meeting, viewer) if provider else []


def register_item_lines(provider: ItemLinesProvider) -> None:
    if provider not in _item_line_providers:
        _item_line_providers.append(provider)


def item_lines(items: Iterable[AgendaItem], viewer: Viewer) -> dict[int, list[tuple[str, str]]]:
    """Lines under each item from every provider, in a fixed number of queries per provider."""
    items = list(items)
    lines: dict[int, list[tuple[str, str]]] = {}
    if not items:
        return lines
    for provider in _item_line_providers:
        for pk, found in provider(items, viewer).items():
            lines.setdefault(pk, []).extend(found)
    return lines
