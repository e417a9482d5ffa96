"""The PEP as an A4 PDF (WeasyPrint), from a print-only template and stylesheet."""

import threading
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from .forms import section_display_rows
from .services import previous_pep

STYLESHEET = Path(__file__).resolve().parent / "static" / "peps" / "pdf.css"


def pep_pdf_context(pep) -> dict:
    prev = previous_pep(pep)
    previous_targets = list(prev.targets.all()) if prev else []
    sections = []
    for s in pep.sections.select_related("completed_by").order_by("position"):
        s.pep = pep
        rows = [(label, value) for label, value in section_display_rows(s, previous_targets)
                if not label.startswith(("Outcome of", "Evidence for"))]
        sections.append({"section": s, "rows": rows})
    return {
        "pep": pep, "child": pep.child, "sections": sections,
        "targets": list(pep.targets.all()), "previous_targets": previous_targets,
        "reviews": list(pep.qa_reviews.select_related("reviewer")),
        "history": list(pep.status_changes.select_related("actor").order_by("at", "pk")),
        "authority_name": settings.AUTHORITY_NAME, "protective_marking": settings.PROTECTIVE_MARKING,
        "service_name": settings.SERVICE_NAME, "generated_at": timezone.localtime(),
    }


_local = threading.local()


def _print_resources():
    """The parsed stylesheet and font configuration, built once per thread (parsing them is a large part of a
    render)."""
    if not hasattr(_local, "css"):
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        _local.fonts = FontConfiguration()
        _local.css = CSS(filename=str(STYLESHEET), font_config=_local.fonts)
    return _local.css, _local.fonts


def render_pep_pdf(pep) -> bytes:
    from weasyprint import HTML

    css, fonts = _print_resources()
    html = render_to_string("peps/pdf.html", pep_pdf_context(pep))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(stylesheets=[css], font_config=fonts)
