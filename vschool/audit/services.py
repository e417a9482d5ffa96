"""Recording who saw what."""

from .models import AccessLog


def client_ip(request) -> str | None:
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return (forwarded.split(",")[0].strip() or request.META.get("REMOTE_ADDR")) or None


def access_log_record(*, request, obj, what: str, child_id: int | None = None,
                      action: str = AccessLog.Action.VIEW) -> AccessLog:
    """Log that request.user viewed/downloaded/exported obj (a child's record, PEP or PDF)."""
    return AccessLog.objects.create(
        user=request.user if request.user.is_authenticated else None,
        action=action,
        what=what,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        child_id=child_id,
        path=request.get_full_path()[:300],
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )
