"""Pages of the partnership's strategy: its priorities, outcomes and indicators, and their figures.

Anyone may read them (a Community Safety Strategy is a published document); partnership
officers and administrators change them. Each view parses the request, fetches through an
``access_…`` helper, calls a service for any change and renders. A refused change is shown as
the form's error summary with status 400.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from tandem.partnership.access import access_partnership_for_user
from tandem.partnership.views import _apply_errors, _data

from . import selectors, services, sources
from .access import (
    access_indicator_for_user,
    access_priority_for_user,
    access_strategy_for_user,
    can_edit_strategy,
)
from .charts import line_chart
from .forms import CountForm, IndicatorForm, OutcomeForm, PriorityForm, StrategyForm, ValueForm
from .models import Indicator, StrategicPriority
from .quarters import quarter_label

FORM_METHODS = require_http_methods(["GET", "HEAD", "POST"])


def _require_editor(request: HttpRequest) -> None:
    if not can_edit_strategy(request.user):
        raise PermissionDenied("Only partnership officers and administrators can change the strategy.")


def _form_page(request: HttpRequest, form, *, status: int | None = None, **context) -> HttpResponse:
    """The shared form page: title, caption, lead, back link ``cancel_url``."""
    if status is None:
        status = 400 if form.errors else 200
    return render(request, "strategy/form.html", {"form": form, **context}, status=status)


# --- Strategies -----------------------------------------------------------------------------


def strategy_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Public: a partnership's strategies, the one in force today marked as current."""
    partnership = access_partnership_for_user(request.user, slug)
    strategies = list(selectors.strategy_list(partnership=partnership))
    return render(
        request,
        "strategy/strategy_list.html",
        {
            "partnership": partnership,
            "strategies": strategies,
            "current": selectors.current_strategy(partnership),
            "can_edit": can_edit_strategy(request.user),
        },
    )


@login_required
@FORM_METHODS
def strategy_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Officers: start a new strategy for the partnership (a draft until its approval date is given)."""
    partnership = access_partnership_for_user(request.user, slug)
    _require_editor(request)
    form = StrategyForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            strategy = services.strategy_create(partnership=partnership, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request, f"“{strategy.title}” has been created. Now add its strategic priorities."
            )
            return redirect(strategy)
    return _form_page(
        request,
        form,
        title="New strategy",
        caption=partnership.name,
        cancel_url=_strategies_url(partnership.slug),
        partnership=partnership,
    )


def _strategies_url(slug: str) -> str:
    return reverse("strategy:strategy-list", kwargs={"slug": slug})


def strategy_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Public: the strategy with each strategic priority's outcomes and indicators, their latest
    figures and whether they are on target."""
    strategy, can_edit = access_strategy_for_user(request.user, slug)
    page = selectors.strategy_page(strategy)
    current = selectors.current_strategy(strategy.partnership)
    return render(
        request,
        "strategy/strategy_detail.html",
        {
            "strategy": strategy,
            "partnership": strategy.partnership,
            "page": page,
            "is_current": current is not None and current.pk == strategy.pk,
            "can_edit": can_edit,
        },
    )


@login_required
@FORM_METHODS
def strategy_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Officers: change a strategy's title, summary, years or approval date."""
    strategy, _ = access_strategy_for_user(request.user, slug, write=True)
    form = StrategyForm(_data(request), initial=StrategyForm.initial_for(strategy))
    if request.method == "POST" and form.is_valid():
        try:
            services.strategy_update(strategy=strategy, data=form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"“{strategy.title}” has been saved.")
            return redirect(strategy)
        strategy.refresh_from_db()
    return _form_page(
        request,
        form,
        title="Change the strategy",
        caption=strategy.title,
        cancel_url=strategy.get_absolute_url(),
        partnership=strategy.partnership,
        strategy=strategy,
    )


# --- Strategic priorities and outcomes ------------------------------------------------------


