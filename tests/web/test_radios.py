"""crispy-forms-gds's inline radios get the full GOV.UK classes (our override of its template)."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout
from django import forms
from django.template import Context, Template


class _Choice(forms.Form):
    answer = forms.ChoiceField(choices=[("yes", "Yes"), ("no", "No")], widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.radios("answer", inline=True))


def test_inline_radios_have_both_govuk_classes():
    html = Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": _Choice()}))

    assert 'class="govuk-radios govuk-radios--inline"' in html
    assert 'data-module="govuk-radios"' in html
    assert html.count('class="govuk-radios__input"') == 2
