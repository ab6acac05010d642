"""Forms for scheduling meetings, their settings, the agenda and papers (GOV.UK markup via
crispy-forms-gds). The forms only parse and check input; the views hand it to services."""

import datetime as dt

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Layout, Size, Submit
from django import forms
from django.utils import timezone

from tandem.meetings.models import AgendaItem, MeetingSeries, Paper
from tandem.meetings.selectors import presenter_choices
from tandem.partnership.forms import DateField, GovukMessages
from tandem.partnership.models import Group, Organisation

TIME_FORMATS = ["%H:%M", "%H.%M", "%H%M", "%H"]


class TimeField(forms.TimeField):
    """A 24-hour time typed as 18:00 (or 18.00, 1800)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", TIME_FORMATS)
        kwargs.setdefault("widget", forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input"}))
        kwargs.setdefault("help_text", "Use the 24-hour clock, for example 18:00")
        kwargs.setdefault(
            "error_messages", {"invalid": "Enter a time on the 24-hour clock, for example 18:00"}
        )
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "numeric", "autocomplete": "off"}


def _narrow(name: str, width: int) -> Field:
    """A narrow text input (times, counts) that keeps the GOV.UK input class whatever its widget."""
    return Field(name, css_class=f"govuk-input govuk-input--width-{width}")


def _helper(*fields, submit: str, extra=()) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the page's own <form> carries the token
    helper.layout = Layout(*fields, Submit("submit", submit), *extra)
    return helper


def _venue_fieldset() -> Fieldset:
    return Fieldset(
        Field.text("venue_name"),
        Field.textarea("venue_address", rows=3),
        Field.textarea("venue_access_notes", rows=3),
        Field.text("online_link"),
        legend="Where",
        legend_size=Size.MEDIUM,
    )


class MeetingForm(GovukMessages, forms.Form):
    """One meeting: its day, start and end times, venue and whether the public may attend."""

    title = forms.CharField(
        label="Title (optional)",
        required=False,
        max_length=200,
        help_text="Leave blank to use the group's name",
    )
    date = DateField(label="Date", help_text="For example, 9 12 2025")
    start_time = TimeField(label="Start time")
    end_time = TimeField(label="End time")
    venue_name = forms.CharField(label="Venue", required=False, max_length=200)
    venue_address = forms.CharField(label="Venue address", required=False, widget=forms.Textarea)
    venue_access_notes = forms.CharField(
        label="Access notes",
        required=False,
        widget=forms.Textarea,
        help_text="Step-free access, hearing loop, parking, public transport",
    )
    online_link = forms.URLField(
        label="Link to join online (optional)", required=False, max_length=200, assume_scheme="https"
    )
    is_public = forms.BooleanField(label="Members of the public may attend", required=False)

    def __init__(self, *args, submit: str = "Schedule the meeting", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].required = True
        self.fields["date"].error_messages["required"] = "Enter the date of the meeting"
        self.fields["online_link"].widget.attrs["class"] = "govuk-input"
        self.helper = _helper(
            Field.text("title"),
            Field("date"),
            _narrow("start_time", 5),
            _narrow("end_time", 5),
            _venue_fieldset(),
            Field.checkbox("is_public"),
            submit=submit,
        )

    @classmethod
    def initial_for(cls, meeting) -> dict:
        start, end = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
        return {
            "title": meeting.title,
            "date": start.date(),
            "start_time": start.time(),
            "end_time": end.time(),
            "venue_name": meeting.venue_name,
            "venue_address": meeting.venue_address,
            "venue_access_notes": meeting.venue_access_notes,
            "online_link": meeting.online_link,
            "is_public": meeting.is_public,
        }

    @classmethod
    def initial_for_group(cls, group: Group) -> dict:
        start = group.type.meeting_start_time or dt.time(18, 0)
        end = (
            dt.datetime.combine(dt.date(2000, 1, 1), start)
            + dt.timedelta(minutes=group.type.meeting_duration_minutes)
        ).time()
        return {
            "start_time": start,
            "end_time": end,
            "venue_name": group.venue_name,
            "venue_address": group.venue_address,
            "venue_access_notes": group.venue_access_notes,
            "is_public": group.is_public and group.type.public_may_attend,
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", "The end time must be after the start time")
        return data

    def meeting_data(self) -> dict:
        """Cleaned data in the services' terms: aware ``starts_at`` and ``ends_at``."""
        data = dict(self.cleaned_data)
        day = data.pop("date")
        data["starts_at"] = timezone.make_aware(dt.datetime.combine(day, data.pop("start_time")))
        data["ends_at"] = timezone.make_aware(dt.datetime.combine(day, data.pop("end_time")))
        return data


WEEK_CHOICES = [("1", "First"), ("2", "Second"), ("3", "Third"), ("4", "Fourth"), ("-1", "Last")]


