"""Panels that apps built on problems add to a problem's page.

The problems app must not import the apps above it, so they register a provider when they
load; the problem page shows what each provider returns (e.g. residents' answers to "is it
fixed?", as counts) as a summary list under its own heading.

A provider that must know who is looking (the cases app shows linked cases only to those who may
open them) registers with ``with_user=True`` and is called with the signed-in user (or None for
a visitor) as a third argument; the others are called as before.
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
UserProvider = Callable[..., list[ProblemPanel]]  # (problem, is_insider, user)

_providers: list[tuple[Provider | UserProvider, bool]] = []


def register_problem_panels(provider: Provider | UserProvider, *, with_user: bool = False) -> None:
    if all(registered is not provider for registered, _ in _providers):
        _providers.append((provider, with_user))


def problem_panels(problem: Problem, *, is_insider: bool, user=None) -> list[ProblemPanel]:
    """Every registered provider's panels; ``user`` is the signed-in viewer (None for a visitor)."""
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    panels: list[ProblemPanel] = []
    for provider, with_user in _providers:
        panels.extend(provider(problem, is_insider, user) if with_user else provider(problem, is_insider))
    return panels
