"""Render any Django form field in GOV.UK Design System markup.

Used where a form is not ours to lay out with crispy-forms-gds (the allauth pages).
"""

from django import forms, template

register = template.Library()


def _kind(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    return "input"


_CLASSES = {
    "input": ("govuk-input", "govuk-input--error"),
    "select": ("govuk-select", "govuk-select--error"),
    "textarea": ("govuk-textarea", "govuk-textarea--error"),
    "checkbox": ("govuk-checkboxes__input", ""),
}


@register.inclusion_tag("web/govuk/field.html")
def govuk_field(field: forms.BoundField) -> dict:
    kind = _kind(field.field.widget)
    if kind == "hidden":
        return {"kind": kind, "widget": field.as_widget()}
    base, error = _CLASSES[kind]
    classes = base + (f" {error}" if field.errors and error else "")
    describedby = []
    if field.help_text:
        describedby.append(f"{field.auto_id}-hint")
    if field.errors:
        describedby.append(f"{field.auto_id}-error")
    attrs = {"class": classes}
    if describedby:
        attrs["aria-describedby"] = " ".join(describedby)
    return {
        "kind": kind,
        "field": field,
        "widget": field.as_widget(attrs=attrs),
    }


@register.inclusion_tag("web/govuk/error_summary.html")
def govuk_error_summary(form) -> dict:
    if not isinstance(form, forms.BaseForm) or not form.errors:
        return {"errors": []}
    errors = [(None, message) for message in form.non_field_errors()]
    for field in form:
        errors.extend((field.auto_id, message) for message in field.errors)
    return {"errors": errors}
