"""Forms of the perception surveys: an officer's survey and questions, and a resident's answers."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from tandem.actionplans.models import Action
from tandem.partnership.forms import DateField, GovukMessages
from tandem.partnership.models import Partnership
from tandem.places.models import Area
from tandem.problems.models import Problem

from .models import SCALES, Survey, SurveyQuestion


def _helper(*fields) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*fields)
    return helper


class SurveyForm(GovukMessages, forms.Form):
    partnership = forms.ModelChoiceField(label="Partnership", queryset=Partnership.objects.order_by("name"))
    area = forms.ModelChoiceField(
        label="Area",
        queryset=Area.objects.defer("boundary").order_by("name"),
        help_text="Where the survey asks about",
    )
    title = forms.CharField(label="Title", max_length=200, help_text='For example "Feeling safe in Elm Park"')
    introduction = forms.CharField(
        label="Introduction",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What it is for and how the answers will be used",
    )
    round = forms.ChoiceField(
        label="When is it run?",
        choices=[
            (Survey.Round.SINGLE, "On its own"),
            (Survey.Round.BEFORE, "Before an intervention, to repeat after it"),
        ],
        widget=forms.RadioSelect,
        initial=Survey.Round.SINGLE,
    )
    problem = forms.ModelChoiceField(
        label="Problem it is about (optional)",
        required=False,
        queryset=Problem.objects.filter(merged_into=None).order_by("title"),
    )
    action = forms.ModelChoiceField(
        label="Action it is about (optional)", required=False, queryset=Action.objects.order_by("-pk")
    )
    closes_on = DateField(label="Closing date (optional)", required=False, help_text="For example 31 3 2027")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field("partnership"),
            Field("area"),
            Field.text("title"),
            Field.textarea("introduction"),
            Field.radios("round", legend_size=Size.SMALL),
            Field("problem"),
            Field("action"),
            Field("closes_on"),
        )


class QuestionForm(GovukMessages, forms.Form):
    text = forms.CharField(
        label="Question",
        max_length=300,
        help_text='For example "How safe do you feel walking in your area after dark?"',
    )
    kind = forms.ChoiceField(
        label="Answers",
        choices=SurveyQuestion.Kind.choices,
        widget=forms.RadioSelect,
        initial=SurveyQuestion.Kind.SCALE,
    )
    scale = forms.ChoiceField(
        label="Five-point scale",
        required=False,
        choices=[(name, " / ".join(options)) for name, options in SCALES.items()],
        help_text="For a five-point scale: the answers, best first",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("text"), Field.radios("kind", inline=True, legend_size=Size.SMALL), Field("scale")
        )


class AnswerForm(forms.Form):
    """One field a question: radios for a scale, a text box for free text; every one optional."""

    def __init__(self, *args, questions: list[SurveyQuestion], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        layout = []
        for question in questions:
            name = f"q{question.pk}"
            if question.kind == SurveyQuestion.Kind.SCALE:
                self.fields[name] = forms.TypedChoiceField(
                    label=question.text,
                    required=False,
                    coerce=int,
                    empty_value=None,
                    choices=[(index, answer) for index, answer in enumerate(question.options, start=1)],
                    widget=forms.RadioSelect,
                )
                layout.append(Field.radios(name, legend_size=Size.SMALL))
            else:
                self.fields[name] = forms.CharField(
                    label=question.text,
                    required=False,
                    max_length=2000,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    help_text="Optional. Please do not name anyone.",
                )
                layout.append(Field.textarea(name, label_size=Size.SMALL, max_characters=2000))
        self.helper = _helper(*layout)

    def answers(self) -> dict[int, int | str]:
        return {question.pk: self.cleaned_data.get(f"q{question.pk}") for question in self.questions}
