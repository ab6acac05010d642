"""The administrators' form for a new client application; services.client_create does the work."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout
from django import forms

from tandem.partnership.forms import GovukMessages

from .models import ClientApplication


class ClientForm(GovukMessages, forms.Form):
    name = forms.CharField(
        label="Name of the application",
        max_length=ClientApplication._meta.get_field("name").max_length,
        help_text="Who will use the key, such as “Castleford Council FixMyStreet”",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's own <form> carries the token
        self.helper.layout = Layout(Field.text("name"))

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if ClientApplication.objects.filter(name__iexact=name).exists():
            raise forms.ValidationError(
                "There is already a client application with this name: choose another name"
            )
        return name
