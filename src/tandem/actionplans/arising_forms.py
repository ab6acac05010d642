"""The form that puts an action arising from minutes into the action plan: prefilled from the
minutes, so nothing is typed twice, and small: the five seed columns that matter at this point
and the strategic priority. Everything else is added on the action's own page."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size, Submit
from django import forms
from django.db.models import Q

from tandem.partnership.forms import DateField, GovukMessages
from tandem.partnership.models import Organisation, Partnership, Person
from tandem.strategy.models import StrategicPriority


def _helper(*fields, submit: str) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the page's own <form> carries the token
    helper.layout = Layout(*fields, Submit("submit", submit))
    return helper


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return obj.name


class PriorityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: StrategicPriority) -> str:
        return f"{obj.title} ({obj.strategy.title})"


def lead_people(partnership: Partnership):
    """People who may lead an action: anyone who is or was in one of the partnership's groups."""
    return (
        Person.objects.filter(memberships__group__partnership=partnership)
        .distinct()
        .only("pk", "name")
        .order_by("name", "pk")
    )


def lead_organisations(partnership: Partnership):
    """Organisations represented in the partnership's groups, or accountable for a group's funds."""
    return (
        Organisation.objects.filter(
            Q(memberships__group__partnership=partnership) | Q(accountable_for__partnership=partnership)
        )
        .distinct()
        .order_by("name", "pk")
    )


class ArisingActionForm(GovukMessages, forms.Form):
    issue = forms.CharField(
        label="Issue to be resolved",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    description = forms.CharField(
        label="Action to be carried out", max_length=10_000, widget=forms.Textarea(attrs={"rows": 4})
    )
    lead = PersonChoiceField(label="Lead person", queryset=Person.objects.none(), required=False)
    lead_organisation = forms.ModelChoiceField(
        label="Lead organisation", queryset=Organisation.objects.none(), required=False
    )
    due_on = DateField(label="Date for completion", required=True, help_text="For example, 27 3 2026")
    strategic_priority = PriorityChoiceField(
        label="Strategic priority (optional)",
        queryset=StrategicPriority.objects.none(),
        required=False,
        help_text="Actions with a strategic priority go into the annual Community Safety Action Plan.",
    )

    def __init__(self, *args, partnership: Partnership, problem=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.problem = problem
        if problem is not None:
            self.fields["issue"].help_text = (
                f"It resolves problem #{problem.pk}, {problem.title}. Leave this blank to use the "
                "problem's title, or say which part of it this action deals with."
            )
        else:
            self.fields["issue"].help_text = "What the action is meant to put right."
        self.fields["lead"].queryset = lead_people(partnership)
        self.fields["lead"].empty_label = "No particular person"
        self.fields["lead_organisation"].queryset = lead_organisations(partnership)
        self.fields["lead_organisation"].empty_label = "No organisation"
        self.fields["strategic_priority"].queryset = StrategicPriority.objects.filter(
            strategy__partnership=partnership
        ).select_related("strategy")
        self.fields["strategic_priority"].empty_label = "None"
        self.fields["due_on"].error_messages["required"] = "Enter the date for completion"
        self.helper = _helper(
            Field.textarea("issue", rows=2),
            Field.textarea("description", rows=4),
            Fieldset(
                Field.select("lead"),
                Field.select("lead_organisation"),
                legend="Who leads it: a person, an organisation, or both",
                legend_size=Size.SMALL,
            ),
            Field("due_on"),
            Field.select("strategic_priority"),
            submit="Add to the action plan",
        )

    def clean(self):
        data = super().clean()
        if "lead" not in self.errors and not data.get("lead") and not data.get("lead_organisation"):
            self.add_error("lead", "Choose who leads the action: a person, an organisation, or both")
        if "issue" not in self.errors and self.problem is None and not (data.get("issue") or "").strip():
            self.add_error("issue", "Enter the issue the action resolves")
        return data

    def service_data(self) -> dict:
        """The overrides for ``arising.action_from_arising``."""
        data = dict(self.cleaned_data)
        data["issue"] = (data.get("issue") or "").strip()
        return data

    @staticmethod
    def initial_from(defaults: dict) -> dict:
        return {
            name: defaults.get(name)
            for name in ("issue", "description", "lead", "lead_organisation", "due_on")
            if defaults.get(name) is not None
        }


# --- The lead's progress update from the digest link -------------------------------------------


class ProgressForm(GovukMessages, forms.Form):
    """What the lead says from the one-click link in their weekly digest (views/digest.py)."""

    text = forms.CharField(
        label="What has happened since the last update?",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    status = forms.ChoiceField(label="How is it going now?", choices=(), widget=forms.RadioSelect)
    is_internal = forms.BooleanField(
        label="Only for the group and partnership officers: do not show this update on the public site",
        required=False,
    )

    def __init__(self, *args, statuses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = list(statuses)
        self.fields["text"].error_messages["required"] = "Enter what has happened since the last update"
        self.fields["status"].error_messages["required"] = "Select how the action is going now"
        self.helper = _helper(
            Field.textarea("text", rows=5),
            Field.radios("status", legend_size=Size.SMALL),
            Field.checkbox("is_internal"),
            submit="Post the update",
        )
