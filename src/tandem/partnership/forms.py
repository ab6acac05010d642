"""Officers' forms for groups, memberships, organisations and people (GOV.UK markup via crispy-forms-gds).

The forms only parse and check input; the views hand their cleaned data to services.
"""

import datetime as dt

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError

from tandem.partnership.models import (
    Group,
    GroupType,
    Membership,
    Organisation,
    Partnership,
    Person,
    StakeholderKind,
)
from tandem.places.models import Area


class DateField(DateInputField):
    """GOV.UK date input (day, month, year) that refuses impossible dates with a clear message."""

    def __init__(self, **kwargs):
        kwargs.setdefault("require_all_fields", False)
        super().__init__(**kwargs)
        for subfield in self.fields:
            subfield.required = False

    def compress(self, data_list):
        day, month, year = (list(data_list) + [None, None, None])[:3]
        if not (day or month or year):
            return None
        if not (day and month and year):
            raise ValidationError("Enter a day, month and year")
        try:
            value = dt.date(day=int(day), month=int(month), year=int(year))
        except (ValueError, OverflowError) as exc:
            raise ValidationError("Enter a real date, for example 27 3 2025") from exc
        if not 1900 <= value.year <= 2200:
            raise ValidationError("Enter a year between 1900 and 2200")
        return value


class GovukMessages:
    """Required-field messages in the GOV.UK style ("Enter the name", "Select the type of group")
    instead of Django's "This field is required"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            label = str(field.label or "").strip()
            if not label or "required" not in field.error_messages:
                continue
            verb = "Select" if isinstance(field, forms.ChoiceField | forms.ModelChoiceField) else "Enter"
            field.error_messages["required"] = f"{verb} the {label[0].lower()}{label[1:]}"


def _helper(*fields, submit: str) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the page's own <form> carries the token
    helper.layout = Layout(*fields, Submit("submit", submit))
    return helper


class GroupForm(GovukMessages, forms.ModelForm):
    established_on = DateField(label="Date established", required=False, help_text="For example, 27 3 2024")
    closed_on = DateField(label="Date closed", required=False, help_text="Leave blank while it meets")

    class Meta:
        model = Group
        fields = [
            "partnership",
            "type",
            "name",
            "area",
            "parent",
            "purpose",
            "theme",
            "venue_name",
            "venue_address",
            "venue_access_notes",
            "accountable_body",
            "cadence",
            "is_public",
            "established_on",
            "closed_on",
        ]
        labels = {
            "type": "Type of group",
            "parent": "Escalates to",
            "venue_name": "Venue",
            "venue_address": "Venue address",
            "venue_access_notes": "Access notes",
            "is_public": "Show this group on the public site",
        }
        help_texts = {
            "name": 'For example "Oakfield Local Action Group"',
            "parent": "The group it reports and escalates problems to",
        }

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.order_by("name")
        self.fields["parent"].queryset = Group.objects.select_related("partnership").order_by("name")
        self.fields["accountable_body"].queryset = Organisation.objects.order_by("name")
        self.fields["type"].queryset = GroupType.objects.select_related("partnership").order_by(
            "partnership__name", "-tier", "name"
        )
        self.fields["area"].empty_label = "No particular area"
        self.fields["parent"].empty_label = "None: it is a top-level group"
        self.fields["accountable_body"].empty_label = "None"
        self.fields["type"].empty_label = "Choose a type of group"
        partnerships = Partnership.objects.order_by("name")
        if editing:
            del self.fields["partnership"]
        else:
            self.fields["partnership"].queryset = partnerships
            self.fields["partnership"].empty_label = "Choose a partnership"
            if len(partnerships) == 1:
                self.fields["partnership"].initial = partnerships[0]
        layout = [] if editing else [Field.select("partnership")]
        self.helper = _helper(
            *layout,
            Field.text("name"),
            Field.select("type"),
            Field.select("area"),
            Field.select("parent"),
            Field.textarea("purpose", rows=4),
            Field.text("theme"),
            Fieldset(
                Field.text("venue_name"),
                Field.textarea("venue_address", rows=3),
                Field.textarea("venue_access_notes", rows=3),
                legend="Where it meets",
                legend_size=Size.MEDIUM,
            ),
            Field.text("cadence"),
            Field.select("accountable_body"),
            Field.checkbox("is_public"),
            Field("established_on"),
            Field("closed_on"),
            submit="Save group",
        )


class MembershipForm(GovukMessages, forms.ModelForm):
    start_date = DateField(label="Start date", required=False, help_text="Leave blank for today")
    end_date = DateField(label="End date", required=False, help_text="Leave blank while they are a member")

    class Meta:
        model = Membership
        fields = ["person", "role", "organisation", "stakeholder_kind", "start_date", "end_date"]
        labels = {
            "organisation": "Organisation they represent",
            "stakeholder_kind": "Counts as",
        }

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")
        self.fields["organisation"].empty_label = "None: they take part for themselves"
        self.fields["stakeholder_kind"].queryset = StakeholderKind.objects.order_by("name")
        self.fields["stakeholder_kind"].empty_label = "The same as their organisation"
        layout = []
        if editing:
            del self.fields["person"]
        else:
            self.fields["person"].queryset = Person.objects.order_by("name")
            self.fields["person"].empty_label = "Choose a person"
            del self.fields["end_date"]
            layout.append(Field.select("person"))
        layout += [Field.select("role"), Field.select("organisation"), Field.select("stakeholder_kind")]
        layout.append(Field("start_date"))
        if editing:
            layout.append(Field("end_date"))
        self.helper = _helper(*layout, submit="Save membership")


class MembershipEndForm(GovukMessages, forms.Form):
    end_date = DateField(label="Last day of membership", required=False, help_text="Leave blank for today")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("end_date"), submit="End membership")


class OrganisationForm(GovukMessages, forms.ModelForm):
    website = forms.URLField(label="Website", required=False, max_length=200, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = ["name", "sector", "stakeholder_kind", "description", "website", "email", "phone", "address"]
        labels = {"stakeholder_kind": "Counts as", "email": "Contact email", "phone": "Contact telephone"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stakeholder_kind"].queryset = StakeholderKind.objects.order_by("name")
        self.fields["stakeholder_kind"].empty_label = "Not set"
        self.helper = _helper(
            Field.text("name"),
            Field.select("sector"),
            Field.select("stakeholder_kind"),
            Field.textarea("description", rows=4),
            Field.text("website"),
            Field.text("email"),
            Field.text("phone", field_width=20),
            Field.textarea("address", rows=3),
            submit="Save organisation",
        )


class PersonForm(GovukMessages, forms.ModelForm):
    class Meta:
        model = Person
        fields = ["name", "job_title", "email", "phone", "show_name_publicly"]
        labels = {"show_name_publicly": "They agree to their name being shown on public pages"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("name"),
            Field.text("job_title"),
            Field.text("email"),
            Field.text("phone", field_width=20),
            Field.checkbox("show_name_publicly"),
            submit="Save person",
        )


class DirectoryForm(forms.Form):
    q = forms.CharField(label="Search by name", required=False, max_length=100)
