"""What apps built on problems do when a problem's status changes.

The problems app must not import the apps above it (community …), so they register a
listener when they load; ``problem_set_status`` and ``problem_merge`` call every listener
inside their transaction, after the status-change row is written. No Django signals.
"""

from collections.abc import Callable

from .models import Problem, ProblemStatusChange

Listener = Callable[[Problem, ProblemStatusChange], None]

_listeners: list[Listener] = []


def register_status_listener(listener: Listener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def status_changed(problem: Problem, change: ProblemStatusChange) -> None:
    for listener in _listeners:
        listener(problem, change)
