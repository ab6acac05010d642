"""Forms for the neighbourhood pages, events, updates, subscriptions and newsletters (GOV.UK
markup via crispy-forms-gds). They parse and check; the views hand the data to services."""

import datetime as dt

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Layout, Size, Submit
from django import forms
from django.utils import timezone

from tandem.meetings.forms import WEEK_CHOICES, TimeField
from tandem.partnership.forms import DateField, GovukMessages

from .models import Event, EventSeries, Update

MAX_QUERY = 100


def _helper(*fields, submit: str, extra=()) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the page's own <form> carries the token
    helper.layout = Layout(*fields, Submit("submit", submit), *extra)
    return helper


class FinderForm(forms.Form):
    """The finder's query string: a typed place, or a point clicked on the map."""

    q = forms.CharField(label="Place or area name", max_length=MAX_QUERY, required=False)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90)
    lng = forms.FloatField(required=False, min_value=-180, max_value=180)

    def clean(self):
        data = super().clean()
        if (data.get("lat") is None) != (data.get("lng") is None):
            raise forms.ValidationError("Give both the latitude and the longitude of the point")
        return data


class SubscribeForm(GovukMessages, forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We will email you a link to confirm. We send nothing else until you do.",
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "spellcheck": "false"})
        self.helper = _helper(Field.text("email"), submit="Subscribe")


