"""Forms for attendance, minutes, decisions, actions arising and corrections (GOV.UK markup).

The forms only parse and check input; the views hand their cleaned data to the services in
``tandem.meetings.minutes``.
"""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size, Submit
from django import forms

from tandem.meetings.models import AgendaItem, Attendance, Meeting
from tandem.partnership.forms import DateField, GovukMessages
from tandem.partnership.models import Membership, Organisation, Person

MEMBER_CHOICES = [
    (Attendance.Status.PRESENT.value, "Present"),
    (Attendance.Status.APOLOGIES.value, "Apologies"),
    (Attendance.Status.ABSENT.value, "Absent"),
]

# GOV.UK asks for text inputs with a numeric keyboard rather than type="number".
NUMBER = forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"})


def _helper(*fields, submit: str) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the page's own <form> carries the token
    helper.layout = Layout(*fields, Submit("submit", submit))
    return helper


def item_label(item: AgendaItem) -> str:
    label = f"{item.position}. {item.title}" if item.position else item.title
    return f"{label} (confidential)" if item.is_confidential else label


class ItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: AgendaItem) -> str:
        return item_label(obj)


def _organisations():
    return Organisation.objects.order_by("name")


class AttendanceForm(forms.Form):
    """One inline set of radios per current member, the organisation they represent, and a guest."""

    guest_name = forms.CharField(label="Guest's name", required=False, max_length=150)
    guest_organisation = forms.ModelChoiceField(
        label="Organisation the guest represents", queryset=Organisation.objects.none(), required=False
    )

    def __init__(self, *args, memberships: list[Membership], existing: dict[int, Attendance], **kwargs):
        super().__init__(*args, **kwargs)
        self.memberships = memberships
        organisations = _organisations()
        self.fields["guest_organisation"].queryset = organisations
        self.fields["guest_organisation"].empty_label = "None"
        layout = []
        for membership in memberships:
            person = membership.person
            row = existing.get(person.pk)
            status_name, organisation_name = f"status-{person.pk}", f"organisation-{person.pk}"
            self.fields[status_name] = forms.ChoiceField(
                label=f"{person.name} ({membership.get_role_display().lower()})",
                choices=MEMBER_CHOICES,
                widget=forms.RadioSelect,
                required=False,
                initial=row.status if row else None,
            )
            self.fields[organisation_name] = forms.ModelChoiceField(
                label=f"Organisation {person.name} represents",
                queryset=organisations,
                required=False,
                empty_label="None: they take part for themselves",
                initial=(row.organisation_id if row else None) or membership.organisation_id,
            )
            layout += [
                Field.radios(status_name, legend_size=Size.SMALL, inline=True),
                Field.select(organisation_name),
            ]
        layout.append(
            Fieldset(
                Field.text("guest_name"),
                Field.select("guest_organisation"),
                legend="Add a guest",
                legend_size=Size.MEDIUM,
            )
        )
        self.helper = _helper(*layout, submit="Save attendance")

    def clean(self):
        data = super().clean()
        if data.get("guest_organisation") and not (data.get("guest_name") or "").strip():
            self.add_error("guest_name", "Enter the guest's name")
        return data

    def people(self) -> list[tuple[Person, str, Organisation | None]]:
        """(person, status, organisation) for each member whose attendance was chosen."""
        rows = []
        for membership in self.memberships:
            pk = membership.person.pk
            status = self.cleaned_data.get(f"status-{pk}")
            if status:
                rows.append((membership.person, status, self.cleaned_data.get(f"organisation-{pk}")))
        return rows

    def guests(self) -> list[tuple[str, Organisation | None]]:
        name = (self.cleaned_data.get("guest_name") or "").strip()
        return [(name, self.cleaned_data.get("guest_organisation"))] if name else []


class MinutesForm(forms.Form):
    """A textarea of points noted for each agenda item (field names item-<pk>)."""

    def __init__(self, *args, items: list[AgendaItem], **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"item-{item.pk}"] = forms.CharField(
                label=item_label(item),
                required=False,
                max_length=20000,
                widget=forms.Textarea(attrs={"rows": 5}),
                initial=item.minutes,
                help_text="Points noted",
            )

    def minutes(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data.get(f"item-{item.pk}", "") for item in self.items}


