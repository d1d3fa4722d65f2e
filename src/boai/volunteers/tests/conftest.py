import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Service messages are asserted in their English msgids, whatever another test left active."""
    with translation.override("en"):
        yield
