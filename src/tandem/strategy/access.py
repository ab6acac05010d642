"""Who may see and change the partnership's strategy.

A strategy, its priorities, outcomes, indicators and their figures are public (a
Community Safety Strategy is a published document); only partnership officers and
administrators change them. 404 for what does not exist, 403 for a refused change.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from tandem.partnership.access import viewer_for

from .models import Indicator, StrategicPriority, Strategy


def can_edit_strategy(user) -> bool:
    return viewer_for(user).is_officer


def _check(user, write: bool) -> bool:
    can_edit = can_edit_strategy(user)
    if write and not can_edit:
        raise PermissionDenied("Only partnership officers and administrators can change the strategy.")
    return can_edit


def access_strategy_for_user(user, slug: str, *, write: bool = False) -> tuple[Strategy, bool]:
    strategy = get_object_or_404(Strategy.objects.select_related("partnership"), slug=slug)
    return strategy, _check(user, write)


def access_priority_for_user(user, pk: int, *, write: bool = False) -> tuple[StrategicPriority, bool]:
    priority = get_object_or_404(
        StrategicPriority.objects.select_related("strategy", "strategy__partnership"), pk=pk
    )
    return priority, _check(user, write)


def access_indicator_for_user(user, pk: int, *, write: bool = False) -> tuple[Indicator, bool]:
    indicator = get_object_or_404(
        Indicator.objects.select_related("priority", "priority__strategy", "outcome"), pk=pk
    )
    return indicator, _check(user, write)
