"""Forms for agreements and cases: they parse and check input; services make the changes."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size, Submit
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from tandem.meetings.models import AgendaItem, Meeting
from tandem.partnership.forms import DateField, GovukMessages
from tandem.partnership.models import Organisation, Partnership
from tandem.problems.models import Problem

from . import services
from .models import (
    Agreement,
    AuditEntry,
    Case,
    CaseSubject,
    Intervention,
    InterventionType,
    Purpose,
    Questionnaire,
    Subject,
    TimelineEntry,
)


def _helper(*fields, submit: str) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the page's own <form> carries the token
    helper.layout = Layout(*fields, Submit("submit", submit))
    return helper


DATE_HINT = "For example, 27 3 2026"


class AgreementForm(GovukMessages, forms.Form):
    partnership = forms.ModelChoiceField(label="Partnership", queryset=Partnership.objects.none())
    title = forms.CharField(label="Title", max_length=200)
    purpose = forms.CharField(label="Purpose of sharing", widget=forms.Textarea)
    purposes = forms.ModelMultipleChoiceField(
        label="Kinds of case it covers", queryset=Purpose.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    organisations = forms.ModelMultipleChoiceField(
        label="Signatory organisations",
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="At least two. Each must sign before the agreement shares anything.",
    )
    lawful_basis = forms.ChoiceField(
        label="UK GDPR Article 6 lawful basis", choices=Agreement.LawfulBasis.choices
    )
    special_category_condition = forms.ChoiceField(
        label="Article 9 / DPA 2018 Schedule 1 condition",
        choices=Agreement.SpecialCondition.choices,
        required=False,
        help_text="Needed when health, ethnicity, religion, sexuality or similar data is shared.",
    )
    power = forms.CharField(
        label="Power to share", max_length=200, initial="Crime and Disorder Act 1998 s115"
    )
    data_categories = forms.CharField(
        label="Categories of data",
        widget=forms.Textarea,
        help_text="For example: names, addresses, dates of birth, incident history, vulnerabilities.",
    )
    retention_months = forms.IntegerField(
        label="Retention period (months)",
        min_value=1,
        max_value=240,
        initial=24,
        help_text="How long a closed case is kept before it is deleted or anonymised.",
    )
    retention_action = forms.ChoiceField(
        label="When the retention period ends", choices=Agreement.RetentionAction.choices
    )
    starts_on = DateField(label="Start date", help_text=DATE_HINT)
    expires_on = DateField(label="Expiry date", help_text="After this date it shares nothing.")
    review_on = DateField(label="Review date", help_text=DATE_HINT)
    document = forms.FileField(
        label="Signed agreement (optional)",
        required=False,
        help_text="A PDF or Word (.docx) file up to 10 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx"}),
    )

    def __init__(self, *args, agreement: Agreement | None = None, **kwargs):
        if agreement is not None and not kwargs.get("data"):
            kwargs.setdefault(
                "initial",
                {
                    **{name: getattr(agreement, name) for name in services.AGREEMENT_FIELDS},
                    "purposes": list(agreement.purposes.all()),
                    "organisations": [
                        s.organisation for s in agreement.signatories.select_related("organisation")
                    ],
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["purposes"].queryset = Purpose.objects.filter(is_active=True)
        self.fields["organisations"].queryset = Organisation.objects.order_by("name")
        partnerships = Partnership.objects.order_by("name")
        layout = []
        if agreement is not None:
            del self.fields["partnership"]
        else:
            self.fields["partnership"].queryset = partnerships
            if len(partnerships) == 1:
                self.fields["partnership"].initial = partnerships[0]
            layout.append(Field.select("partnership"))
        self.helper = _helper(
            *layout,
            Field.text("title"),
            Field.textarea("purpose", rows=3),
            Field.checkboxes("purposes", legend_size=Size.SMALL, small=True),
            Field.checkboxes("organisations", legend_size=Size.SMALL, small=True),
            Fieldset(
                Field.select("lawful_basis"),
                Field.select("special_category_condition"),
                Field.text("power"),
                legend="Legal basis",
                legend_size=Size.MEDIUM,
            ),
            Field.textarea("data_categories", rows=3),
            Fieldset(
                Field.text("retention_months", field_width=4),
                Field.radios("retention_action", legend_size=Size.SMALL),
                legend="Retention",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field("starts_on"),
                Field("expires_on"),
                Field("review_on"),
                legend="Dates",
                legend_size=Size.MEDIUM,
            ),
            Field("document"),
            submit="Save the agreement",
        )

    def clean_organisations(self):
        organisations = self.cleaned_data["organisations"]
        if len(organisations) < 2:
            # The service checks it too; here it shows with the form's other errors at once.
            raise ValidationError("An agreement needs at least two signatory organisations.")
        return organisations

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if document:
            try:
                services.agreement_document_check(document)
            except ValidationError as exc:
                raise ValidationError(exc.message_dict["document"]) from exc
        return document

    def service_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in services.AGREEMENT_FIELDS}
        data["special_category_condition"] = data["special_category_condition"] or ""
        return {
            **data,
            "purposes": self.cleaned_data["purposes"],
            "organisations": self.cleaned_data["organisations"],
            "document": self.cleaned_data.get("document") or None,
        }


class SignForm(GovukMessages, forms.Form):
    organisation = forms.ModelChoiceField(label="Organisation signing", queryset=Organisation.objects.none())
    signer_name = forms.CharField(label="Name of the person who signed", max_length=150)
    signer_role = forms.CharField(label="Their job title", max_length=150, required=False)
    signed_on = DateField(label="Date signed", required=False, help_text="Leave blank for today")

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.helper = _helper(
            Field.select("organisation"),
            Field.text("signer_name"),
            Field.text("signer_role"),
            Field("signed_on"),
            submit="Record the signature",
        )


class CaseOpenForm(GovukMessages, forms.Form):
    agreement = forms.ModelChoiceField(
        label="Information-sharing agreement", queryset=Agreement.objects.none()
    )
    purpose = forms.ModelChoiceField(label="Purpose", queryset=Purpose.objects.none())
    title = forms.CharField(
        label="Short description",
        max_length=200,
        help_text="Avoid full names: the reference identifies the case.",
    )
    summary = forms.CharField(label="Summary", widget=forms.Textarea, required=False)
    about = forms.ChoiceField(
        label="The case is about", choices=Case.About.choices, initial=Case.About.PERSON
    )
    location = forms.CharField(
        label="Location", max_length=300, required=False, help_text="For a case about a place."
    )
    lead_organisation = forms.ModelChoiceField(label="Lead agency", queryset=Organisation.objects.none())
    agencies = forms.ModelMultipleChoiceField(
        label="Other agencies involved",
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Only signatories of the agreement can be involved.",
    )

    def __init__(self, *args, agreements, lead_organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = agreements
        self.fields["agreement"].empty_label = "Choose an agreement in force"
        self.fields["purpose"].queryset = Purpose.objects.filter(is_active=True)
        self.fields["purpose"].empty_label = "Choose a purpose"
        self.fields["lead_organisation"].queryset = lead_organisations
        self.fields["agencies"].queryset = (
            Organisation.objects.filter(sharing_signatures__agreement__in=agreements)
            .distinct()
            .order_by("name")
        )
        self.helper = _helper(
            Field.select("agreement"),
            Field.select("purpose"),
            Field.text("title"),
            Field.textarea("summary", rows=4),
            Field.radios("about", legend_size=Size.SMALL, inline=True),
            Field.text("location"),
            Field.select("lead_organisation"),
            Field.checkboxes("agencies", legend_size=Size.SMALL, small=True),
            submit="Open the case",
        )


class CaseEditForm(GovukMessages, forms.Form):
    title = forms.CharField(label="Short description", max_length=200)
    summary = forms.CharField(label="Summary", widget=forms.Textarea, required=False)
    about = forms.ChoiceField(label="The case is about", choices=Case.About.choices)
    location = forms.CharField(label="Location", max_length=300, required=False)
    lead_organisation = forms.ModelChoiceField(label="Lead agency", queryset=Organisation.objects.none())
    lead_officer = forms.ModelChoiceField(
        label="Lead officer", queryset=get_user_model().objects.none(), required=False
    )

    def __init__(self, *args, case: Case, **kwargs):
        if not kwargs.get("data"):
            kwargs.setdefault("initial", {name: getattr(case, name) for name in services.CASE_FIELDS})
        super().__init__(*args, **kwargs)
        agency_ids = case.agencies.values_list("organisation_id", flat=True)
        self.fields["lead_organisation"].queryset = Organisation.objects.filter(pk__in=agency_ids)
        self.fields["lead_officer"].queryset = (
            get_user_model()
            .objects.filter(agency_staff__organisation_id__in=agency_ids, is_active=True)
            .distinct()
            .order_by("name")
        )
        self.fields["lead_officer"].empty_label = "No lead officer yet"
        self.helper = _helper(
            Field.text("title"),
            Field.textarea("summary", rows=4),
            Field.radios("about", legend_size=Size.SMALL, inline=True),
            Field.text("location"),
            Field.select("lead_organisation"),
            Field.select("lead_officer"),
            submit="Save",
        )


class SubjectForm(GovukMessages, forms.Form):
    role = forms.ChoiceField(label="Role in this case", choices=CaseSubject.Role.choices)
    existing = forms.ModelChoiceField(
        label="Someone already in another case",
        queryset=Subject.objects.none(),
        required=False,
        help_text="Or leave this and enter a new person below.",
    )
    name = forms.CharField(label="Name", max_length=200, required=False)
    date_of_birth = DateField(label="Date of birth", required=False, help_text="For example, 27 3 1948")
    address = forms.CharField(label="Address", widget=forms.Textarea, required=False)
    phone = forms.CharField(label="Telephone", max_length=40, required=False)
    email = forms.EmailField(label="Email address", required=False)
    notes = forms.CharField(
        label="Needs agencies should know",
        widget=forms.Textarea,
        required=False,
        help_text="Language, disability, preferred contact.",
    )

    def __init__(self, *args, subjects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["existing"].queryset = subjects
        self.fields["existing"].empty_label = "No: a new person"
        self.helper = _helper(
            Field.select("role"),
            Field.select("existing"),
            Fieldset(
                Field.text("name"),
                Field("date_of_birth"),
                Field.textarea("address", rows=3),
                Field.text("phone", field_width=20),
                Field.text("email"),
                Field.textarea("notes", rows=3),
                legend="A new person",
                legend_size=Size.MEDIUM,
            ),
            submit="Add to the case",
        )

    def clean(self):
        data = super().clean()
        if not data.get("existing") and not (data.get("name") or "").strip():
            self.add_error("name", "Enter the person's name, or choose someone already in another case")
        return data


class AgencyForm(GovukMessages, forms.Form):
    organisation = forms.ModelChoiceField(label="Agency", queryset=Organisation.objects.none())

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.helper = _helper(Field.select("organisation"), submit="Involve the agency")


class RiskAssessmentForm(GovukMessages, forms.Form):
    answers = forms.TypedMultipleChoiceField(
        label="Answer yes to each that applies",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    assessed_on = DateField(label="Date of the assessment", required=False, help_text="Leave blank for today")
    review_on = DateField(
        label="Review date",
        required=False,
        help_text="Leave blank for the usual interval for the level of risk",
    )
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)

    def __init__(self, *args, questionnaire: Questionnaire, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answers"].choices = [
            (question.pk, f"{question.text} ({question.score})") for question in questionnaire.questions.all()
        ]
        self.helper = _helper(
            Field.checkboxes("answers", legend_size=Size.MEDIUM, small=True),
            Field("assessed_on"),
            Field("review_on"),
            Field.textarea("notes", rows=3),
            submit="Record the assessment",
        )


class TimelineEntryForm(GovukMessages, forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=TimelineEntry.Kind.choices)
    text = forms.CharField(label="What happened", widget=forms.Textarea, max_length=10000)
    happened_on = DateField(label="Date", required=False, help_text="Leave blank for now")
    organisation = forms.ModelChoiceField(label="Owning organisation", queryset=Organisation.objects.none())
    is_shared = forms.TypedChoiceField(
        label="Who may see it",
        choices=[("yes", "Shared with the other agencies in the case"), ("no", "Kept to my organisation")],
        coerce=lambda value: value == "yes",
        initial="yes",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0]
        self.helper = _helper(
            Field.radios("kind", legend_size=Size.SMALL, inline=True),
            Field.textarea("text", rows=5),
            Field("happened_on"),
            Field.select("organisation"),
            Field.radios("is_shared", legend_size=Size.SMALL),
            submit="Add to the timeline",
        )


class TaskForm(GovukMessages, forms.Form):
    organisation = forms.ModelChoiceField(label="Agency", queryset=Organisation.objects.none())
    description = forms.CharField(label="Task", max_length=500, widget=forms.Textarea)
    due_on = DateField(label="Due date", help_text=DATE_HINT)

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            case_involvements__case=case
        ).order_by("name")
        self.helper = _helper(
            Field.select("organisation"),
            Field.textarea("description", rows=3),
            Field("due_on"),
            submit="Set the task",
        )


class TaskCancelForm(GovukMessages, forms.Form):
    reason = forms.CharField(label="Why is it cancelled?", max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.text("reason"), submit="Cancel the task")


class InterventionForm(GovukMessages, forms.Form):
    type = forms.ModelChoiceField(label="Intervention", queryset=InterventionType.objects.none())
    subject = forms.ModelChoiceField(label="For or against", queryset=Subject.objects.none(), required=False)
    organisation = forms.ModelChoiceField(label="Agency", queryset=Organisation.objects.none())
    started_on = DateField(label="Date", required=False, help_text="Leave blank for today")
    ends_on = DateField(label="Ends or expires", required=False, help_text=DATE_HINT)
    outcome = forms.ChoiceField(label="Outcome", choices=Intervention.Outcome.choices, required=False)
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)

    def __init__(self, *args, case: Case, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].queryset = InterventionType.objects.filter(is_active=True)
        self.fields["subject"].queryset = Subject.objects.filter(case_roles__case=case).distinct()
        self.fields["subject"].empty_label = "The case as a whole"
        self.fields["organisation"].queryset = organisations
        self.helper = _helper(
            Field.select("type"),
            Field.select("subject"),
            Field.select("organisation"),
            Field("started_on"),
            Field("ends_on"),
            Field.select("outcome"),
            Field.textarea("notes", rows=3),
            submit="Record the intervention",
        )


class OutcomeForm(GovukMessages, forms.Form):
    outcome = forms.ChoiceField(label="Outcome", choices=Intervention.Outcome.choices[1:])
    ends_on = DateField(label="Ended on", required=False, help_text=DATE_HINT)
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("outcome", legend_size=Size.SMALL),
            Field("ends_on"),
            Field.textarea("notes", rows=3),
            submit="Record the outcome",
        )


class StatusForm(GovukMessages, forms.Form):
    status = forms.ChoiceField(label="New status", choices=(), widget=forms.RadioSelect)
    reason = forms.CharField(label="Reason", widget=forms.Textarea, required=False)
    closure_reason = forms.ChoiceField(
        label="Why is the case closing?",
        choices=[("", "Not closing"), *Case.ClosureReason.choices],
        required=False,
    )
    closure_outcome = forms.CharField(label="Outcome (when closing)", widget=forms.Textarea, required=False)

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (value, label) for value, label in Case.Status.choices if value in Case.TRANSITIONS[case.status]
        ]
        self.helper = _helper(
            Field.radios("status", legend_size=Size.SMALL),
            Field.textarea("reason", rows=2),
            Field.select("closure_reason"),
            Field.textarea("closure_outcome", rows=3),
            submit="Change the status",
        )


class ProblemLinkForm(GovukMessages, forms.Form):
    problem = forms.ModelChoiceField(label="Problem", queryset=Problem.objects.none())

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["problem"].queryset = (
            Problem.objects.filter(partnership_id=case.partnership_id, merged_into__isnull=True)
            .exclude(pk__in=case.problems.values("pk"))
            .only("pk", "title")
            .order_by("title")
        )
        self.helper = _helper(Field.select("problem"), submit="Link the problem")


class AgendaForm(GovukMessages, forms.Form):
    meeting = forms.ModelChoiceField(label="Meeting", queryset=Meeting.objects.none())
    title = forms.CharField(
        label="Item title",
        max_length=300,
        required=False,
        help_text="Leave blank for “Case discussion” and the case reference. Never a person's name.",
    )
    item = forms.ModelChoiceField(
        label="Or link an existing confidential item", queryset=AgendaItem.objects.none(), required=False
    )

    def __init__(self, *args, case: Case, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].empty_label = "Choose a meeting"
        self.fields["item"].queryset = (
            AgendaItem.objects.filter(meeting__in=meetings, is_confidential=True)
            .select_related("meeting", "meeting__group")
            .order_by("meeting__starts_at", "position")
        )
        self.fields["item"].label_from_instance = lambda item: f"{item.meeting}: {item.title}"
        self.fields["item"].empty_label = "No: add a new confidential item"
        self.helper = _helper(
            Field.select("meeting"), Field.text("title"), Field.select("item"), submit="Add to the agenda"
        )

    def clean(self):
        data = super().clean()
        if data.get("item") and data.get("meeting") and data["item"].meeting_id != data["meeting"].pk:
            self.add_error("item", "Choose an item of the meeting chosen above")
        return data


class SubjectAccessForm(GovukMessages, forms.Form):
    redact = forms.TypedChoiceField(
        label="Third parties' details",
        choices=[
            ("yes", "Redact the names and details of everyone else in the cases"),
            ("no", "Include them (only where they have agreed, or it is reasonable to)"),
        ],
        coerce=lambda value: value == "yes",
        initial="yes",
        widget=forms.RadioSelect,
    )
    format = forms.ChoiceField(
        label="Format", choices=[("pdf", "PDF"), ("json", "JSON")], widget=forms.RadioSelect, initial="pdf"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("redact", legend_size=Size.SMALL),
            Field.radios("format", legend_size=Size.SMALL, inline=True),
            submit="Download",
        )


class AuditSearchForm(forms.Form):
    user = forms.ModelChoiceField(label="User", queryset=get_user_model().objects.none(), required=False)
    case = forms.CharField(label="Case reference or number", max_length=20, required=False)
    action = forms.ChoiceField(
        label="Action", choices=[("", "Any action"), *AuditEntry.Action.choices], required=False
    )
    since = DateField(label="From", required=False, help_text=DATE_HINT)
    until = DateField(label="To", required=False, help_text=DATE_HINT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = get_user_model().objects.order_by("name")
        self.fields["user"].empty_label = "Anyone"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Field.select("user"),
            Field.text("case", field_width=10),
            Field.select("action"),
            Field("since"),
            Field("until"),
            Submit("search", "Search"),
        )

    def clean_case(self) -> int | None:
        value = (self.cleaned_data.get("case") or "").strip().upper().removeprefix("CASE-")
        if not value:
            return None
        if not value.isdigit() or int(value) >= 2**31:
            raise ValidationError("Enter a case reference like CASE-00012, or its number")
        return int(value)

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            self.add_error("until", "The end of the range must be on or after its start")
        return data

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "user": data.get("user"),
            "case_number": data.get("case"),
            "action": data.get("action") or "",
            "since": data.get("since"),
            "until": data.get("until"),
        }
