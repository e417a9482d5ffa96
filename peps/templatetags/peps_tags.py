"""Small display helpers for PEP pages."""

from django import template

from peps.forms import section_display_rows
from peps.models import PEP, QAReview

register = template.Library()

STATUS_TAGS = {
    PEP.Status.NOT_STARTED: "govuk-tag--grey",
    PEP.Status.IN_PROGRESS: "govuk-tag--light-blue",
    PEP.Status.READY_TO_SUBMIT: "govuk-tag--blue",
    PEP.Status.SUBMITTED: "govuk-tag--purple",
    PEP.Status.RETURNED: "govuk-tag--red",
    PEP.Status.APPROVED: "govuk-tag--green",
    PEP.Status.CANCELLED: "govuk-tag--grey",
}
RAG_TAGS = {QAReview.Rag.GREEN: "govuk-tag--green", QAReview.Rag.AMBER: "govuk-tag--orange",
            QAReview.Rag.RED: "govuk-tag--red"}


@register.filter
def status_tag(status: str) -> str:
    return STATUS_TAGS.get(status, "govuk-tag--grey")


@register.filter
def rag_tag(rag: str) -> str:
    return RAG_TAGS.get(rag, "govuk-tag--grey")


@register.simple_tag
def section_rows(section, previous_targets=()):
    return section_display_rows(section, previous_targets)
