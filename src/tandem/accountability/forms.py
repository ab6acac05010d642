"""Forms for ASB Case Reviews: the public application, the officers' application taken by
telephone, the complaints (a formset: several on one page, no JavaScript), the threshold
decision, status changes, the review and the settings. Forms parse and check; services decide."""

import datetime as dt

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from tandem.actionplans.forms import lead_organisations
from tandem.partnership.forms import DateField, GovukMessages
from tandem.partnership.models import Group, Organisation, Partnership, Person
from tandem.places.models import Area
from tandem.places.selectors import area_descendant_ids

from .models import Application, CaseReviewSettings
from .services import MAX_COMPLAINTS, TRANSITIONS

HONEYPOT = HTML(
    '<div class="tandem-honeypot" aria-hidden="true">'
    '<label for="id_website">Leave this empty</label>'
    '<input type="text" name="website" id="id_website" tabindex="-1" autocomplete="off" value="">'
    "</div>"
)
BLANK_COMPLAINTS = 3  # rows a new form offers; "Add another complaint" adds one more


def _helper(*fields, submit: str | None = None) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the page's own <form> carries the token
    helper.layout = Layout(*fields, *([Submit("submit", submit)] if submit else []))
    return helper


def covered_areas():
    """The areas a partnership covers: each partnership's own area and every area inside it."""
    ids: set[int] = set()
    for partnership in Partnership.objects.select_related("area").defer("area__boundary"):
        ids.add(partnership.area_id)
        ids.update(area_descendant_ids(partnership.area))
    return Area.objects.defer("boundary").filter(pk__in=ids).order_by("name")


