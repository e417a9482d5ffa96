"""Health check and the GOV.UK error pages."""

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True
    except Exception:
        return False


def _broker_ok() -> bool | None:
    from django.conf import settings

    if not settings.REDIS_URL:
        return None  # eager mode: no broker to check
    try:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
        return bool(client.ping())
    except Exception:
        return False


@never_cache
def healthz(request):
    """JSON status of the database and broker; 503 when either is down."""
    database = _database_ok()
    broker = _broker_ok()
    healthy = database and broker is not False
    body = {
        "status": "ok" if healthy else "unavailable",
        "database": "ok" if database else "down",
        "broker": "eager" if broker is None else ("ok" if broker else "down"),
    }
    return JsonResponse(body, status=200 if healthy else 503)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def server_error(request):
    return render(request, "errors/500.html", status=500)


def csrf_failure(request, reason=""):
    return render(request, "errors/csrf.html", status=403)