class DecisionForm(GovukMessages, forms.Form):
    item = ItemChoiceField(label="Agenda item", queryset=AgendaItem.objects.none(), required=False)
    text = forms.CharField(
        label="Decision",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text='Start with "RESOLVED that"',
    )
    votes_for = forms.IntegerField(label="For", required=False, min_value=0, max_value=10000, widget=NUMBER)
    votes_against = forms.IntegerField(
        label="Against", required=False, min_value=0, max_value=10000, widget=NUMBER
    )
    abstentions = forms.IntegerField(
        label="Abstentions", required=False, min_value=0, max_value=10000, widget=NUMBER
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = meeting.items.all()
        self.fields["item"].empty_label = "No particular item"
        for name in ("votes_for", "votes_against", "abstentions"):
            self.fields[name].error_messages["min_value"] = "Enter a number of votes of 0 or more"
            self.fields[name].error_messages["invalid"] = "Enter the number of votes as a whole number"
            self.fields[name].error_messages["max_value"] = "Enter a number of votes of 10,000 or fewer"
        self.helper = _helper(
            Field.select("item"),
            Field.textarea("text", rows=4),
            Fieldset(
                Field.text("votes_for", field_width=4),
                Field.text("votes_against", field_width=4),
                Field.text("abstentions", field_width=4),
                legend="The vote, if there was one",
                legend_size=Size.MEDIUM,
            ),
            submit="Save decision",
        )

    def clean(self):
        data = super().clean()
        names = ("votes_for", "votes_against", "abstentions")
        if any(name in self.errors for name in names):
            return data
        given = [data.get(name) is not None for name in names]
        if any(given) and not all(given):
            self.add_error(
                "votes_for", "Enter the votes for, against and abstentions, or leave all three blank"
            )
        return data


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return obj.name


class ActionArisingForm(GovukMessages, forms.Form):
    item = ItemChoiceField(label="Agenda item", queryset=AgendaItem.objects.none(), required=False)
    description = forms.CharField(label="Action", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    lead = PersonChoiceField(label="Lead person", queryset=Person.objects.none(), required=False)
    lead_organisation = forms.ModelChoiceField(
        label="Lead organisation", queryset=Organisation.objects.none(), required=False
    )
    due_on = DateField(label="To be done by", required=True, help_text="For example, 27 3 2026")

    def __init__(self, *args, meeting: Meeting, members: list[Person], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = meeting.items.all()
        self.fields["item"].empty_label = "No particular item"
        self.fields["lead"].queryset = Person.objects.filter(pk__in=[p.pk for p in members]).order_by("name")
        self.fields["lead"].empty_label = "Choose a member of the group"
        self.fields["lead_organisation"].queryset = _organisations()
        self.fields["lead_organisation"].empty_label = "Choose an organisation"
        self.fields["due_on"].error_messages["required"] = "Enter the date it is to be done by"
        self.helper = _helper(
            Field.select("item"),
            Field.textarea("description", rows=3),
            Fieldset(
                Field.select("lead"),
                Field.select("lead_organisation"),
                legend="Who leads",
                legend_size=Size.MEDIUM,
            ),
            Field("due_on"),
            submit="Save action",
        )

    def clean(self):
        data = super().clean()
        if "lead" not in self.errors and not data.get("lead") and not data.get("lead_organisation"):
            self.add_error("lead", "Choose who leads: a person, an organisation or both")
        return data


class CorrectionForm(GovukMessages, forms.Form):
    item = ItemChoiceField(label="Agenda item", queryset=AgendaItem.objects.none())
    reason = forms.CharField(
        label="Reason for the correction",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text='For example, "The date of the next clean-up was given as 12 March; it is 19 March."',
    )
    new_text = forms.CharField(
        label="Corrected points noted",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="The whole text of the item's minutes as it should read.",
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = meeting.items.all()
        self.fields["item"].empty_label = "Choose an item"
        self.fields["new_text"].error_messages["required"] = "Enter the corrected points noted"
        self.helper = _helper(
            Field.select("item"),
            Field.textarea("reason", rows=3),
            Field.textarea("new_text", rows=8),
            submit="Record correction",
        )
