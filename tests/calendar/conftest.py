import pytest

from vschool.calendar import services


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """A rolled-back test transaction fires no signals, so forget whatever a test loaded."""
    services.invalidate_cache()
    yield
    services.invalidate_cache()