class EventForm(GovukMessages, forms.Form):
    """One event; or, with "repeats", a series of them up to a last date."""

    title = forms.CharField(label="Title", max_length=200)
    kind = forms.ChoiceField(label="Kind of event", choices=Event.Kind.choices, widget=forms.RadioSelect)
    date = DateField(label="Date", help_text="For a repeating event, the first date. For example, 9 12 2026")
    start_time = TimeField(label="Start time")
    end_time = TimeField(label="End time")
    venue_name = forms.CharField(label="Place", max_length=200, help_text="For example, Oakfield Library")
    venue_address = forms.CharField(label="Address (optional)", required=False, widget=forms.Textarea)
    hosts = forms.CharField(
        label="Who will be there (optional)",
        max_length=300,
        required=False,
        help_text="For example, PCSO Jo Smith and Councillor Sam Patel",
    )
    description = forms.CharField(label="Description (optional)", required=False, widget=forms.Textarea)
    accessibility_notes = forms.CharField(
        label="Accessibility (optional)",
        required=False,
        widget=forms.Textarea,
        help_text="Step-free access, hearing loop, seating, parking, public transport",
    )
    repeats = forms.ChoiceField(
        label="Does it repeat?",
        choices=[("", "No, it happens once"), *EventSeries.Frequency.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    week_of_month = forms.TypedChoiceField(
        label="Which week of the month",
        choices=[("", "Not needed"), *WEEK_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
        help_text="For an event every month: for example, the first Saturday",
    )
    ends_on = DateField(label="Last date", required=False, help_text="For a repeating event")

    def __init__(self, *args, series: bool = True, submit: str = "Publish the event", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].required = True
        self.fields["date"].error_messages["required"] = "Enter the date of the event"
        self.fields["kind"].error_messages["required"] = "Select the kind of event"
        layout = [
            Field.text("title"),
            Field.radios("kind", legend_size=Size.SMALL),
            Field("date"),
            Field("start_time", css_class="govuk-input govuk-input--width-5"),
            Field("end_time", css_class="govuk-input govuk-input--width-5"),
            Fieldset(
                Field.text("venue_name"),
                Field.textarea("venue_address", rows=3),
                Field.textarea("accessibility_notes", rows=3),
                legend="Where",
                legend_size=Size.MEDIUM,
            ),
            Field.text("hosts"),
            Field.textarea("description", rows=4),
        ]
        if series:
            layout.append(
                Fieldset(
                    Field.radios("repeats", legend_size=Size.SMALL),
                    Field.select("week_of_month"),
                    Field("ends_on"),
                    legend="Repeating events (beat surgeries)",
                    legend_size=Size.MEDIUM,
                )
            )
        else:
            for name in ("repeats", "week_of_month", "ends_on"):
                del self.fields[name]
        self.helper = _helper(*layout, submit=submit)

    @classmethod
    def initial_for(cls, event: Event) -> dict:
        start, end = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
        return {
            "title": event.title,
            "kind": event.kind,
            "date": start.date(),
            "start_time": start.time(),
            "end_time": end.time(),
            "venue_name": event.venue_name,
            "venue_address": event.venue_address,
            "hosts": event.hosts,
            "description": event.description,
            "accessibility_notes": event.accessibility_notes,
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", "The end time must be after the start time")
        repeats = data.get("repeats")
        if repeats:
            if not data.get("ends_on"):
                self.add_error("ends_on", "Enter the last date of the repeating event")
            elif data.get("date") and data["ends_on"] < data["date"]:
                self.add_error("ends_on", "The last date must be on or after the first date")
            elif data.get("date") and data["ends_on"] > data["date"] + dt.timedelta(days=731):
                self.add_error("ends_on", "A repeating event can run for up to two years")
            if repeats == EventSeries.Frequency.MONTHLY and data.get("week_of_month") is None:
                self.add_error("week_of_month", "Select which week of the month")
        return data

    def details(self) -> dict:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "title",
                "kind",
                "venue_name",
                "venue_address",
                "hosts",
                "description",
                "accessibility_notes",
            )
        }

    def event_data(self) -> dict:
        data = self.cleaned_data
        day = data["date"]
        return {
            **self.details(),
            "starts_at": timezone.make_aware(dt.datetime.combine(day, data["start_time"])),
            "ends_at": timezone.make_aware(dt.datetime.combine(day, data["end_time"])),
        }

    def series_data(self) -> dict:
        data = self.cleaned_data
        return {
            **self.details(),
            "frequency": data["repeats"],
            "weekday": data["date"].weekday(),
            "week_of_month": data.get("week_of_month"),
            "starts_on": data["date"],
            "ends_on": data["ends_on"],
            "start_time": data["start_time"],
            "end_time": data["end_time"],
        }


class EventCancelForm(GovukMessages, forms.Form):
    cancellation_reason = forms.CharField(
        label="Reason for cancelling (optional)",
        max_length=2000,
        required=False,
        widget=forms.Textarea,
        help_text="Residents will see this on the event page and in their calendars",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Field.textarea("cancellation_reason", rows=3), Button.warning("submit", "Cancel this event")
        )


class UpdateForm(GovukMessages, forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    you_said = forms.CharField(
        label="You said", widget=forms.Textarea, max_length=5000, help_text="What residents told the group"
    )
    we_did = forms.CharField(
        label="We did", widget=forms.Textarea, max_length=5000, help_text="What was done, and what changed"
    )
    source = forms.CharField(required=False, widget=forms.HiddenInput, max_length=40)
    publish = forms.BooleanField(label="Publish it now on the neighbourhood page", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("title"),
            Field.textarea("you_said", rows=5),
            Field.textarea("we_did", rows=6),
            Field("source"),
            Field.checkbox("publish"),
            submit="Save the update",
        )


class NewsletterForm(GovukMessages, forms.Form):
    title = forms.CharField(
        label="Title", max_length=200, help_text="For example, Oakfield news, winter 2026"
    )
    introduction = forms.CharField(label="Introduction (optional)", required=False, widget=forms.Textarea)
    updates = forms.ModelMultipleChoiceField(
        label="Updates to include",
        queryset=Update.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one update",
            "invalid_choice": "Select updates from the list",
            "invalid_pk_value": "Select updates from the list",
        },
    )

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["updates"].queryset = Update.objects.filter(
            group=group, status=Update.Status.PUBLISHED
        ).order_by("-published_at", "-pk")
        self.fields["updates"].error_messages["required"] = "Select at least one update"
        self.helper = _helper(
            Field.text("title"),
            Field.textarea("introduction", rows=4),
            Field.checkboxes("updates", legend_size=Size.SMALL),
            submit="Save and preview",
        )


__all__ = [
    "EventCancelForm",
    "EventForm",
    "FinderForm",
    "NewsletterForm",
    "SubscribeForm",
    "UpdateForm",
]
