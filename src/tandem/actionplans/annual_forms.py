"""Forms for the annual plan and its quarterly reviews (GOV.UK markup via crispy-forms-gds).

They only parse input; the views hand the cleaned data to ``annual.py`` and ``review.py``,
which keep the rules.
"""

import datetime as dt

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size, Submit
from django import forms
from django.utils import timezone

from tandem.meetings.models import Meeting
from tandem.partnership.forms import DateField, GovukMessages
from tandem.strategy.models import StrategicPriority, Strategy

from .annual import date_text, default_title, strategy_years, year_label
from .models import Action, AnnualPlan
from .review import quarter_text


def _helper(*fields) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the page's own <form> carries the token
    helper.layout = Layout(*fields)
    return helper


def meeting_label(meeting: Meeting) -> str:
    start = timezone.localtime(meeting.starts_at)
    time = f"{start:%-I.%M%p}".replace("AM", "am").replace("PM", "pm")
    return f"{meeting.display_title}: {start:%A} {start.day} {start:%B %Y}, {time}"


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, meeting: Meeting) -> str:
        return meeting_label(meeting)


# --- The annual plan ------------------------------------------------------------------------------


class PlanCreateForm(GovukMessages, forms.Form):
    """Choose the strategy and the year: the plan is then compiled from the actions."""

    year = forms.ChoiceField(label="Which year should the plan cover?", widget=forms.RadioSelect)
    title = forms.CharField(
        label="Title (optional)",
        required=False,
        max_length=200,
        help_text="Leave blank for “Community Safety Action Plan” and the year, for example 2026/27",
    )

    def __init__(self, *args, strategies, taken: set[dt.date], **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        self.years: dict[str, tuple[Strategy, dt.date, dt.date]] = {}
        for strategy in strategies:
            for starts_on, ends_on in strategy_years(strategy):
                if starts_on in taken:
                    continue
                key = f"{strategy.pk}:{starts_on.isoformat()}"
                self.years[key] = (strategy, starts_on, ends_on)
                choices.append(
                    (
                        key,
                        f"{year_label(starts_on, ends_on)} ({date_text(starts_on)} to {date_text(ends_on)}), "
                        f"from {strategy.title}",
                    )
                )
        self.fields["year"].choices = choices
        self.fields["year"].error_messages["required"] = "Select the year the plan covers"
        self.fields["year"].error_messages["invalid_choice"] = "Select one of the years listed"
        self.helper = _helper(
            Field.radios("year", legend_size=Size.MEDIUM),
            Field.text("title"),
            Submit("submit", "Compile the plan"),
        )

    def chosen(self) -> tuple[Strategy, dt.date, dt.date]:
        return self.years[self.cleaned_data["year"]]

    def title_or_default(self) -> str:
        _, starts_on, ends_on = self.chosen()
        return self.cleaned_data["title"].strip() or default_title(starts_on, ends_on)


class EntryChangeForm(forms.Form):
    """One of the buttons beside an entry: remove it, or move it up or down."""

    entry = forms.IntegerField(min_value=1, error_messages={"required": "Choose an action in the plan"})
    op = forms.ChoiceField(
        choices=[("remove", "Remove"), ("up", "Move up"), ("down", "Move down")],
        error_messages={
            "required": "Choose what to do",
            "invalid_choice": "Choose to remove, move up or move down",
        },
    )


class EntrySearchForm(forms.Form):
    q = forms.CharField(label="Search for an action", required=False, max_length=100)


class CandidateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, action: Action) -> str:
        group = action.group.name if action.group_id else "Partnership-level"
        due = f", due {date_text(action.due_on)}" if action.due_on else ""
        priority = (
            f" [{action.strategic_priority.title}]" if action.strategic_priority_id else " [no priority]"
        )
        return f"{action.description[:120]} ({group}{due}){priority}"


class EntryAddForm(GovukMessages, forms.Form):
    """Add an action to the plan, chosen from the actions found."""

    SHOWN = 50

    action = CandidateChoiceField(
        label="Action to add", queryset=Action.objects.none(), widget=forms.RadioSelect, empty_label=None
    )
    strategic_priority = forms.ModelChoiceField(
        label="Strategic priority to put it under",
        queryset=StrategicPriority.objects.none(),
        required=False,
        empty_label="The action's own strategic priority",
    )
    q = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)

    def __init__(self, *args, plan: AnnualPlan, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].queryset = candidates
        self.fields["action"].error_messages["required"] = "Select the action to add"
        self.fields["action"].error_messages["invalid_choice"] = "Select one of the actions listed"
        self.fields["strategic_priority"].queryset = StrategicPriority.objects.filter(
            strategy_id=plan.strategy_id
        ).order_by("position", "pk")
        self.helper = _helper(
            Field.radios("action", legend_size=Size.SMALL, small=True),
            Field.select("strategic_priority"),
            Field("q"),
            Submit("submit", "Add the action to the plan"),
        )


