"""Searching who saw what (the access log) and who changed what (django-auditlog's change history)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone

from vschool.accounts.models import User

from .models import AccessLog

MAX_MATCHES = 500


@dataclass(frozen=True)
class AuditFilters:
    child: str = ""
    user: str = ""
    date_from: date | None = None
    date_to: date | None = None


def _require(user) -> None:
    if not user.has_perm("audit.search"):
        raise PermissionDenied


def child_matches(text: str) -> list[int]:
    """Ids of children matching a database id, an LA child id or words of a name (at most MAX_MATCHES)."""
    from roll.models import Child

    text = text.strip()
    if not text:
        return []
    q = Q(la_child_id__iexact=text)
    if text.isdigit():
        q |= Q(pk=int(text))
    else:
        words = text.split()[:4]
        name_q = Q()
        for word in words:
            name_q &= (Q(legal_first_name__icontains=word) | Q(legal_last_name__icontains=word)
                       | Q(preferred_name__icontains=word))
        q |= name_q
    return list(Child.objects.filter(q).values_list("pk", flat=True)[:MAX_MATCHES])


def user_matches(text: str) -> list[int]:
    """Ids of users matching an email address, username or words of a name."""
    text = text.strip()
    if not text:
        return []
    q = Q(email__iexact=text) | Q(username__iexact=text)
    if "@" not in text:
        name_q = Q()
        for word in text.split()[:4]:
            name_q &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
        q |= name_q
    return list(User.objects.filter(q).values_list("pk", flat=True)[:MAX_MATCHES])


def _bounds(filters: AuditFilters) -> tuple[datetime | None, datetime | None]:
    """The dates as an aware [start, end) range in the service's time zone (Europe/London)."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(filters.date_from, time.min, tzinfo=tz) if filters.date_from else None
    end = datetime.combine(filters.date_to + timedelta(days=1), time.min, tzinfo=tz) if filters.date_to else None
    return start, end


def access_log_search(*, user, filters: AuditFilters) -> QuerySet[AccessLog]:
    """Access log rows (who viewed, downloaded or exported what) matching the filters, newest first. VSH only."""
    _require(user)
    qs = AccessLog.objects.select_related("user")
    if filters.child:
        qs = qs.filter(child_id__in=child_matches(filters.child))
    if filters.user:
        qs = qs.filter(user_id__in=user_matches(filters.user))
    start, end = _bounds(filters)
    if start:
        qs = qs.filter(at__gte=start)
    if end:
        qs = qs.filter(at__lt=end)
    return qs.order_by("-at", "-pk")


def change_log_search(*, user, filters: AuditFilters) -> QuerySet[LogEntry]:
    """Change history entries matching the filters, newest first. VSH only.

    For a child, this finds changes to the child's own row (by content type and id) and any entry whose description
    names the child (when searching by name).
    """
    from roll.models import Child

    _require(user)
    qs = LogEntry.objects.select_related("actor", "content_type").defer("serialized_data", "additional_data")
    if filters.child:
        ids = [str(pk) for pk in child_matches(filters.child)]
        q = Q(content_type=ContentType.objects.get_for_model(Child), object_pk__in=ids)
        text = filters.child.strip()
        if not text.isdigit() and len(text) >= 3:
            q |= Q(object_repr__icontains=text)
        qs = qs.filter(q)
    if filters.user:
        qs = qs.filter(actor_id__in=user_matches(filters.user))
    start, end = _bounds(filters)
    if start:
        qs = qs.filter(timestamp__gte=start)
    if end:
        qs = qs.filter(timestamp__lt=end)
    return qs.order_by("-timestamp", "-pk")


def child_names(ids) -> dict[int, str]:
    """Display names for the given child ids, in one query (for labelling a page of log rows)."""
    from roll.models import Child

    ids = {i for i in ids if i}
    if not ids:
        return {}
    return {c.pk: c.display_name for c in Child.objects.filter(pk__in=ids).only(
        "pk", "legal_first_name", "legal_last_name", "preferred_name")}
