"""Forms of the evidence pages: uploading police.uk files, and choosing what the dashboard shows.

The forms parse and check input; the services and selectors do the work.
"""

import datetime as dt
import io
import zipfile
from pathlib import Path

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout
from django import forms
from django.conf import settings

from tandem.partnership.forms import GovukMessages

from .importers.police_uk import FileRefused, file_kind


def upload_limit() -> int:
    return settings.EVIDENCE_UPLOAD_MAX_BYTES


def upload_limit_text() -> str:
    limit = upload_limit()
    return f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{max(1, limit // 1024)} KB"


class PoliceUploadForm(GovukMessages, forms.Form):
    file = forms.FileField(
        label="police.uk file",
        max_length=255,
        error_messages={"empty": "The selected file is empty"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["file"]
        field.error_messages["required"] = "Select a file"
        field.help_text = (
            "A street-level crime or outcomes CSV file as police.uk publishes it, or a monthly .zip "
            f"archive of them, smaller than {upload_limit_text()}"
        )
        field.widget.attrs["accept"] = ".csv,.zip,text/csv,application/zip"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(Field("file"))

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        suffix = Path(uploaded.name).suffix.lower()
        if suffix not in (".csv", ".zip"):
            raise forms.ValidationError("The selected file must be a .csv file or a .zip archive")
        if uploaded.size > upload_limit():
            raise forms.ValidationError(f"The selected file must be smaller than {upload_limit_text()}")
        head = uploaded.read(1 << 16)
        uploaded.seek(0)
        if suffix == ".zip":
            if not head.startswith(b"PK\x03\x04"):
                raise forms.ValidationError("The selected file is not a .zip archive")
            try:
                with zipfile.ZipFile(uploaded) as archive:
                    names = archive.namelist()
            except zipfile.BadZipFile:
                raise forms.ValidationError("The selected .zip archive cannot be opened") from None
            finally:
                uploaded.seek(0)
            if not any(name.lower().endswith(("-street.csv", "-outcomes.csv")) for name in names):
                raise forms.ValidationError(
                    "The archive holds no police.uk street or outcomes files (…-street.csv, …-outcomes.csv)"
                )
        else:
            try:
                file_kind(io.BytesIO(head))
            except FileRefused as refused:
                raise forms.ValidationError(str(refused).removeprefix("Line 1: ")) from None
        return uploaded


class DashboardForm(forms.Form):
    """The months and crime types a dashboard shows (GET; every field optional)."""

    start = forms.TypedChoiceField(label="From", required=False, coerce=dt.date.fromisoformat)
    end = forms.TypedChoiceField(label="To", required=False, coerce=dt.date.fromisoformat)
    crime_type = forms.MultipleChoiceField(label="Crime types", required=False)

    def __init__(self, *args, months: list[dt.date], crime_types: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(month.isoformat(), f"{month:%B %Y}") for month in months]
        self.fields["start"].choices = choices
        self.fields["end"].choices = choices
        self.fields["crime_type"].choices = [(name, name) for name in crime_types]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", "The last month must be the same as or after the first month")
        return cleaned
