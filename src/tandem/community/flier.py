"""A newsletter printed: an A4 flier or notice-board poster (PDF, WeasyPrint)."""

from django.conf import settings
from django.template.loader import render_to_string

from .models import Newsletter
from .updates import newsletter_content

KINDS = ("flier", "poster")


def flier_html(newsletter: Newsletter, *, kind: str = "flier") -> str:
    if kind not in KINDS:
        raise ValueError(f"Unknown print kind: {kind}")
    content = newsletter_content(newsletter)
    return render_to_string("community/newsletter_flier.html", {"content": content, "kind": kind})


def flier_pdf(newsletter: Newsletter, *, kind: str = "flier") -> bytes:
    import weasyprint  # slow to import: only when a PDF is wanted

    document = weasyprint.HTML(string=flier_html(newsletter, kind=kind), base_url=settings.SITE_URL).render(
        pdf_tags=True
    )
    return document.write_pdf(pdf_variant="pdf/ua-1")
