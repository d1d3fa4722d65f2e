import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_messages():
    """Service-level assertions read the English message ids; page tests check the Chinese ones."""
    with translation.override("en"):
        yield
