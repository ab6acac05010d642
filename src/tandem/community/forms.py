"""Forms for residents' reports: the report form, "me too", "is it fixed?", moderation,
public updates, routing rules and flagged words. Forms parse and check; services decide."""

import math

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError

from tandem.partnership.forms import GovukMessages
from tandem.partnership.models import Group
from tandem.places.models import Area
from tandem.problems.models import Category

from . import photos
from .models import Report, ReportFeedback, ReportUpdate

PIN_PICKER = HTML('{% include "problems/form.html#pin-picker" %}')
HONEYPOT = HTML(
    '<div class="tandem-honeypot" aria-hidden="true">'
    '<label for="id_website">Leave this empty</label>'
    '<input type="text" name="website" id="id_website" tabindex="-1" autocomplete="off" value="">'
    "</div>"
)


def _helper(*fields, submit: str) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the page's own <form> carries the token
    helper.layout = Layout(*fields, Submit("submit", submit))
    return helper


def _coordinate(limit: int, name: str):
    def clean(value):
        if value is None:
            return None
        if not math.isfinite(value) or abs(value) > limit:
            raise ValidationError(f"Enter a {name} between -{limit} and {limit}")
        return value

    return clean


class ReportForm(GovukMessages, forms.Form):
    category = forms.ModelChoiceField(label="What kind of problem is it?", queryset=Category.objects.none())
    description = forms.CharField(
        label="Describe the problem",
        max_length=Report.MAX_DESCRIPTION,
        widget=forms.Textarea,
        help_text="What happens, when, and how it affects you. Do not name people.",
    )
    location_text = forms.CharField(
        label="Street or landmark",
        required=False,
        max_length=300,
        help_text='For example "the alley behind Mill Lane" or "outside the Co-op on High Street".',
    )
    area = forms.ModelChoiceField(
        label="Neighbourhood",
        required=False,
        queryset=Area.objects.none(),
        to_field_name="slug",
        help_text="If you know it. Not needed if you put a pin on the map.",
    )
    latitude = forms.FloatField(
        label="Latitude",
        required=False,
        validators=[_coordinate(90, "latitude")],
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
        help_text="For example 53.7256. Leave empty if you typed the place above.",
    )
    longitude = forms.FloatField(
        label="Longitude",
        required=False,
        validators=[_coordinate(180, "longitude")],
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
        help_text="For example -1.3550",
    )
    photo = forms.FileField(
        label="Photo (optional)",
        required=False,
        help_text=f"A JPEG, PNG or WebP image up to {photos.MAX_BYTES // (1024 * 1024)} MB. We remove its "
        "location and other hidden details before keeping it. Do not photograph people's faces.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    name = forms.CharField(label="Your name (optional)", required=False, max_length=150)
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        max_length=254,
        help_text="We send you the private link and ask you later whether it is fixed.",
    )
    phone = forms.CharField(label="Telephone (optional)", required=False, max_length=40)
    anonymous = forms.BooleanField(
        label="Keep me anonymous: do not tell the group my name or contact details",
        required=False,
    )

    def __init__(self, *args, problem=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.problem = problem
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.fields["category"].empty_label = "Choose a category"
        self.fields["category"].error_messages["required"] = "Select what kind of problem it is"
        self.fields["description"].error_messages["required"] = "Describe the problem"
        self.fields["area"].queryset = (
            Area.objects.defer("boundary").exclude(kind=Area.Kind.DISTRICT).order_by("name")
        )
        self.fields["area"].empty_label = "I do not know"
        self.fields["email"].error_messages["invalid"] = "Enter an email address like name@example.org"
        where = [
            PIN_PICKER,
            Field.text("latitude", field_width=10),
            Field.text("longitude", field_width=10),
            Field.text("location_text"),
            Field.select("area"),
        ]
        if problem is not None:
            del self.fields["category"]
            where = []
        self.helper = _helper(
            *([] if problem is not None else [Field.select("category")]),
            Field.textarea("description", rows=5, max_characters=Report.MAX_DESCRIPTION),
            *(
                [
                    Fieldset(
                        HTML(
                            '<p class="govuk-body">Put a pin on the map, or type the street or landmark.</p>'
                        ),
                        *where,
                        legend="Where is it?",
                        legend_size=Size.MEDIUM,
                    )
                ]
                if where
                else []
            ),
            Field("photo"),
            Fieldset(
                HTML(
                    '<p class="govuk-body">All optional. We never publish your details. '
                    "Give an email address to be told what happens.</p>"
                ),
                Field.text("name"),
                Field.text("email", field_width=20),
                Field.text("phone", field_width=20),
                Field.checkbox("anonymous"),
                legend="About you",
                legend_size=Size.MEDIUM,
            ),
            HONEYPOT,
            submit="Send report",
        )

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and photo.size > photos.MAX_BYTES:
            raise ValidationError(f"The photo must be smaller than {photos.MAX_BYTES // (1024 * 1024)} MB")
        return photo

    def clean(self):
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None) and not self.errors.get(
            "latitude"
        ):
            self.add_error("latitude", "Give both latitude and longitude, or leave both empty")
        if (
            self.problem is None
            and data.get("latitude") is None
            and not data.get("location_text")
            and not data.get("area")
            and not self.errors
        ):
            self.add_error(
                "location_text", "Say where the problem is: put a pin on the map, or type the place"
            )
        return data


