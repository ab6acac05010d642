"""{{ value|figure }} → "1,234.5"; {{ value|figure:indicator.unit }} → "41%" or "370 incidents"."""

from django import template

from tandem.strategy.charts import figure_text
from tandem.strategy.quarters import quarter_label

register = template.Library()


@register.filter
def figure(value, unit: str = "") -> str:
    if value is None or value == "":
        return ""
    text = figure_text(value)
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


@register.filter
def tag_colour(rag: str) -> str:
    """The govuk-tag modifier for a red / amber / green status (always shown with its words)."""
    return {"green": "green", "amber": "yellow", "red": "red"}.get(rag, "grey")


@register.filter
def quarter(day) -> str:
    """{{ value.period_start|quarter }} → "April to June 2026"."""
    return quarter_label(day) if day else ""
