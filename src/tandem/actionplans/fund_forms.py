"""Forms for a group's funds: a ledger entry, and the financial year filter.

They only parse and check input; the views hand the cleaned data to ``funds.entry_record``
and ``funds.entry_update``, which keep the rules (and check them again).
"""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from tandem.partnership.forms import DateField, GovukMessages

from . import funds
from .models import Action, LedgerEntry


def _helper(*fields, submit: str) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the page's own <form> carries the token
    helper.layout = Layout(*fields, Submit("submit", submit))
    return helper


class ActionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, action: Action) -> str:
        text = action.description.strip().splitlines()[0] if action.description.strip() else "An action"
        if len(text) > 90:
            text = text[:89].rstrip() + "…"
        return f"{action.reference}: {text}" if action.reference else text


class EntryForm(GovukMessages, forms.Form):
    kind = forms.ChoiceField(
        label="What kind of entry is it?", choices=LedgerEntry.Kind.choices, widget=forms.RadioSelect
    )
    date = DateField(label="Date", help_text="The day the money came in or went out, for example 27 3 2026")
    amount = forms.CharField(
        label="Amount in pounds and pence",
        max_length=30,
        help_text="For example £1,234.50. Always a positive amount: the kind says which way it went",
    )
    counterparty = forms.CharField(
        label="Payer or payee",
        max_length=200,
        help_text="Who paid the money in, or who was paid",
    )
    description = forms.CharField(
        label="What for",
        max_length=300,
        help_text="For example “Community grant for the summer diversionary activities”",
    )
    action = ActionChoiceField(
        label="The action it funds (optional)",
        required=False,
        queryset=Action.objects.none(),
        help_text="An action of the group's plan, if the money is for one",
    )
    receipt = forms.FileField(
        label="Receipt (optional)",
        required=False,
        widget=forms.FileInput,
        help_text="A PDF, JPEG or PNG file, smaller than 5 MB",
    )
    remove_receipt = forms.BooleanField(label="Remove the receipt", required=False)
    allow_negative = forms.BooleanField(
        label=funds.NEGATIVE_LABEL,
        required=False,
        help_text="Only needed when this entry would take the balance below £0",
    )

    def __init__(self, *args, group, entry: LedgerEntry | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].error_messages["required"] = "Select what kind of entry it is"
        self.fields["kind"].error_messages["invalid_choice"] = "Select one of the kinds of entry"
        self.fields["date"].error_messages["required"] = "Enter the date"
        self.fields["amount"].error_messages["required"] = "Enter the amount"
        self.fields["counterparty"].error_messages["required"] = (
            "Enter who paid the money in, or who was paid"
        )
        self.fields["description"].error_messages["required"] = "Enter what the money was for"
        self.fields["action"].queryset = Action.objects.filter(group=group).order_by("due_on", "pk")
        self.fields["action"].empty_label = "Not for a particular action"
        self.fields["action"].error_messages["invalid_choice"] = "Choose an action of this group's plan"
        self.fields["receipt"].widget.attrs["accept"] = (
            ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
        )
        self.fields["receipt"].error_messages["empty"] = funds.RECEIPT_EMPTY_MESSAGE
        current_receipt = []
        if entry is None or not entry.receipt:
            del self.fields["remove_receipt"]
        else:
            self.fields["receipt"].label = "Replace the receipt (optional)"
            current_receipt = [Field.checkbox("remove_receipt")]
        self.helper = _helper(
            Field.radios("kind", legend_size=Size.SMALL),
            Field("date"),
            Field.text("amount", field_width=10, autocomplete="off", spellcheck="false"),
            Field.text("counterparty"),
            Field.text("description"),
            Field.select("action"),
            Field("receipt"),
            *current_receipt,
            HTML('<h2 class="govuk-heading-s">If the balance goes below £0</h2>'),
            Field.checkbox("allow_negative"),
            submit="Save entry" if entry is not None else "Record entry",
        )

    def clean_amount(self):
        return funds.parse_amount(self.cleaned_data.get("amount"))

    def clean_date(self):
        day = self.cleaned_data.get("date")
        if day is not None and day > timezone.localdate():
            raise ValidationError(funds.FUTURE_MESSAGE)
        return day

    def clean_receipt(self):
        receipt = self.cleaned_data.get("receipt")
        if receipt:
            try:
                funds.receipt_check(receipt)
            except ValidationError as exc:
                raise ValidationError(exc.message_dict["receipt"]) from exc
        return receipt

    def clean(self):
        data = super().clean()
        if data.get("receipt") and data.get("remove_receipt"):
            self.add_error("remove_receipt", "Either choose a new receipt or remove it, not both")
        return data

    def service_data(self) -> dict:
        """The keyword arguments of the services (without ``allow_negative``)."""
        data = {
            name: self.cleaned_data[name]
            for name in ("kind", "date", "amount", "counterparty", "description", "action")
        }
        receipt = self.cleaned_data.get("receipt")
        if receipt:
            data["receipt"] = receipt
        elif self.cleaned_data.get("remove_receipt"):
            data["receipt"] = False
        return data


class YearForm(forms.Form):
    """The ledger's filter (GET): one financial year, or all of them. An unknown year is reported
    and left out."""

    year = forms.TypedChoiceField(label="Financial year", required=False, choices=(), coerce=int)

    def __init__(self, *args, years: list[funds.FinancialYear], **kwargs):
        super().__init__(*args, **kwargs)
        self.years = {year.start: year for year in years}
        self.fields["year"].choices = [("", "All years")] + [
            (year.start, f"{year.label} ({year.long_label})") for year in years
        ]
        self.fields["year"].error_messages["invalid_choice"] = "Choose a financial year from the list."

    def financial_year(self) -> funds.FinancialYear | None:
        if not self.is_bound or not self.is_valid():
            return None
        return self.years.get(self.cleaned_data.get("year"))
