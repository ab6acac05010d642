"""Panels that apps built on problems add to a problem's page.

The problems app must not import the apps above it, so they register a provider when they
load; the problem page shows what each provider returns (e.g. residents' answers to "is it
fixed?", as counts) as a summary list under its own heading.
"""

from collections.abc import Callable
from dataclasses import dataclass

from .models import Problem


@dataclass(frozen=True)
class ProblemPanel:
    title: str
    # Each row is a (label, value) pair of plain text.
    rows: tuple[tuple[str, str], ...]
    note: str = ""
    # (text, url) links under the rows.
    links: tuple[tuple[str, str], ...] = ()


Provider = Callable[[Problem, bool], list[ProblemPanel]]  # (problem, is_insider)

_providers: list[Provider] = []


def register_problem_panels(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def problem_panels(problem: Problem, *, is_insider: bool) -> list[ProblemPanel]:
    panels: list[ProblemPanel] = []
    for provider in _providers:
        panels.extend(provider(problem, is_insider))
    return panels
