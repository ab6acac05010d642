"""Officers' forms for the strategy (GOV.UK markup via crispy-forms-gds).

They only parse and check input; the views hand their cleaned data to ``services``, which
keep the rules (dates in order, targets on the right side of the baseline, no future quarters).
"""

import datetime as dt
from decimal import Decimal

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Layout, Size, Submit
from django import forms
from django.utils import timezone

from tandem.partnership.forms import DateField, GovukMessages

from .models import Indicator, Outcome, StrategicPriority, Strategy
from .quarters import previous_quarter, quarter_label, quarter_start, quarters_between
from .sources import POLICE_UK_CRIME_TYPES


def _helper(*fields, submit: str) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the page's own <form> carries the token
    helper.layout = Layout(*fields, Submit("submit", submit))
    return helper


def _narrow(name: str, width: int) -> Field:
    return Field(name, css_class=f"govuk-input govuk-input--width-{width}")


class FigureField(forms.DecimalField):
    """A figure typed as people write it: 1,234.5 or 12 (GOV.UK: a text input, not type=number)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false", "autocomplete": "off"}),
        )
        super().__init__(**kwargs)
        self.error_messages.update(
            {
                "invalid": "Enter a number, like 42 or 12.5",
                "max_digits": "Enter a number smaller than 10,000,000,000",
                "max_whole_digits": "Enter a number smaller than 10,000,000,000",
                "max_decimal_places": "Enter a number with no more than 2 decimal places",
            }
        )

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", "").replace(" ", "")
        return super().to_python(value)


# --- Strategies -----------------------------------------------------------------------------


class StrategyForm(GovukMessages, forms.Form):
    title = forms.CharField(
        label="Title", max_length=200, help_text="For example, Community Safety Strategy 2026–28"
    )
    summary = forms.CharField(
        label="Summary (optional)",
        required=False,
        max_length=10_000,
        widget=forms.Textarea,
        help_text="What the strategy sets out to do, in a few sentences",
    )
    starts_on = DateField(label="Date it starts", help_text="For example, 1 4 2026")
    ends_on = DateField(label="Date it ends", help_text="For example, 31 3 2029")
    approved_on = DateField(
        label="Date it was approved (optional)",
        required=False,
        help_text="Leave blank while it is a draft",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_on"].error_messages["required"] = "Enter the date the strategy starts"
        self.fields["ends_on"].error_messages["required"] = "Enter the date the strategy ends"
        self.helper = _helper(
            Field.text("title"),
            Field.textarea("summary", rows=4),
            Field("starts_on"),
            Field("ends_on"),
            Field("approved_on"),
            submit="Save the strategy",
        )

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The date it ends must be after the date it starts")
        return data

    @staticmethod
    def initial_for(strategy: Strategy) -> dict:
        return {
            name: getattr(strategy, name)
            for name in ("title", "summary", "starts_on", "ends_on", "approved_on")
        }


# --- Strategic priorities and outcomes ------------------------------------------------------


class PriorityForm(GovukMessages, forms.Form):
    title = forms.CharField(label="Title", max_length=200, help_text="For example, Rural crime")
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        max_length=10_000,
        widget=forms.Textarea,
        help_text="Why it is a priority and what the partnership will do about it",
    )
    position = forms.TypedChoiceField(label="Place in the list", choices=(), coerce=int)

    def __init__(self, *args, places: int | None = None, **kwargs):
        """``places``: how many priorities the strategy has (editing: choose where this one goes)."""
        super().__init__(*args, **kwargs)
        fields = [Field.text("title"), Field.textarea("description", rows=4)]
        if places:
            self.fields["position"].choices = [
                (index, "First" if index == 0 else "Last" if index == places - 1 else f"Number {index + 1}")
                for index in range(places)
            ]
            self.fields["position"].error_messages["invalid_choice"] = "Select one of the places in the list"
            fields.append(Field.select("position"))
        else:
            del self.fields["position"]
        self.helper = _helper(*fields, submit="Save the priority")

    @staticmethod
    def initial_for(priority: StrategicPriority) -> dict:
        return {"title": priority.title, "description": priority.description, "position": priority.position}


class OutcomeForm(GovukMessages, forms.Form):
    text = forms.CharField(
        label="Outcome",
        max_length=300,
        help_text="What the partnership wants to be true, for example: fewer rural burglaries",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].error_messages["required"] = "Enter the outcome"
        self.helper = _helper(Field.text("text"), submit="Add the outcome")


# --- Indicators -----------------------------------------------------------------------------


INDICATOR_NAMES = (
    "name",
    "unit",
    "outcome",
    "baseline",
    "baseline_label",
    "target",
    "direction",
    "tolerance",
    "source",
    "crime_types",
)


class IndicatorForm(GovukMessages, forms.Form):
    name = forms.CharField(label="Name", max_length=200, help_text="For example, Rural burglaries reported")
    unit = forms.CharField(
        label="Measured in (optional)",
        required=False,
        max_length=50,
        help_text="For example, incidents, people or %",
    )
    outcome = forms.ModelChoiceField(
        label="Outcome it measures (optional)", required=False, queryset=Outcome.objects.none()
    )
    baseline = FigureField(label="Baseline", help_text="The figure before the strategy, for example 120")
    baseline_label = forms.CharField(
        label="When the baseline was measured (optional)",
        required=False,
        max_length=100,
        help_text="For example, 2024/25, a quarter on average",
    )
    target = FigureField(label="Target", help_text="The figure the partnership aims for each quarter")
    direction = forms.ChoiceField(
        label="Which way is better?", choices=Indicator.Direction.choices, widget=forms.RadioSelect
    )
    tolerance = FigureField(
        label="How far from the target still counts as on target (optional)",
        required=False,
        min_value=0,
        help_text="Only for “keep at or near the target”, for example 5",
    )
    source = forms.ChoiceField(
        label="Where its figures come from", choices=Indicator.Source.choices, widget=forms.RadioSelect
    )
    crime_types = forms.MultipleChoiceField(
        label="Crime types to count",
        required=False,
        choices=[(name, name) for name in POLICE_UK_CRIME_TYPES],
        widget=forms.CheckboxSelectMultiple,
        help_text="Only for figures counted from recorded incidents: the police.uk crime types",
    )

    def __init__(self, *args, priority: StrategicPriority, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].queryset = Outcome.objects.filter(priority=priority).order_by("position", "pk")
        self.fields["outcome"].empty_label = "None in particular"
        self.fields["outcome"].error_messages["invalid_choice"] = "Select one of this priority’s outcomes"
        self.fields["direction"].error_messages["required"] = "Select which way is better"
        self.fields["direction"].error_messages["invalid_choice"] = "Select one of the directions"
        self.fields["source"].error_messages["required"] = "Select where its figures come from"
        self.fields["source"].error_messages["invalid_choice"] = "Select one of the sources"
        self.fields["crime_types"].error_messages["invalid_choice"] = "Select crime types from the list"
        self.fields["tolerance"].error_messages["min_value"] = "Enter a tolerance of 0 or more"
        if not self.is_bound and not self.initial:
            self.initial = {"direction": Indicator.Direction.DOWN, "source": Indicator.Source.MANUAL}
        self.helper = _helper(
            Field.text("name"),
            Field.select("outcome"),
            _narrow("unit", 10),
            Fieldset(
                _narrow("baseline", 10),
                Field.text("baseline_label", field_width=20),
                _narrow("target", 10),
                Field.radios("direction", legend_size=Size.SMALL),
                _narrow("tolerance", 10),
                legend="Baseline and target",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.radios("source", legend_size=Size.SMALL),
                Field.checkboxes("crime_types", legend_size=Size.SMALL, small=True),
                legend="Figures",
                legend_size=Size.MEDIUM,
            ),
            submit="Save the indicator",
        )

    def service_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in INDICATOR_NAMES}
        if data["tolerance"] is None:
            data["tolerance"] = Decimal(0)
        return data

    @staticmethod
    def initial_for(indicator: Indicator) -> dict:
        return {name: getattr(indicator, name) for name in INDICATOR_NAMES}


# --- Figures ----------------------------------------------------------------------------------


def quarter_choices(strategy: Strategy, *, today: dt.date | None = None) -> list[tuple[str, str]]:
    """The quarters a figure may be recorded for, newest first: from a year before the strategy
    (for the baseline) to the current quarter or the strategy's last, whichever comes first."""
    today = today or timezone.localdate()
    first = strategy.starts_on
    for _ in range(4):
        first = previous_quarter(first)
    first = min(first, quarter_start(today))
    last = min(quarter_start(today), quarter_start(strategy.ends_on))
    if last < first:
        last = first
    return [(start.isoformat(), quarter_label(start)) for start in reversed(quarters_between(first, last))]


