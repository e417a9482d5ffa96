import pytest

from vschool.calendar import services


@pytest.fixture(autouse=True)
def _cold_calendar_cache():
    """Calendar tests start cold so each proves its own loading and invalidation."""
    services.invalidate_cache()
    yield
