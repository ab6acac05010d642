"""Forms for importing an action plan: the upload, the column mapping, and the confirmation.

The forms only parse and check input; ``imports.py`` reads the file and does the work.
"""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size
from django import forms

from tandem.partnership.forms import GovukMessages

from . import imports

NOT_IMPORTED = "Do not import"


class ImportUploadForm(GovukMessages, forms.Form):
    file = forms.FileField(
        label="Spreadsheet file",
        max_length=255,
        help_text=(
            "An Excel spreadsheet (.xlsx) or CSV file, smaller than "
            f"{imports.MAX_BYTES // (1024 * 1024)} MB, with one action on each row"
        ),
        error_messages={"empty": "The selected file is empty"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].error_messages["required"] = "Select a file"
        self.fields["file"].widget.attrs["accept"] = (
            ".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(Field("file"))

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        name = uploaded.name or ""
        if not name.lower().endswith(imports.EXTENSIONS):
            raise forms.ValidationError(imports.TYPE_MESSAGE)
        if uploaded.size > imports.MAX_BYTES:
            raise forms.ValidationError(imports.SIZE_MESSAGE)
        return uploaded


def field_name(key: str) -> str:
    return f"column_{key}"


class MappingForm(forms.Form):
    """One select per Tandem field: which column of the file holds it."""

    def __init__(self, *args, headings: list[str], initial_mapping: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.headings = headings
        choices = [("", NOT_IMPORTED), *[(heading, heading) for heading in headings]]
        for f in imports.FIELDS:
            name = field_name(f.key)
            self.fields[name] = forms.ChoiceField(
                label=f"{f.label}{'' if f.required else ' (optional)'}",
                choices=choices,
                required=False,
                help_text=f.hint,
                initial=initial_mapping.get(f.key, ""),
                error_messages={"invalid_choice": "Choose a column of the file, or “Do not import”"},
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(
                *[Field.select(field_name(f.key)) for f in imports.FIELDS],
                legend="Which column of the file holds each part of an action",
                legend_size=Size.SMALL,
            )
        )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        mapping = self.mapping()
        for f in imports.FIELDS:
            if f.required and not mapping.get(f.key):
                self.add_error(field_name(f.key), f"Choose the column that holds “{f.label}”")
        chosen: dict[str, str] = {}
        for f in imports.FIELDS:
            heading = mapping.get(f.key)
            if not heading:
                continue
            if heading in chosen:
                self.add_error(
                    field_name(f.key),
                    f"The column “{heading}” is already chosen for “{chosen[heading]}”: choose it once",
                )
            else:
                chosen[heading] = f.label
        return data

    def mapping(self) -> dict[str, str]:
        return {
            f.key: self.cleaned_data.get(field_name(f.key), "")
            for f in imports.FIELDS
            if self.cleaned_data.get(field_name(f.key))
        }


class ConfirmForm(forms.Form):
    is_public = forms.BooleanField(
        label="Show the imported actions and their outcomes on the public site",
        required=False,
        help_text="Progress notes from the file are kept as internal notes either way.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(Field.checkbox("is_public"))