class SeriesForm(GovukMessages, forms.Form):
    """A repeating pattern: "second Tuesday of each month, 18:00 to 20:00", from a date."""

    frequency = forms.ChoiceField(
        label="How often", choices=MeetingSeries.Frequency.choices, widget=forms.RadioSelect
    )
    week_of_month = forms.TypedChoiceField(
        label="Which week of the month",
        choices=[("", "Not needed: it meets weekly or fortnightly"), *WEEK_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
        help_text="For monthly, two-monthly and quarterly meetings",
    )
    weekday = forms.TypedChoiceField(
        label="Day of the week", choices=MeetingSeries.Weekday.choices, coerce=int
    )
    start_time = TimeField(label="Start time")
    end_time = TimeField(label="End time")
    starts_on = DateField(label="First date to consider", help_text="For example, 1 1 2026")
    ends_on = DateField(
        label="Last date (optional)", required=False, help_text="Leave blank to schedule 12 months ahead"
    )
    count = forms.IntegerField(
        label="Number of meetings (optional)",
        required=False,
        min_value=1,
        max_value=104,
        help_text="Stop after this many meetings",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_on"].required = True
        self.fields["starts_on"].error_messages["required"] = "Enter the first date to consider"
        self.fields["frequency"].error_messages["required"] = "Select how often the group meets"
        self.fields["weekday"].error_messages["required"] = "Select the day of the week"
        self.helper = _helper(
            Field.radios("frequency", legend_size=Size.SMALL),
            Field.select("week_of_month"),
            Field.select("weekday"),
            _narrow("start_time", 5),
            _narrow("end_time", 5),
            Field("starts_on"),
            Field("ends_on"),
            _narrow("count", 3),
            submit="Schedule the meetings",
            extra=[Button.secondary("preview", "Preview the dates")],
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", "The end time must be after the start time")
        frequency = data.get("frequency")
        if frequency in ("monthly", "bimonthly", "quarterly") and data.get("week_of_month") is None:
            self.add_error("week_of_month", "Select which week of the month")
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", "The last date must be on or after the first date")
        return data

    def series_data(self) -> dict:
        data = dict(self.cleaned_data)
        start, end = data.pop("start_time"), data.pop("end_time")
        day = dt.date(2000, 1, 1)
        data["start_time"] = start
        data["duration_minutes"] = int(
            (dt.datetime.combine(day, end) - dt.datetime.combine(day, start)).total_seconds() // 60
        )
        if data["frequency"] not in ("monthly", "bimonthly", "quarterly"):
            data["week_of_month"] = None
        return data


class SettingsForm(GovukMessages, forms.Form):
    circulation_clear_days = forms.IntegerField(
        label="Clear days' notice for the agenda",
        min_value=0,
        max_value=60,
        help_text="Whole days between sending the agenda and the meeting, not counting either day. "
        "For example, 5",
    )
    quorum = forms.IntegerField(
        label="Quorum",
        min_value=1,
        max_value=500,
        help_text="How many members must be present to take decisions",
    )
    standing_items = forms.MultipleChoiceField(
        label="Standing items every new agenda starts with",
        choices=AgendaItem.Standing.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            _narrow("circulation_clear_days", 3),
            _narrow("quorum", 3),
            Field.checkboxes("standing_items", legend_size=Size.SMALL),
            submit="Save settings",
        )


class CancelForm(GovukMessages, forms.Form):
    cancellation_reason = forms.CharField(
        label="Reason for cancelling",
        max_length=2000,
        widget=forms.Textarea,
        help_text="Members will see this, and so will the public for a public meeting",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cancellation_reason"].error_messages["required"] = (
            "Enter the reason for cancelling the meeting"
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Field.textarea("cancellation_reason", rows=4), Button.warning("submit", "Cancel the meeting")
        )


class AgendaItemForm(GovukMessages, forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = [
            "title",
            "description",
            "presenter",
            "presenter_organisation",
            "minutes_allowed",
            "is_confidential",
        ]
        labels = {
            "title": "Title",
            "description": "Description (optional)",
            "presenter": "Presented by (optional)",
            "presenter_organisation": "On behalf of (optional)",
            "minutes_allowed": "Time allowed in minutes (optional)",
            "is_confidential": "Confidential: personal data about individuals, kept off public pages",
        }
        help_texts = {
            "is_confidential": "Only members of the group and partnership officers will see this item"
        }

    def __init__(self, *args, group: Group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presenter"].queryset = presenter_choices(group)
        self.fields["presenter"].empty_label = "No one in particular"
        self.fields["presenter_organisation"].queryset = Organisation.objects.order_by("name")
        self.fields["presenter_organisation"].empty_label = "No organisation"
        self.fields["minutes_allowed"].max_value = 600
        self.fields["minutes_allowed"].widget.attrs["max"] = 600
        self.helper = _helper(
            Field.text("title"),
            Field.textarea("description", rows=4),
            Field.select("presenter"),
            Field.select("presenter_organisation"),
            _narrow("minutes_allowed", 3),
            Field.checkbox("is_confidential"),
            submit="Save item",
        )


class PaperForm(GovukMessages, forms.Form):
    title = forms.CharField(
        label="Title (optional)",
        required=False,
        max_length=300,
        help_text="Leave blank to use the file's name",
    )
    file = forms.FileField(
        label="File",
        max_length=200,
        help_text=f"A PDF, Word, Excel, OpenDocument, CSV, text, PNG or JPEG file, smaller than "
        f"{Paper.MAX_BYTES // (1024 * 1024)} MB",
        error_messages={"required": "Select a file", "empty": "The selected file is empty"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].error_messages["required"] = "Select a file"
        self.fields["file"].widget.attrs["accept"] = ",".join(Paper.ALLOWED_TYPES)
        self.helper = _helper(Field.text("title"), Field("file"), submit="Upload paper")