class SupportForm(GovukMessages, forms.Form):
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        max_length=254,
        help_text="So we count you once. Without it, a cookie on this device does that.",
    )

    def __init__(self, *args, signed_in: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        fields = [] if signed_in else [Field.text("email", field_width=20)]
        if signed_in:
            del self.fields["email"]
        self.helper = _helper(*fields, submit="Me too: this affects me")


class FeedbackForm(GovukMessages, forms.Form):
    fixed = forms.ChoiceField(
        label="Is it fixed?", choices=ReportFeedback.Fixed.choices, widget=forms.RadioSelect
    )
    feeling = forms.TypedChoiceField(
        label="How do you feel about it now, compared with before?",
        choices=[(str(v), label) for v, label in ReportFeedback.Feeling.choices],
        coerce=int,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fixed"].error_messages["required"] = "Select whether it is fixed"
        self.fields["feeling"].error_messages["required"] = "Select how you feel about it now"
        self.helper = _helper(
            Field.radios("fixed", legend_size=Size.SMALL, inline=True),
            Field.radios("feeling", legend_size=Size.SMALL),
            submit="Send answer",
        )


class RejectForm(GovukMessages, forms.Form):
    reason = forms.CharField(
        label="Why is it rejected?",
        max_length=1000,
        widget=forms.Textarea,
        help_text="The resident sees this at their private link.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].error_messages["required"] = "Say why the report is rejected"
        self.helper = _helper(Field.textarea("reason", rows=3), submit="Reject report")


class UpdateForm(GovukMessages, forms.Form):
    text = forms.CharField(
        label="Public update",
        max_length=ReportUpdate.MAX_TEXT,
        widget=forms.Textarea,
        help_text="Everyone who reported it sees this at their private link.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].error_messages["required"] = "Write the update"
        self.helper = _helper(Field.textarea("text", rows=3), submit="Add update")


class RoutingRuleForm(GovukMessages, forms.Form):
    area = forms.ModelChoiceField(label="Area", required=False, queryset=Area.objects.none())
    category = forms.ModelChoiceField(label="Category", required=False, queryset=Category.objects.none())
    group = forms.ModelChoiceField(label="Group that receives the reports", queryset=Group.objects.none())

    def __init__(self, *args, partnership, area_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.defer("boundary").filter(pk__in=area_ids).order_by("name")
        self.fields["area"].empty_label = "Anywhere in the partnership (the fallback)"
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.fields["category"].empty_label = "Any category"
        self.fields["group"].queryset = Group.objects.filter(
            partnership=partnership, closed_on__isnull=True
        ).order_by("name")
        self.fields["group"].error_messages["required"] = "Select the group that receives the reports"
        self.helper = _helper(
            Field.select("area"), Field.select("category"), Field.select("group"), submit="Add rule"
        )


class FlaggedWordForm(GovukMessages, forms.Form):
    word = forms.CharField(
        label="Word or phrase",
        max_length=100,
        help_text="Reports containing it wait for a moderator before they reach a group.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["word"].error_messages["required"] = "Enter a word or phrase"
        self.helper = _helper(Field.text("word", field_width=20), submit="Add word")
