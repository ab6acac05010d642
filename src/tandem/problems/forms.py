"""Forms for problems: filters, create and edit, status, notes, raised again, merge.

The forms only parse and check input; the views hand the cleaned data to services.
"""

import math

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

from tandem.partnership.forms import DateField, GovukMessages
from tandem.partnership.models import Group, Organisation
from tandem.places.models import Area

from .models import Category, Problem
from .selectors import ProblemFilters


def _helper(*fields, submit: str) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the page's own <form> carries the token
    helper.layout = Layout(*fields, Submit("submit", submit))
    return helper


STATUS_FILTERS = [("", "Any status"), ("open", "Any open status"), *Problem.Status.choices]


class FilterForm(forms.Form):
    """The list and map filters (GET). Invalid values are reported and left out."""

    q = forms.CharField(label="Search titles and descriptions", required=False, max_length=100)
    area = forms.ModelChoiceField(
        label="Area (and the areas within it)",
        required=False,
        queryset=Area.objects.none(),
        to_field_name="slug",
    )
    category = forms.ModelChoiceField(
        label="Category", required=False, queryset=Category.objects.none(), to_field_name="slug"
    )
    status = forms.ChoiceField(label="Status", required=False, choices=STATUS_FILTERS)
    group = forms.ModelChoiceField(
        label="Group", required=False, queryset=Group.objects.none(), to_field_name="slug"
    )
    raised = forms.IntegerField(
        label="Raised at least this many times", required=False, min_value=1, max_value=100_000
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.defer("boundary").order_by("name")
        self.fields["area"].empty_label = "Any area"
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.fields["category"].empty_label = "Any category"
        self.fields["group"].queryset = groups
        self.fields["group"].empty_label = "Any group"

    def filters(self) -> ProblemFilters:
        """The filters from the fields that are valid (all of them when the form is)."""
        if not self.is_bound:
            return ProblemFilters()
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return ProblemFilters(
            area=data.get("area"),
            category=data.get("category"),
            status=data.get("status") or "",
            group=data.get("group"),
            min_raised=data.get("raised"),
            q=(data.get("q") or "").strip(),
        )


def _finite(value):
    if value is not None and not math.isfinite(value):
        raise ValidationError("Enter a number")
    return value


# --- Who raised it, as a person ------------------------------------------------------------------

RAISER_HINT_ID = "raiser-hint"
RAISER_FIELDS = ("raiser_name", "raiser_email", "raiser_phone", "raiser_agrees")


class RaiserFields(forms.Form):
    """The optional name and contact details of the person who raised the problem (personal data).

    A name is needed with any contact details, and contact details are kept only with their
    agreement to be contacted about the problem. The view finds the Person by email address, or
    creates one, from ``raiser_data()``."""

    raiser_name = forms.CharField(label="Their name", required=False, max_length=150)
    raiser_email = forms.EmailField(
        label="Email address",
        required=False,
        max_length=254,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    raiser_phone = forms.CharField(
        label="Phone number",
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel"}),
        validators=[
            RegexValidator(
                r"^\+?[0-9 ()\-.]*[0-9][0-9 ()\-.]*$",
                "Enter a phone number, like 01632 960 001 or +44 7700 900 982",
            )
        ],
    )
    raiser_agrees = forms.BooleanField(label="They agree to be contacted about it", required=False)

    @staticmethod
    def raiser_layout() -> Fieldset:
        return Fieldset(
            HTML(
                f'<div class="govuk-hint" id="{RAISER_HINT_ID}">These are personal data: they are '
                "never shown on the public site, and are kept only to contact them about the "
                "problem.</div>"
            ),
            Field.text("raiser_name"),
            Field.text("raiser_email", autocomplete="off", spellcheck="false"),
            Field.text("raiser_phone", field_width=20, autocomplete="off"),
            Field.checkbox("raiser_agrees"),
            legend="The person who raised it (optional)",
            legend_size=Size.SMALL,
            aria_describedby=RAISER_HINT_ID,
        )

    def clean(self):
        data = super().clean()
        if any(name in self.errors for name in RAISER_FIELDS):
            return data
        name, email, phone = (data.get(f"raiser_{key}") for key in ("name", "email", "phone"))
        agrees = data.get("raiser_agrees")
        if (email or phone) and not name:
            self.add_error("raiser_name", "Enter their name as well as their contact details")
        if (email or phone) and not agrees:
            self.add_error(
                "raiser_agrees",
                "Tick the box if they agree to be contacted about it, or leave out their email "
                "address and phone number",
            )
        if agrees and not (email or phone):
            self.add_error(
                "raiser_email",
                "Enter their email address or phone number so that they can be contacted, or untick the box",
            )
        return data

    def raiser_data(self) -> dict[str, str] | None:
        """{"name", "email", "phone"} of the person who raised it, or None when nobody is named."""
        data = {key: self.cleaned_data.get(f"raiser_{key}") or "" for key in ("name", "email", "phone")}
        return data if data["name"] else None


PIN_PICKER = HTML('{% include "problems/form.html#pin-picker" %}')


class ProblemForm(GovukMessages, RaiserFields, forms.ModelForm):
    raised_on = DateField(label="Date first raised", required=False, help_text="Leave blank for today")

    class Meta:
        model = Problem
        fields = [
            "group",
            "title",
            "description",
            "category",
            "area",
            "location_text",
            "latitude",
            "longitude",
            "raised_by",
            "raised_by_organisation",
            "is_public",
            "victim",
            "offender",
            "location_analysis",
        ]
        labels = {
            "group": "Group that owns it",
            "area": "Area",
            "location_text": "Where (in words)",
            "raised_by": "Raised by",
            "raised_by_organisation": "Organisation that raised it",
            "is_public": "Show this problem on the public site (never who raised it)",
            "victim": "Victim: who is harmed, and how",
            "offender": "Offender: who causes it, and why",
            "location_analysis": "Location: what about the place allows it",
        }
        # GOV.UK asks for text inputs rather than type="number" (no inputmode: the decimal keypad
        # on some phones has no minus sign, and most longitudes in the UK are negative).
        widgets = {
            "raised_by": forms.RadioSelect,
            "latitude": forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
            "longitude": forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
        }
        help_texts = {
            "group": "",
            "latitude": "For example 53.7256. Give both latitude and longitude, or neither.",
            "longitude": "For example -1.3550",
        }

    def __init__(self, *args, groups, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups
        self.fields["group"].empty_label = "Choose a group"
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.fields["category"].empty_label = "Choose a category"
        self.fields["area"].queryset = Area.objects.defer("boundary").order_by("name")
        self.fields["area"].empty_label = "Not known: work it out from the map pin"
        self.fields["raised_by_organisation"].queryset = Organisation.objects.order_by("name")
        self.fields["raised_by_organisation"].empty_label = "None"
        for name in ("latitude", "longitude"):
            self.fields[name].validators.append(_finite)
        self.fields["latitude"].min_value = -90
        self.fields["latitude"].max_value = 90
        analysis = []
        if editing:
            # Who first raised it is history: the edit form never changes it.
            for name in ("raised_on", *RAISER_FIELDS):
                del self.fields[name]
            analysis = [
                Fieldset(
                    Field.textarea("victim", rows=3),
                    Field.textarea("offender", rows=3),
                    Field.textarea("location_analysis", rows=3),
                    legend="The problem analysis triangle",
                    legend_size=Size.MEDIUM,
                )
            ]
        else:
            for name in ("victim", "offender", "location_analysis"):
                del self.fields[name]
        self.helper = _helper(
            Field.select("group"),
            Field.text("title"),
            Field.textarea("description", rows=5),
            Field.select("category"),
            Fieldset(
                Field.select("area"),
                Field.text("location_text"),
                PIN_PICKER,
                Field.text("latitude", field_width=10),
                Field.text("longitude", field_width=10),
                legend="Where",
                legend_size=Size.MEDIUM,
            ),
            Field.radios("raised_by", legend_size=Size.SMALL),
            Field.select("raised_by_organisation"),
            *([] if editing else [self.raiser_layout(), Field("raised_on")]),
            Field.checkbox("is_public"),
            *analysis,
            submit="Save problem",
        )

    def clean_latitude(self):
        value = self.cleaned_data.get("latitude")
        if value is not None and not -90 <= value <= 90:
            raise ValidationError("Enter a latitude between -90 and 90")
        return value

    def clean_longitude(self):
        value = self.cleaned_data.get("longitude")
        if value is not None and not -180 <= value <= 180:
            raise ValidationError("Enter a longitude between -180 and 180")
        return value

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        for name in ("raised_on", *RAISER_FIELDS):
            data.pop(name, None)
        return data


class StatusForm(GovukMessages, forms.Form):
    to_status = forms.ChoiceField(label="New status", choices=())
    reason = forms.CharField(
        label="Why",
        required=False,
        max_length=2000,
        widget=forms.Textarea,
        help_text="Needed when closing or reopening the problem.",
    )

    def __init__(self, *args, allowed: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Problem.Status.choices)
        self.fields["to_status"].choices = [(status, labels[status]) for status in allowed]
        self.helper = _helper(
            Field.radios("to_status", legend_size=Size.SMALL),
            Field.textarea("reason", rows=3),
            submit="Change status",
        )


class NoteForm(GovukMessages, forms.Form):
    text = forms.CharField(label="Note", max_length=10_000, widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.textarea("text", rows=6), submit="Add note")


class RaiseForm(GovukMessages, RaiserFields, forms.Form):
    raised_on = DateField(label="Date raised", required=False, help_text="Leave blank for today")
    raised_by = forms.ChoiceField(label="Raised by", choices=Problem.RaisedBy.choices)
    organisation = forms.ModelChoiceField(
        label="Organisation that raised it", required=False, queryset=Organisation.objects.none()
    )
    note = forms.CharField(label="Note", required=False, max_length=5000, widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")
        self.fields["organisation"].empty_label = "None"
        self.helper = _helper(
            Field("raised_on"),
            Field.radios("raised_by", legend_size=Size.SMALL),
            Field.select("organisation"),
            self.raiser_layout(),
            Field.textarea("note", rows=3),
            submit="Record it",
        )


class MergeForm(GovukMessages, forms.Form):
    target = forms.TypedChoiceField(label="Merge this problem into", choices=(), coerce=int)

    def __init__(self, *args, candidates: list[Problem], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [(p.pk, f"#{p.pk} {p.title}") for p in candidates]
        self.helper = _helper(Field.radios("target", legend_size=Size.SMALL), submit="Merge")