class PlanApproveForm(GovukMessages, forms.Form):
    meeting = MeetingChoiceField(
        label="Where was it approved?",
        queryset=Meeting.objects.none(),
        widget=forms.RadioSelect,
        required=False,
        blank=True,
        empty_label="Somewhere else (give the date below)",
        help_text="The decision goes into that meeting's minutes",
    )
    decision_text = forms.CharField(
        label="The decision", max_length=2000, widget=forms.Textarea, help_text="As it is recorded"
    )
    approved_on = DateField(
        label="Date approved",
        required=False,
        help_text="Only when it was not approved at a meeting listed above. For example, 27 3 2026",
    )

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].error_messages["invalid_choice"] = "Select one of the meetings listed"
        self.fields["decision_text"].error_messages["required"] = "Enter the decision as it was recorded"
        self.helper = _helper(
            Field.radios("meeting", legend_size=Size.MEDIUM),
            Field.textarea("decision_text", rows=3),
            Field("approved_on"),
            Submit("submit", "Approve the plan"),
        )


# --- Quarterly reviews -----------------------------------------------------------------------------


class ReviewCreateForm(GovukMessages, forms.Form):
    quarter = forms.ChoiceField(label="Which quarter is being reviewed?", widget=forms.RadioSelect)

    def __init__(self, *args, quarters: list[tuple[dt.date, dt.date]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = [
            (start.isoformat(), f"The {quarter_text(end)[4:]} ({date_text(start)} to {date_text(end)})")
            for start, end in quarters
        ]
        self.fields["quarter"].error_messages["required"] = "Select the quarter to review"
        self.fields["quarter"].error_messages["invalid_choice"] = "Select one of the quarters listed"
        self.helper = _helper(
            Field.radios("quarter", legend_size=Size.MEDIUM), Submit("submit", "Start the review")
        )

    def period_start(self) -> dt.date:
        return dt.date.fromisoformat(self.cleaned_data["quarter"])


class ReviewEditForm(GovukMessages, forms.Form):
    summary = forms.CharField(
        label="Summary",
        required=False,
        max_length=20_000,
        widget=forms.Textarea,
        help_text="The quarter in a few sentences, for the front of the report",
    )
    recommendation = forms.CharField(
        label="Recommendation",
        max_length=5000,
        widget=forms.Textarea,
        help_text="In the form “RESOLVED that …”",
    )

    def __init__(self, *args, priorities: list[StrategicPriority], **kwargs):
        super().__init__(*args, **kwargs)
        self.priority_fields: dict[int, str] = {}
        narratives = []
        for priority in priorities:
            name = f"narrative_{priority.pk}"
            self.fields[name] = forms.CharField(
                label=priority.title, required=False, max_length=20_000, widget=forms.Textarea
            )
            self.priority_fields[priority.pk] = name
            narratives.append(Field.textarea(name, rows=4))
        self.fields["recommendation"].error_messages["required"] = (
            "Enter the recommendation to the partnership"
        )
        self.helper = _helper(
            Field.textarea("summary", rows=5, label_size=Size.MEDIUM),
            Fieldset(*narratives, legend="Narrative for each strategic priority", legend_size=Size.MEDIUM),
            Field.textarea("recommendation", rows=4, label_size=Size.MEDIUM),
            Submit("submit", "Save the review"),
        )

    def narratives(self) -> dict[int, str]:
        return {pk: self.cleaned_data.get(name, "") for pk, name in self.priority_fields.items()}


class ReviewAgendaForm(GovukMessages, forms.Form):
    meeting = MeetingChoiceField(
        label="Which meeting should consider it?",
        queryset=Meeting.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].error_messages["required"] = "Select a meeting"
        self.fields["meeting"].error_messages["invalid_choice"] = "Select one of the meetings listed"
        self.helper = _helper(
            Field.radios("meeting", legend_size=Size.MEDIUM), Submit("submit", "Put it on the agenda")
        )
