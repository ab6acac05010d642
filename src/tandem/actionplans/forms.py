"""Forms for action plans: an action, a progress update, completing and evaluating it, cancelling
it, and the plan's filters (GOV.UK markup via crispy-forms-gds).

The forms only parse input; the views hand the cleaned data to the services in ``services.py``,
which keep the rules (dates in order, a lead of the partnership, an issue, no "done" without
an evaluation).
"""

from decimal import Decimal, InvalidOperation

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from tandem.partnership.forms import DateField, GovukMessages
from tandem.partnership.models import Group, Membership, Organisation, Partnership, Person
from tandem.problems.models import Problem
from tandem.strategy.models import StrategicPriority

from .models import Action
from .selectors import DISPLAY_STATUSES, PlanFilters


def _helper(*fields) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the page's own <form> carries the token
    helper.layout = Layout(*fields)
    return helper


# --- Choices ----------------------------------------------------------------------------------


def lead_people(partnership: Partnership, *, include: int | None = None) -> QuerySet[Person]:
    """People who may lead an action: current members of the partnership's groups (and the
    action's present lead)."""
    members = Membership.objects.current().filter(group__partnership=partnership).values("person_id")
    return Person.objects.filter(Q(pk__in=members) | Q(pk=include or 0)).order_by("name", "pk")


def lead_organisations(partnership: Partnership) -> QuerySet[Organisation]:
    """Organisations represented in the partnership's groups, or an accountable body of one."""
    represented = Membership.objects.filter(group__partnership=partnership).values("organisation_id")
    bodies = Group.objects.filter(partnership=partnership).values("accountable_body_id")
    return Organisation.objects.filter(Q(pk__in=represented) | Q(pk__in=bodies)).order_by("name")


def supporting_organisations(partnership: Partnership, *, include=()) -> QuerySet[Organisation]:
    """The lead organisations, the organisations recorded as partners of the partnership (and the
    action's present supporters)."""
    return (
        Organisation.objects.filter(
            Q(pk__in=lead_organisations(partnership).values("pk"))
            | Q(partnerships=partnership)
            | Q(pk__in=list(include))
        )
        .distinct()
        .order_by("name")
    )


class ProblemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, problem: Problem) -> str:
        return f"#{problem.pk} {problem.title}"


class PriorityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, priority: StrategicPriority) -> str:
        return f"{priority.title} ({priority.strategy.title})"


