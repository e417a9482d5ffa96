"""Database pagination shared by every list page."""

from django.core.paginator import Paginator

DEFAULT_PAGE_SIZE = 50


def paginate(request, queryset, per_page: int = DEFAULT_PAGE_SIZE):
    """Return the requested page of a queryset (LIMIT/OFFSET in the database) and a query string without `page`."""
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()
