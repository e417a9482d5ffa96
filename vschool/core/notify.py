"""Email notifications. They never carry a child's name, date of birth or UPN: only what happened and a link."""

import logging

from django.conf import settings
from django.core.mail import send_mass_mail

logger = logging.getLogger(__name__)


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def notify(*, recipients, subject: str, message: str, path: str) -> int:
    """Email each recipient (users or addresses) a short message and a link to `path` in the service.

    Callers pass wording without child-identifying data; this function adds the link and the sign-off.
    Returns the number of emails sent.
    """
    addresses = sorted({getattr(r, "email", r) for r in recipients if getattr(r, "email", r)})
    if not addresses:
        return 0
    body = (
        f"{message}\n\nOpen it in {settings.SERVICE_NAME}: {absolute_url(path)}\n\n"
        f"You need to sign in to see the details. {settings.AUTHORITY_NAME}."
    )
    sent = send_mass_mail(
        [(f"{settings.SERVICE_NAME}: {subject}", body, settings.DEFAULT_FROM_EMAIL, [a]) for a in addresses],
        fail_silently=False,
    )
    logger.info("notification sent: subject=%r recipients=%d", subject, len(addresses))
    return sent