class MoneyField(forms.CharField):
    """Pounds and pence, typed as people write them ("£1,250.50" or "1250.5"), kept exactly."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        text = value.replace("£", "").replace(",", "").replace(" ", "")
        if len(text) > 20:
            raise ValidationError("Enter an amount in pounds and pence, like 1250.50")
        try:
            amount = Decimal(text)
        except InvalidOperation as exc:
            raise ValidationError("Enter an amount in pounds and pence, like 1250.50") from exc
        if not amount.is_finite() or amount < 0:
            raise ValidationError("Enter an amount of £0 or more, like 1250.50")
        if amount != amount.quantize(Decimal("0.01")):
            raise ValidationError("Enter the amount to the nearest penny, like 1250.50")
        if amount >= Decimal("10000000000"):
            raise ValidationError("Enter an amount under £10,000,000,000")
        return amount.quantize(Decimal("0.01"))


# --- An action --------------------------------------------------------------------------------

ACTION_FIELDS = (
    "problem",
    "issue",
    "description",
    "lead",
    "lead_organisation",
    "supporting_organisations",
    "start_on",
    "due_on",
    "strategic_priority",
    "reference",
    "is_public",
    "budget",
)


class ActionForm(GovukMessages, forms.Form):
    """An action in the seed's order: the issue, the action, who leads it, the date for completion
    (its evaluation comes when it is done)."""

    problem = ProblemChoiceField(
        label="Problem it resolves",
        required=False,
        queryset=Problem.objects.none(),
        help_text="A problem the group is working on, or describe the issue below",
    )
    issue = forms.CharField(
        label="Issue to be resolved",
        required=False,
        max_length=5000,
        widget=forms.Textarea,
        help_text="In words, if it is not a recorded problem (or to say more about it)",
    )
    description = forms.CharField(label="Action to be carried out", max_length=5000, widget=forms.Textarea)
    lead = forms.ModelChoiceField(
        label="Lead person",
        required=False,
        queryset=Person.objects.none(),
        help_text="Someone in one of the partnership's groups. An organisation alone is allowed.",
    )
    lead_organisation = forms.ModelChoiceField(
        label="Lead organisation", required=False, queryset=Organisation.objects.none()
    )
    supporting_organisations = forms.ModelMultipleChoiceField(
        label="Supporting organisations",
        required=False,
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    start_on = DateField(label="Start date", required=False, help_text="For example, 27 3 2026")
    due_on = DateField(label="Date for completion", help_text="For example, 30 9 2026")
    strategic_priority = PriorityChoiceField(
        label="Strategic priority",
        required=False,
        queryset=StrategicPriority.objects.none(),
        help_text="Actions with a strategic priority go into the annual Community Safety Action Plan",
    )
    reference = forms.CharField(
        label="Reference (optional)",
        required=False,
        max_length=30,
        help_text="The group's own number for the action, if it has one",
    )
    is_public = forms.BooleanField(
        label="Show this action and its outcome on the public site",
        required=False,
        initial=True,
        help_text="Internal progress notes are never shown publicly",
    )
    budget = MoneyField(
        label="Budget in pounds (optional)",
        required=False,
        help_text="For example, 1250.50",
    )

    def __init__(
        self,
        *args,
        partnership: Partnership,
        problems: QuerySet[Problem],
        action: Action | None = None,
        **kwargs,
    ):
        if action is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{
                    name: getattr(action, name)
                    for name in ACTION_FIELDS
                    if name != "supporting_organisations"
                },
                "supporting_organisations": list(action.supporting_organisations.all()),
            }
        super().__init__(*args, **kwargs)
        self.fields["due_on"].error_messages["required"] = "Enter the date for completion"
        self.fields["description"].error_messages["required"] = "Enter the action to be carried out"
        self.fields["problem"].queryset = problems
        self.fields["problem"].empty_label = "None: the issue is described below"
        self.fields["lead"].queryset = lead_people(partnership, include=action.lead_id if action else None)
        self.fields["lead"].empty_label = "No particular person"
        self.fields["lead_organisation"].queryset = lead_organisations(partnership)
        self.fields["lead_organisation"].empty_label = "None"
        self.fields["supporting_organisations"].queryset = supporting_organisations(
            partnership,
            include=[getattr(o, "pk", o) for o in self.initial.get("supporting_organisations") or []],
        )
        self.fields["strategic_priority"].queryset = (
            StrategicPriority.objects.filter(strategy__partnership=partnership)
            .select_related("strategy")
            .order_by("-strategy__starts_on", "position", "pk")
        )
        self.fields["strategic_priority"].empty_label = "None"
        self.helper = _helper(
            Fieldset(
                Field.select("problem"),
                Field.textarea("issue", rows=3),
                legend="The issue to be resolved",
                legend_size=Size.MEDIUM,
            ),
            Field.textarea("description", rows=4),
            Fieldset(
                Field.select("lead"),
                Field.select("lead_organisation"),
                Field.checkboxes("supporting_organisations", legend_size=Size.SMALL, small=True),
                legend="Who leads it",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field("start_on"),
                Field("due_on"),
                legend="When",
                legend_size=Size.MEDIUM,
            ),
            Field.select("strategic_priority"),
            Field.text("reference", field_width=10),
            Field.text("budget", field_width=10),
            Field.checkbox("is_public"),
            Submit("submit", "Save action"),
        )

    def service_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in ACTION_FIELDS}


# --- Progress ---------------------------------------------------------------------------------

UPDATE_STATUSES = [
    ("", "Leave the status as it is"),
    *[(status, DISPLAY_STATUSES[status][0]) for status in Action.OPEN_STATUSES],
]


class UpdateForm(GovukMessages, forms.Form):
    text = forms.CharField(
        label="Progress update",
        max_length=10_000,
        widget=forms.Textarea,
        help_text="What has been done since the last update, and what happens next",
    )
    status = forms.ChoiceField(
        label="Change the status (optional)",
        required=False,
        choices=UPDATE_STATUSES,
        initial="",
        widget=forms.RadioSelect,
        help_text="To mark the action done, complete it with its evaluation instead",
    )
    is_internal = forms.BooleanField(
        label="Internal note: only the group's members and partnership officers see it",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].error_messages["required"] = "Enter the progress update"
        self.fields["status"].error_messages["invalid_choice"] = "Choose one of the statuses listed"
        self.helper = _helper(
            Field.textarea("text", rows=5),
            Field.radios("status", legend_size=Size.SMALL),
            Field.checkbox("is_internal"),
            Submit("submit", "Post the update"),
        )


# --- Completing and evaluating ----------------------------------------------------------------

WORKED_CHOICES = Action.Worked.choices


class CompleteForm(GovukMessages, forms.Form):
    """Mark the action done with its evaluation, or with the date by which it will be evaluated."""

    completed_on = DateField(label="Date completed", required=False, help_text="Leave blank for today")
    worked = forms.ChoiceField(
        label="Did it work?", required=False, choices=WORKED_CHOICES, widget=forms.RadioSelect
    )
    evidence = forms.CharField(
        label="What does the evidence say?",
        required=False,
        max_length=10_000,
        widget=forms.Textarea,
        help_text="Residents' feedback, and the incidents before and after",
    )
    learning = forms.CharField(
        label="What was learned?", required=False, max_length=10_000, widget=forms.Textarea
    )
    evaluate_by = DateField(
        label="Or: the date by which it will be evaluated",
        required=False,
        help_text="When it is too soon to judge. A reminder is set for that day.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worked"].error_messages["invalid_choice"] = "Choose one of the answers listed"
        self.helper = _helper(
            Field("completed_on"),
            Fieldset(
                Field.radios("worked", legend_size=Size.SMALL),
                Field.textarea("evidence", rows=4),
                Field.textarea("learning", rows=3),
                legend="The evaluation",
                legend_size=Size.MEDIUM,
            ),
            Field("evaluate_by"),
            Submit("submit", "Mark it done"),
        )


class EvaluateForm(GovukMessages, forms.Form):
    """Evaluate a done action later, or again."""

    worked = forms.ChoiceField(label="Did it work?", choices=WORKED_CHOICES, widget=forms.RadioSelect)
    evidence = forms.CharField(
        label="What does the evidence say?",
        required=False,
        max_length=10_000,
        widget=forms.Textarea,
        help_text="Residents' feedback, and the incidents before and after",
    )
    learning = forms.CharField(
        label="What was learned?", required=False, max_length=10_000, widget=forms.Textarea
    )
    evaluate_by = DateField(
        label="If it is too early to tell: the date by which it will be evaluated",
        required=False,
        help_text="A reminder is set for that day",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worked"].error_messages["required"] = "Say whether it worked"
        self.fields["worked"].error_messages["invalid_choice"] = "Choose one of the answers listed"
        self.helper = _helper(
            Field.radios("worked", legend_size=Size.MEDIUM),
            Field.textarea("evidence", rows=4),
            Field.textarea("learning", rows=3),
            Field("evaluate_by"),
            Submit("submit", "Save the evaluation"),
        )


class CancelForm(GovukMessages, forms.Form):
    reason = forms.CharField(
        label="Why is the action cancelled?",
        max_length=5000,
        widget=forms.Textarea,
        help_text="Shown with the action's updates",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "cancel")
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = "Say why the action is cancelled"
        self.helper = _helper(
            Field.textarea("reason", rows=3),
            Button.warning("cancel_action", "Cancel the action"),
        )


# --- The plan's filters -----------------------------------------------------------------------

STATUS_FILTERS = [
    ("", "Any status"),
    ("open", "Any open status (overdue included)"),
    *[(status, label) for status, (label, _) in DISPLAY_STATUSES.items()],
]


class FilterForm(forms.Form):
    """The plan's filters (GET). Invalid values are reported (status 400) and left out."""

    status = forms.ChoiceField(label="Status", required=False, choices=STATUS_FILTERS)
    lead = forms.ModelChoiceField(label="Lead person", required=False, queryset=Person.objects.none())
    organisation = forms.ModelChoiceField(
        label="Lead organisation", required=False, queryset=Organisation.objects.none(), to_field_name="slug"
    )
    priority = PriorityChoiceField(
        label="Strategic priority", required=False, queryset=StrategicPriority.objects.none()
    )
    problem = ProblemChoiceField(label="Problem", required=False, queryset=Problem.objects.none())
    q = forms.CharField(label="Search the actions and issues", required=False, max_length=100)

    def __init__(self, *args, leads, organisations, priorities, problems, **kwargs):
        super().__init__(*args, **kwargs)
        for name, queryset, empty in (
            ("lead", leads, "Anyone"),
            ("organisation", organisations, "Any organisation"),
            ("priority", priorities, "Any priority"),
            ("problem", problems, "Any problem"),
        ):
            self.fields[name].queryset = queryset
            self.fields[name].empty_label = empty

    def filters(self) -> PlanFilters:
        """The filters from the fields that are valid (all of them when the form is)."""
        if not self.is_bound:
            return PlanFilters()
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return PlanFilters(
            status=data.get("status") or "",
            lead=data.get("lead"),
            organisation=data.get("organisation"),
            priority=data.get("priority"),
            problem=data.get("problem"),
            q=(data.get("q") or "").strip(),
        )
