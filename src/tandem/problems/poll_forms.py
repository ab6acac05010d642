"""Forms for public votes on candidate priorities (GOV.UK markup via crispy-forms-gds).

They only parse input; the views hand their cleaned data to the services in ``polls.py``,
which keep the rules. The ranking form is one drop-down per candidate ("1st choice",
"2nd choice" … "Not ranked"), so it works without JavaScript.
"""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import escape

from tandem.partnership.forms import DateField, GovukMessages

from .models import Problem
from .polls import rank_label


def _helper(*fields) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the page's own <form> carries the token
    helper.layout = Layout(*fields)
    return helper


def _joined(words: list[str], conjunction: str = "and") -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


class CandidateField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, problem: Problem) -> str:
        times = "once" if problem.times_raised == 1 else f"{problem.times_raised} times"
        return f"{problem.title} ({problem.category.name}, {problem.group.name}, raised {times})"


class PollForm(GovukMessages, forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="What residents will see, for example: Which problems should the Panel tackle next?",
    )
    description = forms.CharField(
        label="What the vote is for (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea,
        help_text="For example: the Panel chooses its priorities at its next meeting and will "
        "take your rankings into account",
    )
    closes_on = DateField(
        label="Closing date", help_text="The last day residents can vote. For example, 31 3 2027"
    )
    max_ranks = forms.IntegerField(
        label="How many problems each resident may rank (optional)",
        required=False,
        min_value=1,
        max_value=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    candidates = CandidateField(
        label="Problems residents can rank",
        queryset=Problem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Select at least two. Only open, public problems of this group and the groups "
        "below it are listed.",
    )

    def __init__(self, *args, candidates, limit: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidates"].queryset = candidates
        self.fields["candidates"].error_messages.update(
            {
                "required": "Select at least two problems for residents to rank",
                "invalid_choice": "Select only problems in the list",
                "invalid_pk_value": "Select only problems in the list",
            }
        )
        self.fields[
            "max_ranks"
        ].help_text = f"Leave blank for {limit}, the number of priorities the group chooses each period"
        self.fields["max_ranks"].error_messages.update(
            {
                "invalid": "Enter a whole number, for example 3",
                "min_value": "Enter a number of 1 or more",
                "max_value": "Enter a number of 20 or fewer",
            }
        )
        self.helper = _helper(
            Field.text("title"),
            Field.textarea("description", rows=3),
            Field("closes_on"),
            Field.checkboxes("candidates", legend_size=Size.MEDIUM),
            Field("max_ranks", css_class="govuk-input govuk-input--width-2"),
            Submit("submit", "Open the vote"),
        )


class RankingForm(forms.Form):
    """One drop-down per candidate. ``cleaned_data["ranking"]`` is the problems, 1st choice first."""

    NOT_RANKED = ""

    def __init__(self, *args, candidates: list[Problem], max_ranks: int, current: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        self.max_ranks = max_ranks
        choices = [(self.NOT_RANKED, "Not ranked")] + [
            (str(rank), rank_label(rank)) for rank in range(1, max_ranks + 1)
        ]
        names = [rank_label(rank) for rank in range(1, max_ranks + 1)] + ["Not ranked"]
        layout = []
        for problem in self.candidates:
            name = f"rank_{problem.pk}"
            # crispy-forms-gds marks labels safe: the title is escaped here.
            self.fields[name] = forms.ChoiceField(
                label=escape(problem.title),
                choices=choices,
                required=False,
                initial=str(current[problem.pk]) if problem.pk in current else self.NOT_RANKED,
                error_messages={
                    "invalid_choice": f"Choose {_joined(names, 'or')} for “{problem.title}”",
                },
            )
            layout.append(Field.select(name))
        self.helper = _helper(
            Fieldset(
                *layout,
                legend="Rank the problems that matter most to you",
                legend_size=Size.MEDIUM,
            ),
            Submit("submit", "Save my ranking" if not current else "Change my ranking"),
        )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        by_rank: dict[int, list[Problem]] = {}
        for problem in self.candidates:
            value = cleaned.get(f"rank_{problem.pk}") or self.NOT_RANKED
            if value != self.NOT_RANKED:
                by_rank.setdefault(int(value), []).append(problem)
        if not by_rank:
            raise ValidationError(
                "Rank at least one problem: choose “1st choice” for the one that matters most to you"
            )
        twice = [rank_label(rank) for rank, problems in sorted(by_rank.items()) if len(problems) > 1]
        if twice:
            each = " each" if len(twice) > 1 else ""
            raise ValidationError(
                f"You chose {_joined(twice)} for more than one problem{each}: "
                "give each choice to one problem only"
            )
        ranks = sorted(by_rank)
        missing = next((rank for rank in range(1, ranks[-1] + 1) if rank not in by_rank), None)
        if missing is not None:
            later = next(rank for rank in ranks if rank > missing)
            raise ValidationError(
                f"You chose a {rank_label(later)} but no {rank_label(missing)}: "
                "number your choices in order, starting with 1st choice"
            )
        cleaned["ranking"] = [by_rank[rank][0] for rank in ranks]
        return cleaned
