from django.conf import settings


def service(request):
    """Names every page needs: the service, the authority and the protective marking."""
    return {
        "service_name": settings.SERVICE_NAME,
        "authority_name": settings.AUTHORITY_NAME,
        "protective_marking": settings.PROTECTIVE_MARKING,
    }
