"""Forms for priorities and escalations (GOV.UK markup via crispy-forms-gds).

They only parse input; the views hand their cleaned data to the services in
``priorities.py`` and ``escalation.py``, which keep the rules.
"""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size, Submit
from django import forms

from tandem.partnership.forms import GovukMessages

from .models import Escalation, Problem


def _helper(*fields) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the page's own <form> carries the token
    helper.layout = Layout(*fields)
    return helper


class ProblemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, problem: Problem) -> str:
        times = "once" if problem.times_raised == 1 else f"{problem.times_raised} times"
        return f"{problem.title} ({problem.category.name}, {problem.group.name}, raised {times})"


class PriorityForm(GovukMessages, forms.Form):
    problem = ProblemChoiceField(
        label="Problem",
        queryset=Problem.objects.none(),
        empty_label="Choose a problem",
        help_text="Open problems of this group and of the groups below it",
    )
    reason = forms.CharField(
        label="Why is it a priority?",
        max_length=5000,
        widget=forms.Textarea,
        help_text="For example: raised at the last three meetings, and incidents are rising",
    )

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if candidates is not None:
            self.fields["problem"].queryset = candidates
        self.fields["problem"].error_messages["required"] = "Select the problem to make a priority"
        self.fields["problem"].error_messages["invalid_choice"] = (
            "Select one of the open problems in the list"
        )
        self.fields["reason"].error_messages["required"] = "Enter why it is a priority"
        self.helper = _helper(
            Field.select("problem"),
            Field.textarea("reason", rows=3),
            Submit("submit", "Choose as a priority"),
        )


class EscalationForm(GovukMessages, forms.Form):
    reason = forms.CharField(
        label="Why does the group above need to take it up?",
        max_length=5000,
        widget=forms.Textarea,
        help_text="What the group has tried, and what it needs from the group above",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = "Enter why the group above should take it up"
        self.helper = _helper(Field.textarea("reason", rows=5), Submit("submit", "Escalate the problem"))


class DecisionForm(GovukMessages, forms.Form):
    decision = forms.ChoiceField(
        label="Decision", choices=Escalation.Decision.choices, widget=forms.RadioSelect
    )
    decision_notes = forms.CharField(
        label="Notes or advice",
        required=False,
        max_length=5000,
        widget=forms.Textarea,
        help_text="Required when you refer it back: the advice for the group that escalated it",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].error_messages["required"] = "Select a decision"
        self.fields["decision"].error_messages["invalid_choice"] = "Select one of the decisions"
        self.helper = _helper(
            Field.radios("decision", legend_size=Size.MEDIUM),
            Field.textarea("decision_notes", rows=4),
            Submit("submit", "Record the decision"),
        )


class ConfirmForm(forms.Form):
    """A button and nothing else (carry over, remove)."""

    def __init__(self, *args, label: str, warning: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Button.warning("submit", label) if warning else Submit("submit", label))


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, meeting) -> str:
        from django.utils import timezone

        start = timezone.localtime(meeting.starts_at)
        return f"{meeting.group.name}: {start:%A} {start.day} {start:%B %Y}, {start:%-I.%M%p}".replace(
            "AM", "am"
        ).replace("PM", "pm")


class AgendaForm(GovukMessages, forms.Form):
    """Put a problem on an upcoming meeting's agenda."""

    meeting = MeetingChoiceField(
        label="Which meeting should discuss it?", queryset=None, widget=forms.RadioSelect, empty_label=None
    )
    description = forms.CharField(
        label="What should the meeting discuss? (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea,
        help_text="Shown under the item on the agenda. Leave out personal details if the meeting is public.",
    )

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].error_messages["required"] = "Select a meeting"
        self.fields["meeting"].error_messages["invalid_choice"] = "Select one of the meetings listed"
        self.helper = _helper(
            Field.radios("meeting", legend_size=Size.MEDIUM),
            Field.textarea("description", rows=4),
            Submit("submit", "Put it on the agenda"),
        )