@login_required
@FORM_METHODS
def priority_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Officers: add a strategic priority to the strategy (after the others)."""
    strategy, _ = access_strategy_for_user(request.user, slug, write=True)
    form = PriorityForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            priority = services.priority_create(strategy=strategy, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"“{priority.title}” is now a strategic priority of {strategy.title}.")
            return redirect("strategy:priority-detail", pk=priority.pk)
    return _form_page(
        request,
        form,
        title="New strategic priority",
        caption=strategy.title,
        cancel_url=strategy.get_absolute_url(),
        partnership=strategy.partnership,
        strategy=strategy,
    )


def priority_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Public: a strategic priority, its outcomes and its indicators against their targets."""
    priority, can_edit = access_priority_for_user(request.user, pk)
    return render(
        request,
        "strategy/priority_detail.html",
        {
            "priority": priority,
            "strategy": priority.strategy,
            "partnership": priority.strategy.partnership,
            "row": selectors.priority_page(priority),
            "can_edit": can_edit,
        },
    )


@login_required
@FORM_METHODS
def priority_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Officers: change a strategic priority's title, description or place in the list."""
    priority, _ = access_priority_for_user(request.user, pk, write=True)
    places = StrategicPriority.objects.filter(strategy_id=priority.strategy_id).count()
    form = PriorityForm(_data(request), places=places, initial=PriorityForm.initial_for(priority))
    if request.method == "POST" and form.is_valid():
        try:
            services.priority_update(priority=priority, data=form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"“{priority.title}” has been saved.")
            return redirect("strategy:priority-detail", pk=priority.pk)
        priority.refresh_from_db()
    return _form_page(
        request,
        form,
        title="Change the strategic priority",
        caption=priority.title,
        cancel_url=_priority_url(priority),
        partnership=priority.strategy.partnership,
        strategy=priority.strategy,
        priority=priority,
    )


def _priority_url(priority: StrategicPriority) -> str:
    return reverse("strategy:priority-detail", kwargs={"pk": priority.pk})


@login_required
@FORM_METHODS
def outcome_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Officers: add an outcome the partnership wants under a strategic priority."""
    priority, _ = access_priority_for_user(request.user, pk, write=True)
    form = OutcomeForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.outcome_create(priority=priority, text=form.cleaned_data["text"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"The outcome has been added to “{priority.title}”.")
            return redirect("strategy:priority-detail", pk=priority.pk)
    return _form_page(
        request,
        form,
        title="New outcome",
        caption=priority.title,
        cancel_url=_priority_url(priority),
        partnership=priority.strategy.partnership,
        strategy=priority.strategy,
        priority=priority,
    )


# --- Indicators and their figures -----------------------------------------------------------


@login_required
@FORM_METHODS
def indicator_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Officers: add an indicator (a named measure with a baseline, target and direction) to a priority."""
    priority, _ = access_priority_for_user(request.user, pk, write=True)
    form = IndicatorForm(_data(request), priority=priority)
    if request.method == "POST" and form.is_valid():
        try:
            indicator = services.indicator_create(priority=priority, **form.service_data())
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"“{indicator.name}” has been added. Now record its figures.")
            return redirect("strategy:indicator-detail", pk=indicator.pk)
    return _form_page(
        request,
        form,
        title="New indicator",
        caption=priority.title,
        cancel_url=_priority_url(priority),
        partnership=priority.strategy.partnership,
        strategy=priority.strategy,
        priority=priority,
    )


def _indicator_context(request: HttpRequest, indicator: Indicator, can_edit: bool) -> dict:
    values = list(indicator.values.order_by("period_start"))
    series = selectors.indicator_series(indicator, values=values)
    progress = selectors.indicator_progress(indicator, values=values)
    chart = None
    if series:
        chart = line_chart(
            points=[(point.label, tuple(point.short_label.rsplit(" ", 1)), point.value) for point in series],
            baseline=indicator.baseline,
            target=indicator.target,
        )
    counted = sources.counts_from_incidents(indicator)
    return {
        "indicator": indicator,
        "priority": indicator.priority,
        "strategy": indicator.priority.strategy,
        "partnership": indicator.priority.strategy.partnership,
        "series": series,
        "progress": progress,
        "chart": chart,
        "can_edit": can_edit,
        "counted": counted,
        "awaiting_source": sources.awaits_source(indicator),
        "no_source_text": sources.NO_SOURCE_TEXTS.get(indicator.source, ""),
        "counted_from": sources.COUNTED_FROM.get(indicator.source, ""),
    }


def indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Public: an indicator, a chart of its quarterly figures against the baseline and target,
    and the same figures in a table. Officers also get the form to record a figure."""
    indicator, can_edit = access_indicator_for_user(request.user, pk)
    context = _indicator_context(request, indicator, can_edit)
    if can_edit:
        context["form"] = CountForm() if context["counted"] else ValueForm(indicator=indicator)
    return render(request, "strategy/indicator_detail.html", context)


@login_required
@FORM_METHODS
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Officers: change an indicator's name, baseline, target, direction or where its figures come from."""
    indicator, _ = access_indicator_for_user(request.user, pk, write=True)
    priority = indicator.priority
    form = IndicatorForm(_data(request), priority=priority, initial=IndicatorForm.initial_for(indicator))
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_update(indicator=indicator, data=form.service_data())
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"“{indicator.name}” has been saved.")
            return redirect("strategy:indicator-detail", pk=indicator.pk)
        indicator.refresh_from_db()
    return _form_page(
        request,
        form,
        title="Change the indicator",
        caption=indicator.name,
        cancel_url=_indicator_url(indicator),
        partnership=priority.strategy.partnership,
        strategy=priority.strategy,
        priority=priority,
    )


def _indicator_url(indicator: Indicator) -> str:
    return reverse("strategy:indicator-detail", kwargs={"pk": indicator.pk})


@login_required
@FORM_METHODS
def value_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Officers: record an indicator's figure for a quarter (a second figure for the same quarter
    replaces the first). For incident-based indicators with a registered source, count them instead."""
    indicator, _ = access_indicator_for_user(request.user, pk, write=True)
    if sources.counts_from_incidents(indicator):
        form = CountForm(_data(request))
        if request.method == "POST":
            try:
                counted = services.indicator_values_count(indicator=indicator, by=request.user)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                quarters = len(counted)
                source = sources.COUNTED_FROM[indicator.source]
                messages.success(
                    request,
                    f"{quarters} quarter{'' if quarters == 1 else 's'} counted from {source}."
                    if quarters
                    else f"There were no {source.removeprefix('the ')} to count yet."
                    if indicator.source == Indicator.Source.INCIDENTS
                    else "There were not enough answers to count yet.",
                )
                return redirect("strategy:indicator-detail", pk=indicator.pk)
        return _form_page(
            request,
            form,
            title=f"Count the figures from {sources.COUNTED_FROM[indicator.source]}",
            caption=indicator.name,
            lead="Each full quarter of the strategy so far is counted again from the recorded incidents "
            "of the chosen crime types."
            if indicator.source == Indicator.Source.INCIDENTS
            else "Each full quarter of the strategy so far is counted again: the share of the answers "
            "given in it that are one of the two best.",
            cancel_url=_indicator_url(indicator),
            partnership=indicator.priority.strategy.partnership,
            strategy=indicator.priority.strategy,
            priority=indicator.priority,
        )
    form = ValueForm(_data(request), indicator=indicator)
    if request.method == "POST" and form.is_valid():
        try:
            row = services.value_record(indicator=indicator, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"The figure for {quarter_label(row.period_start)} has been recorded.")
            return redirect("strategy:indicator-detail", pk=indicator.pk)
    lead = (
        sources.NO_SOURCE_TEXTS[indicator.source] + "." if indicator.source in sources.NO_SOURCE_TEXTS else ""
    )
    return _form_page(
        request,
        form,
        title="Record a figure",
        caption=indicator.name,
        lead=lead,
        cancel_url=_indicator_url(indicator),
        partnership=indicator.priority.strategy.partnership,
        strategy=indicator.priority.strategy,
        priority=indicator.priority,
    )
