"""Forms for importing other organisations' logs: a new source, an upload, the column mapping.

The forms parse and check input; ``generic_services`` and ``importers/generic`` do the work.
"""

from __future__ import annotations

from pathlib import Path

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size
from django import forms

from tandem.partnership.forms import GovukMessages

from .forms import upload_limit, upload_limit_text
from .importers import generic
from .importers.police_uk import FileRefused
from .models import Source

NOT_READ = "Not in this file"
SUFFIXES = (".csv", ".txt", ".tsv")


def _helper(*fields) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the page's own <form> carries the token
    helper.layout = Layout(*fields)
    return helper


class SourceForm(GovukMessages, forms.Form):
    name = forms.CharField(
        label="Name of the source",
        max_length=200,
        help_text="Who keeps the log and which log it is, such as “Leicester City Council ASB complaints”",
    )
    attribution = forms.CharField(
        label="Attribution",
        max_length=300,
        required=False,
        help_text=(
            "Shown wherever its figures are shown, such as “Contains data from Leicester City Council”"
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.text("name"), Field.text("attribution"))

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if Source.objects.filter(name__iexact=name).exists():
            raise forms.ValidationError("There is already a source with this name: choose another name")
        return name


class GenericUploadForm(GovukMessages, forms.Form):
    """A CSV file of the source's log; a malformed one is refused here, with its line and column."""

    file = forms.FileField(
        label="CSV file", max_length=255, error_messages={"empty": "The selected file is empty"}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["file"]
        field.error_messages["required"] = "Select a file"
        field.help_text = (
            "A CSV file with a row of column headings, separated by commas, semicolons or tabs, "
            f"smaller than {upload_limit_text()}"
        )
        field.widget.attrs["accept"] = ".csv,.txt,.tsv,text/csv"
        self.table: generic.Table | None = None
        self.helper = _helper(Field("file"))

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if Path(uploaded.name).suffix.lower() not in SUFFIXES:
            raise forms.ValidationError("The selected file must be a CSV file (.csv)")
        if uploaded.size > upload_limit():
            raise forms.ValidationError(f"The selected file must be smaller than {upload_limit_text()}")
        content = uploaded.read()
        uploaded.seek(0)
        try:
            self.table = generic.table_read(content)
        except FileRefused as refused:
            raise forms.ValidationError(f"The selected file cannot be read. {refused}") from None
        if not self.table.rows:
            raise forms.ValidationError("The selected file has headings but no rows")
        return uploaded


def field_name(key: str) -> str:
    return f"column_{key}"


class MappingForm(forms.Form):
    """One select per Tandem field: which column of the file holds it."""

    def __init__(self, *args, headings: list[str], initial_mapping: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.headings = headings
        choices = [("", NOT_READ), *[(heading, heading) for heading in dict.fromkeys(headings) if heading]]
        for f in generic.FIELDS:
            self.fields[field_name(f.key)] = forms.ChoiceField(
                label=f"{f.label}{'' if f.required else ' (optional)'}",
                choices=choices,
                required=False,
                help_text=f.hint,
                initial=initial_mapping.get(f.key, ""),
                error_messages={"invalid_choice": f"Choose a column of the file, or “{NOT_READ}”"},
            )
        self.helper = _helper(
            Fieldset(
                *[Field.select(field_name(f.key)) for f in generic.FIELDS],
                legend="Which column of the file holds each part of an incident",
                legend_size=Size.SMALL,
            )
        )

    def clean(self):
        data = super().clean()
        mapping = self.mapping()
        problems = generic.mapping_check(mapping)
        for key, heading in mapping.items():
            repeated = self.headings.count(heading)
            if repeated > 1 and key not in problems:
                problems[key] = (
                    f"The file has {repeated} columns headed “{heading}”: rename them in the file "
                    "and upload it again, or choose another column"
                )
        for key, problem in problems.items():
            if key in generic.FIELD_KEYS and field_name(key) not in self.errors:
                self.add_error(field_name(key), problem)
        return data

    def mapping(self) -> dict[str, str]:
        return {
            f.key: self.cleaned_data[field_name(f.key)]
            for f in generic.FIELDS
            if self.cleaned_data.get(field_name(f.key))
        }
