"""Rows that apps built on the partnership add to a group's page.

The partnership app must not import the apps above it (problems, action plans …), so
they register a provider when they load; the group page then shows what each provider
returns as rows of its summary list (e.g. "Set up to work on" a problem, for a
Community Led Solution group).
"""

from collections.abc import Callable
from dataclasses import dataclass

from tandem.partnership.access import Viewer
from tandem.partnership.models import Group


@dataclass(frozen=True)
class GroupRow:
    label: str
    # Each value is a (text, link or "") line.
    values: tuple[tuple[str, str], ...]


Provider = Callable[[Group, Viewer], list[GroupRow]]

_providers: list[Provider] = []


def register_group_rows(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def group_rows(group: Group, viewer: Viewer) -> list[GroupRow]:
    rows: list[GroupRow] = []
    for provider in _providers:
        rows.extend(provider(group, viewer))
    return rows
