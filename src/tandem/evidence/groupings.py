"""Groupings of police.uk crime types that apps built on the evidence add to its dashboard.

The evidence app stands on places alone and knows nothing of problem categories, so the
problems app registers a provider when it loads: each grouping is a name ("Anti-social
behaviour", "Drugs") and the crime types that count towards it. A crime type can count
towards more than one grouping, so their totals need not add up to the area's total.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Grouping:
    name: str
    crime_types: tuple[str, ...]


Provider = Callable[[], Sequence[Grouping]]

_providers: list[Provider] = []


def register_groupings(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def groupings() -> list[Grouping]:
    return [grouping for provider in _providers for grouping in provider() if grouping.crime_types]


def grouped_counts(by_type: dict[str, int], total: int) -> list[dict]:
    """Each grouping's incidents (the sum of its crime types') and share of ``total``, most first;
    groupings without any incident in ``by_type``'s crime types are left out."""
    rows = []
    for grouping in groupings():
        count = sum(by_type.get(name, 0) for name in grouping.crime_types)
        if count:
            rows.append(
                {
                    "name": grouping.name,
                    "crime_types": [name for name in grouping.crime_types if by_type.get(name)],
                    "count": count,
                    "share": count / total * 100 if total else 0,
                }
            )
    return sorted(rows, key=lambda row: (-row["count"], row["name"]))
