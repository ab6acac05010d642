"""The outcome letter to the applicant: the partnership's editable template with its
placeholders filled in, as plain text, PDF (WeasyPrint) and Word (python-docx).

The placeholders are replaced by a regular expression, never ``str.format``: the template is
typed by an administrator, and ``format`` would let ``{reference.__class__}`` reach into Python.
An unknown placeholder (the settings form refuses them) is left as it is."""

import io

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from .models import PLACEHOLDER, Application
from .services import settings_for


def _date(day) -> str:
    return f"{day:%-d %B %Y}" if day else "(not yet)"


def letter_values(application: Application) -> dict[str, str]:
    review = getattr(application, "review", None) if hasattr(application, "review") else None
    recommendations = []
    if review is not None:
        for row in review.recommendations.select_related("action__lead", "action__lead_organisation"):
            action = row.action
            who = action.lead_organisation.name if action.lead_organisation_id else "the partnership"
            if action.lead_id:
                who = f"{action.lead.name}, {who}"
            recommendations.append(f"- {action.description} (led by {who}, by {_date(action.due_on)})")
    if application.threshold_met is None:
        decision = "the threshold has not yet been decided"
    elif application.threshold_met:
        decision = "your application met the threshold for a case review"
    else:
        decision = "your application did not meet the threshold for a case review"
    return {
        "reference": application.reference,
        "applicant_name": application.applicant_name,
        "received_on": _date(application.received_on),
        "decision": decision,
        "decision_on": _date(application.decision_on),
        "decision_reason": application.decision_reason,
        "review_on": _date(review.held_on) if review is not None else "(no review was held)",
        "recommendations": "\n".join(recommendations) or "The review made no recommendations.",
        "escalation_body": settings_for(application.partnership).escalation_body,
        "partnership": application.partnership.name,
        "today": _date(timezone.localdate()),
    }


def letter_text(application: Application) -> str:
    values = letter_values(application)
    template = settings_for(application.partnership).letter_template
    return PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), template)


def _paragraphs(text: str) -> list[str]:
    return [block.strip("\n") for block in text.replace("\r\n", "\n").split("\n\n") if block.strip()]


def letter_pdf(application: Application) -> bytes:
    import weasyprint  # slow to import: only when a PDF is wanted

    html = render_to_string(
        "accountability/letter.html",
        {"application": application, "paragraphs": _paragraphs(letter_text(application))},
    )
    document = weasyprint.HTML(string=html, base_url=settings.SITE_URL).render(pdf_tags=True)
    return document.write_pdf(pdf_variant="pdf/ua-1")


def letter_docx(application: Application) -> bytes:
    import docx

    document = docx.Document()
    properties = document.core_properties
    properties.title = f"ASB Case Review {application.reference}: outcome"
    properties.language = "en-GB"
    properties.author = application.partnership.name
    for block in _paragraphs(letter_text(application)):
        paragraph = document.add_paragraph()
        lines = block.split("\n")
        for index, line in enumerate(lines):
            run = paragraph.add_run(line)
            if index < len(lines) - 1:
                run.add_break()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
