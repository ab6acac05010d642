"""Panels that apps built on action plans add to an action's evaluation.

Action plans must not import the apps above them, so they register a provider when they load;
the action's page and its evaluation form show what each provider returns (e.g. what the
residents who reported the action's problem said once it was resolved, as counts), in the
shape of the problem page's panels.
"""

from collections.abc import Callable

from tandem.problems.page_panels import ProblemPanel

from .models import Action

Provider = Callable[[Action], list[ProblemPanel]]

_providers: list[Provider] = []


def register_evaluation_panels(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def evaluation_panels(action: Action) -> list[ProblemPanel]:
    panels: list[ProblemPanel] = []
    for provider in _providers:
        panels.extend(provider(action))
    return panels