class ValueForm(GovukMessages, forms.Form):
    period_start = forms.TypedChoiceField(
        label="Quarter", choices=(), coerce=dt.date.fromisoformat, empty_value=None
    )
    value = FigureField(label="Figure")
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea,
        help_text="Where the figure comes from, or anything unusual about the quarter",
    )

    def __init__(self, *args, indicator: Indicator, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = quarter_choices(indicator.priority.strategy, today=today)
        field = self.fields["period_start"]
        field.choices = choices
        field.error_messages["required"] = "Select the quarter"
        field.error_messages["invalid_choice"] = "Select one of the quarters in the list"
        if indicator.unit:
            self.fields["value"].label = f"Figure ({indicator.unit})"
        self.fields["value"].error_messages["required"] = "Enter the figure"
        if not self.is_bound and "period_start" not in self.initial:
            last_full = previous_quarter(today or timezone.localdate()).isoformat()
            keys = [key for key, _ in choices]
            self.initial["period_start"] = last_full if last_full in keys else keys[0]
        self.helper = _helper(
            Field.select("period_start"),
            _narrow("value", 10),
            Field.textarea("note", rows=3),
            submit="Record the figure",
        )


class CountForm(forms.Form):
    """A button and nothing else: count an incident-based indicator's figures again."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(Button.secondary("count", "Count the figures from recorded incidents"))
