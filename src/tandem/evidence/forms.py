"""Forms of the evidence pages: uploading police.uk files, and choosing what the dashboard shows.

The forms parse and check input; the services and selectors do the work.
"""

import datetime as dt
import io
import zipfile
from pathlib import Path

import shapely
import shapely.geometry
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Layout, Size
from django import forms
from django.conf import settings

from tandem.partnership.forms import DateField, GovukMessages

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


class BeforeAfterForm(GovukMessages, forms.Form):
    """What a before/after comparison compares (GET): the date, the months either side, the crime
    types, the place (the whole area or a circle round a point) and the comparison area."""

    PLACE_AREA, PLACE_CIRCLE = "area", "circle"

    change_date = DateField(
        label="Date of the change",
        help_text="When the action started or the response began, for example 1 6 2022",
    )
    months = forms.TypedChoiceField(
        label="Months either side",
        coerce=int,
        initial=6,
        choices=[(n, f"{n} months") for n in (3, 4, 6, 9, 12)],
        help_text="The same number of months before and after are compared",
    )
    crime_type = forms.MultipleChoiceField(
        label="Crime types", required=False, widget=forms.CheckboxSelectMultiple
    )
    place = forms.ChoiceField(
        label="Where",
        initial=PLACE_AREA,
        widget=forms.RadioSelect,
        choices=[(PLACE_AREA, "The whole area"), (PLACE_CIRCLE, "A circle round a point")],
    )
    latitude = forms.FloatField(label="Latitude", required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(label="Longitude", required=False, min_value=-180, max_value=180)
    radius = forms.TypedChoiceField(label="Radius", coerce=int, required=False, empty_value=None)
    comparison = forms.ModelChoiceField(
        label="Compare with",
        queryset=None,
        required=False,
        empty_label="The rest of the district",
        to_field_name="slug",
        help_text="Another area to compare with: the rest of it if it holds the place, otherwise all of it",
    )

    def __init__(
        self, *args, area, district, crime_types: list[str], comparison_areas, radius_choices, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.area = area
        self.district = district
        self.fields["crime_type"].choices = [(name, name) for name in crime_types]
        self.fields["crime_type"].help_text = "Leave them all unticked to count every type"
        self.fields["radius"].choices = [(metres, f"{metres:,} metres") for metres in radius_choices]
        self.fields["radius"].initial = 500
        self.fields["comparison"].queryset = comparison_areas
        self.fields["comparison"].empty_label = f"The rest of {district.name}"
        self.fields["latitude"].widget.attrs.update({"inputmode": "decimal", "step": "any"})
        self.fields["longitude"].widget.attrs.update({"inputmode": "decimal", "step": "any"})
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Field("change_date"),
            Field("months"),
            Field.checkboxes("crime_type", small=True, legend_size=Size.SMALL),
            Field.radios("place", inline=True, legend_size=Size.SMALL),
            Fieldset(
                HTML.p("Only when the place is a circle: its hexagons are counted within the district."),
                HTML('{% include "web/_pin_picker.html" %}'),
                Field("latitude", css_class="govuk-input--width-10"),
                Field("longitude", css_class="govuk-input--width-10"),
                Field("radius"),
                legend="The circle",
                legend_size=Size.MEDIUM,
            ),
            Field("comparison"),
            HTML('<button type="submit" class="govuk-button" data-module="govuk-button">Compare</button>'),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("place") == self.PLACE_CIRCLE:
            if cleaned.get("latitude") is None and "latitude" not in self.errors:
                self.add_error(
                    "latitude", "Enter the latitude of the centre of the circle, or put a pin on the map"
                )
            if cleaned.get("longitude") is None and "longitude" not in self.errors:
                self.add_error(
                    "longitude", "Enter the longitude of the centre of the circle, or put a pin on the map"
                )
            if not cleaned.get("radius") and "radius" not in self.errors:
                self.add_error("radius", "Select the radius of the circle")
            latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
            outside = (
                latitude is not None
                and longitude is not None
                and self.district.boundary
                and not shapely.geometry.shape(self.district.boundary).covers(
                    shapely.Point(longitude, latitude)
                )
            )
            if outside:
                self.add_error("latitude", f"Put the centre of the circle inside {self.district.name}")
        elif cleaned.get("comparison") == self.area:
            self.add_error(
                "comparison",
                f"Choose an area other than {self.area.name} itself to compare the whole of it with",
            )
        return cleaned