class ApplicationForm(GovukMessages, forms.Form):
    """The application itself: who applies, for whom, where and what has been happening."""

    relationship = forms.ChoiceField(
        label="Who is applying?",
        choices=Application.Relationship.choices,
        initial="victim",
        widget=forms.RadioSelect,
    )
    applicant_name = forms.CharField(label="Your full name", max_length=150)
    applicant_email = forms.EmailField(
        label="Email address",
        required=False,
        max_length=254,
        help_text="We email your reference and tell you the decision. Give an email address, "
        "a telephone number or a postal address.",
    )
    applicant_phone = forms.CharField(label="Telephone", required=False, max_length=40)
    applicant_address = forms.CharField(
        label="Postal address", required=False, max_length=500, widget=forms.Textarea
    )
    victim_name = forms.CharField(
        label="The victim's full name",
        required=False,
        max_length=150,
        help_text="If you are applying for someone else.",
    )
    victim_contact = forms.CharField(
        label="The victim's address or telephone", required=False, max_length=300
    )
    consent = forms.BooleanField(
        label="The victim agrees to my applying for them and to the agencies sharing information about it",
        required=False,
    )
    area = forms.ModelChoiceField(label="Neighbourhood", queryset=Area.objects.none())
    location_text = forms.CharField(
        label="Street or place (optional)",
        required=False,
        max_length=300,
        help_text='For example "the flats on Mill Lane".',
    )
    summary = forms.CharField(
        label="What has been happening",
        max_length=Application.MAX_TEXT,
        widget=forms.Textarea,
        help_text="The anti-social behaviour, how often, and how it affects you or the victim.",
    )

    def __init__(self, *args, officer: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.officer = officer
        self.fields["area"].queryset = covered_areas()
        self.fields["area"].empty_label = "Choose the neighbourhood"
        self.fields["applicant_email"].error_messages["invalid"] = (
            "Enter an email address like name@example.org"
        )
        if officer:
            self.fields["applicant_name"].label = "Applicant's full name"
            self.fields["relationship"].label = "Who is the applicant?"
            self.fields["relationship"].choices = [
                ("victim", "The victim"),
                *[c for c in Application.Relationship.choices if c[0] != "victim"],
            ]
            self.fields["via"] = forms.ChoiceField(
                label="How the application came in",
                choices=[c for c in Application.Via.choices if c[0] != Application.Via.WEB],
                initial=Application.Via.PHONE,
                widget=forms.RadioSelect,
            )
            self.fields["received_on"] = DateField(
                label="Date received", required=False, help_text="Leave blank for today"
            )
        layout = [
            *(
                [Field.radios("via", legend_size=Size.SMALL, inline=True), Field("received_on")]
                if officer
                else []
            ),
            Fieldset(
                Field.radios("relationship", legend_size=Size.SMALL),
                Field.text("applicant_name"),
                Field.text("applicant_email", field_width=20),
                Field.text("applicant_phone", field_width=20),
                Field.textarea("applicant_address", rows=3),
                legend="The applicant",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                HTML('<p class="govuk-body">Only if the application is made on the victim\'s behalf.</p>'),
                Field.text("victim_name"),
                Field.text("victim_contact"),
                Field.checkbox("consent"),
                legend="The victim, if someone else applies",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.select("area"),
                Field.text("location_text"),
                Field.textarea("summary", rows=6, max_characters=Application.MAX_TEXT),
                legend="Where and what",
                legend_size=Size.MEDIUM,
            ),
        ]
        self.helper = _helper(*layout)

    def clean(self):
        data = super().clean()
        if (
            not self.officer
            and not (
                data.get("applicant_email") or data.get("applicant_phone") or data.get("applicant_address")
            )
            and "applicant_email" not in self.errors
        ):
            self.add_error("applicant_email", "Give an email address, a telephone number or a postal address")
        if data.get("relationship") and data["relationship"] != Application.Relationship.VICTIM:
            if not (data.get("victim_name") or "").strip():
                self.add_error("victim_name", "Enter the victim's name")
            if not data.get("consent"):
                self.add_error("consent", "Confirm that the victim agrees to the application")
        received = data.get("received_on")
        if received and received > timezone.localdate():
            self.add_error("received_on", "The date received cannot be in the future")
        return data

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        if not self.officer:
            data["via"] = Application.Via.WEB
            data["received_on"] = None
        return data


class ComplaintForm(GovukMessages, forms.Form):
    """One complaint about one incident."""

    incident_on = DateField(label="Date of the incident", help_text="For example, 27 3 2026")
    reported_on = DateField(label="Date it was reported", help_text="For example, 28 3 2026")
    reported_to = forms.CharField(
        label="Reported to", max_length=200, help_text="For example: the police, the council, your landlord."
    )
    reference = forms.CharField(label="Reference number (optional)", required=False, max_length=100)
    hate_motivated = forms.BooleanField(
        label="The incident was motivated by hate (for example because of race, religion, "
        "disability, sexual orientation or gender identity)",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field("incident_on"),
            Field("reported_on"),
            Field.text("reported_to", field_width=20),
            Field.text("reference", field_width=10),
            Field.checkbox("hate_motivated"),
        )

    def clean(self):
        data = super().clean()
        incident, reported = data.get("incident_on"), data.get("reported_on")
        today = timezone.localdate()
        if incident and incident > today:
            self.add_error("incident_on", "The date of the incident cannot be in the future")
        if reported and reported > today:
            self.add_error("reported_on", "The date reported cannot be in the future")
        elif incident and reported and reported < incident:
            self.add_error("reported_on", "The date reported cannot be before the date of the incident")
        return data


class BaseComplaintFormSet(forms.BaseFormSet):
    default_error_messages = {
        "too_many_forms": f"Give at most {MAX_COMPLAINTS} complaints",
        "missing_management_form": "The form was incomplete: start again from the application page",
    }

    def clean(self):
        if any(self.errors):
            return
        if not any(form.has_changed() and not self._should_delete_form(form) for form in self.forms):
            raise ValidationError("Give at least one complaint: when it happened and whom you told")

    def complaints(self) -> list[dict]:
        return [form.cleaned_data for form in self.forms if form.has_changed() and form.cleaned_data]


ComplaintFormSet = forms.formset_factory(
    ComplaintForm,
    formset=BaseComplaintFormSet,
    extra=BLANK_COMPLAINTS,
    max_num=MAX_COMPLAINTS,
    absolute_max=MAX_COMPLAINTS,
    validate_max=True,
)


def complaint_formset(data=None, *, add_row: bool = False, prefix: str = "complaints"):
    """The complaints formset; ``add_row`` (the "Add another complaint" button) offers one more blank."""
    if data is not None and add_row:
        data = data.copy()
        key = f"{prefix}-TOTAL_FORMS"
        try:
            total = int(data.get(key, BLANK_COMPLAINTS))
        except ValueError:
            total = BLANK_COMPLAINTS
        data[key] = str(min(total + 1, MAX_COMPLAINTS))
    return ComplaintFormSet(data, prefix=prefix)


class ComplaintAddForm(ComplaintForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout.append(Submit("submit", "Add complaint", css_class="govuk-button--secondary"))


class ThresholdDecisionForm(GovukMessages, forms.Form):
    met = forms.TypedChoiceField(
        label="Is the threshold met?",
        choices=[("yes", "Yes: hold a case review"), ("no", "No: the threshold is not met")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    decided_on = DateField(label="Date of the decision", required=False, help_text="Leave blank for today")
    reason = forms.CharField(
        label="Reason for the decision",
        max_length=Application.MAX_TEXT,
        widget=forms.Textarea,
        help_text="The applicant is told this in the outcome letter.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["met"].error_messages["required"] = "Select whether the threshold is met"
        self.helper = _helper(
            Field.radios("met", legend_size=Size.SMALL),
            Field("decided_on"),
            Field.textarea("reason", rows=4, max_characters=Application.MAX_TEXT),
            submit="Record the decision",
        )

    def clean_decided_on(self):
        return self.cleaned_data.get("decided_on") or timezone.localdate()


class StatusForm(GovukMessages, forms.Form):
    status = forms.ChoiceField(label="New status", choices=(), widget=forms.RadioSelect)
    reason = forms.CharField(label="Reason", max_length=Application.MAX_TEXT, widget=forms.Textarea)

    # The threshold decision, the review and the outcome have their own forms, which record more.
    MANUAL = {Application.Status.WITHDRAWN, Application.Status.CLOSED}

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = [s for s in TRANSITIONS.get(application.status, set()) if s in self.MANUAL]
        self.fields["status"].choices = [(s, Application.Status(s).label) for s in sorted(allowed)]
        self.helper = _helper(
            Field.radios("status", legend_size=Size.SMALL),
            Field.textarea("reason", rows=3),
            submit="Change the status",
        )


class SettingsForm(GovukMessages, forms.ModelForm):
    class Meta:
        model = CaseReviewSettings
        fields = [
            "complaints_needed",
            "window_months",
            "report_within_months",
            "hate_incident_suffices",
            "response_working_days",
            "escalation_body",
            "ccfa_response_days",
            "letter_template",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "letter_template"
        ].help_text = "Placeholders in braces are filled in, for example {reference}."
        self.helper = _helper(
            Fieldset(
                Field.text("complaints_needed", field_width=2),
                Field.text("window_months", field_width=2),
                Field.text("report_within_months", field_width=2),
                Field.checkbox("hate_incident_suffices"),
                legend="The threshold",
                legend_size=Size.MEDIUM,
            ),
            Field.text("response_working_days", field_width=2),
            Field.text("escalation_body"),
            Field.text("ccfa_response_days", field_width=3),
            Field.textarea("letter_template", rows=18),
            submit="Save settings",
        )


# --- The review ---------------------------------------------------------------------------------------


class ReviewForm(GovukMessages, forms.Form):
    panel = forms.ModelMultipleChoiceField(
        label="Agencies on the panel",
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    group = forms.ModelChoiceField(
        label="The panel's group",
        queryset=Group.objects.none(),
        required=False,
        help_text="Its meeting holds the review. A private group, for example a case panel.",
    )

    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        # Agencies represented in the partnership's groups: a recommendation's lead must be one.
        self.fields["panel"].queryset = lead_organisations(partnership)
        self.fields["panel"].error_messages["required"] = "Choose the agencies on the review panel"
        self.fields["group"].queryset = Group.objects.filter(partnership=partnership).order_by("name")
        self.fields["group"].empty_label = "None yet"
        self.helper = _helper(
            Field.checkboxes("panel", legend_size=Size.SMALL, small=True),
            Field.select("group"),
            submit="Save the panel",
        )


class MeetingForm(GovukMessages, forms.Form):
    date = DateField(label="Date of the review meeting", help_text="For example, 14 1 2027")
    time = forms.TimeField(
        label="Start time", help_text="For example, 14:00", input_formats=["%H:%M", "%H.%M"]
    )
    duration_minutes = forms.IntegerField(label="Length (minutes)", min_value=15, max_value=480, initial=90)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time"].error_messages["invalid"] = "Enter a time like 14:00"
        self.helper = _helper(
            Field("date"),
            Field.text("time", field_width=5),
            Field.text("duration_minutes", field_width=3),
            submit="Schedule the meeting",
        )

    def starts_at(self) -> dt.datetime:
        naive = dt.datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"])
        return timezone.make_aware(naive)


class RecordForm(GovukMessages, forms.Form):
    held_on = DateField(label="Date the review was held")
    findings = forms.CharField(
        label="What the review found",
        max_length=Application.MAX_TEXT,
        widget=forms.Textarea,
        help_text="What the agencies had done, what they had not, and why.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field("held_on"),
            Field.textarea("findings", rows=5, max_characters=Application.MAX_TEXT),
            submit="Record the review",
        )


class RecommendationForm(GovukMessages, forms.Form):
    description = forms.CharField(label="Recommendation", max_length=2000, widget=forms.Textarea)
    lead_organisation = forms.ModelChoiceField(
        label="Agency that leads it", queryset=Organisation.objects.none()
    )
    lead = forms.ModelChoiceField(label="Person who leads it", queryset=Person.objects.none(), required=False)
    due_on = DateField(label="Date for completion", help_text="For example, 31 3 2027")

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_organisation"].queryset = review.panel.order_by("name")
        self.fields["lead_organisation"].empty_label = "Choose an agency on the panel"
        self.fields["lead"].queryset = (
            Person.objects.filter(memberships__organisation__in=review.panel.all())
            .distinct()
            .order_by("name")
        )
        self.fields["lead"].empty_label = "No particular person"
        self.helper = _helper(
            Field.textarea("description", rows=3),
            Field.select("lead_organisation"),
            Field.select("lead"),
            Field("due_on"),
            submit="Add the recommendation",
        )


class OutcomeSentForm(GovukMessages, forms.Form):
    sent_on = DateField(label="Date the letter was sent", required=False, help_text="Leave blank for today")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("sent_on"), submit="Record that the outcome was sent")

    def clean_sent_on(self):
        return self.cleaned_data.get("sent_on") or timezone.localdate()


class DissatisfactionForm(GovukMessages, forms.Form):
    received_on = DateField(label="Date the applicant said they were dissatisfied")
    reason = forms.CharField(
        label="Why they are dissatisfied", max_length=Application.MAX_TEXT, widget=forms.Textarea
    )
    escalated_on = DateField(label="Date escalated", required=False, help_text="Leave blank for today")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field("received_on"),
            Field.textarea("reason", rows=4),
            Field("escalated_on"),
            submit="Escalate",
        )

    def clean_escalated_on(self):
        return self.cleaned_data.get("escalated_on") or timezone.localdate()


class EscalationOutcomeForm(GovukMessages, forms.Form):
    outcome = forms.CharField(
        label="What was decided", max_length=Application.MAX_TEXT, widget=forms.Textarea
    )
    outcome_on = DateField(label="Date of the outcome", required=False, help_text="Leave blank for today")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("outcome", rows=4),
            Field("outcome_on"),
            submit="Record the outcome and close",
        )

    def clean_outcome_on(self):
        return self.cleaned_data.get("outcome_on") or timezone.localdate()


# --- Councillor Call for Action ---------------------------------------------------------------------


class CallForm(GovukMessages, forms.Form):
    councillor_name = forms.CharField(label="Ward councillor", max_length=150)
    councillor_email = forms.EmailField(label="Councillor's email (optional)", required=False, max_length=254)
    ward = forms.ModelChoiceField(label="Ward or neighbourhood", queryset=Area.objects.none())
    matter = forms.CharField(
        label="The local crime and disorder matter",
        max_length=Application.MAX_TEXT,
        widget=forms.Textarea,
        help_text="What the matter is, whom it affects, and what has been tried.",
    )
    referred_on = DateField(label="Date referred", required=False, help_text="Leave blank for today")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ward"].queryset = covered_areas()
        self.fields["ward"].empty_label = "Choose the ward"
        self.helper = _helper(
            Field.text("councillor_name"),
            Field.text("councillor_email", field_width=20),
            Field.select("ward"),
            Field.textarea("matter", rows=6),
            Field("referred_on"),
            submit="Refer to the committee",
        )


class CallDecisionForm(GovukMessages, forms.Form):
    accept = forms.TypedChoiceField(
        label="The committee's decision",
        choices=[("yes", "Accept: the committee will consider it"), ("no", "Decline")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    decided_on = DateField(label="Date of the decision", required=False, help_text="Leave blank for today")
    reason = forms.CharField(label="Reasons", max_length=Application.MAX_TEXT, widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accept"].error_messages["required"] = "Select the committee's decision"
        self.helper = _helper(
            Field.radios("accept", legend_size=Size.SMALL),
            Field("decided_on"),
            Field.textarea("reason", rows=3),
            submit="Record the decision",
        )

    def clean_decided_on(self):
        return self.cleaned_data.get("decided_on") or timezone.localdate()


class CallReportForm(GovukMessages, forms.Form):
    """The report and up to ``ROWS`` recommendations, each to one responsible authority."""

    ROWS = 4
    report = forms.CharField(label="The committee's report", max_length=20000, widget=forms.Textarea)
    reported_on = DateField(label="Date of the report", required=False, help_text="Leave blank for today")

    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        rows = []
        for index in range(1, self.ROWS + 1):
            self.fields[f"organisation_{index}"] = forms.ModelChoiceField(
                label=f"Recommendation {index}: to", queryset=lead_organisations(partnership), required=False
            )
            self.fields[f"organisation_{index}"].empty_label = "Choose the responsible authority"
            self.fields[f"text_{index}"] = forms.CharField(
                label=f"Recommendation {index}", max_length=2000, required=False, widget=forms.Textarea
            )
            rows += [Field.select(f"organisation_{index}"), Field.textarea(f"text_{index}", rows=2)]
        self.helper = _helper(
            Field.textarea("report", rows=8),
            Field("reported_on"),
            Fieldset(*rows, legend="Recommendations", legend_size=Size.MEDIUM),
            submit="Record the report",
        )

    def clean_reported_on(self):
        return self.cleaned_data.get("reported_on") or timezone.localdate()

    def clean(self):
        data = super().clean()
        for index in range(1, self.ROWS + 1):
            organisation, text = data.get(f"organisation_{index}"), (data.get(f"text_{index}") or "").strip()
            if organisation and not text:
                self.add_error(f"text_{index}", f"Enter recommendation {index}")
            elif text and not organisation:
                self.add_error(f"organisation_{index}", f"Choose whom recommendation {index} is to")
        if not self.errors and not self.recommendations():
            self.add_error("organisation_1", "Give at least one recommendation to a responsible authority")
        return data

    def recommendations(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {"organisation": data[f"organisation_{i}"], "text": data[f"text_{i}"]}
            for i in range(1, self.ROWS + 1)
            if data.get(f"organisation_{i}") and (data.get(f"text_{i}") or "").strip()
        ]


class CallResponseForm(GovukMessages, forms.Form):
    response = forms.CharField(label="The response", max_length=Application.MAX_TEXT, widget=forms.Textarea)
    responded_on = DateField(label="Date of the response", required=False, help_text="Leave blank for today")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("response", rows=3), Field("responded_on"), submit="Record the response"
        )

    def clean_responded_on(self):
        return self.cleaned_data.get("responded_on") or timezone.localdate()
