import pytest


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    """Per-process caches (cell rows, course and issuer labels) must not leak between tests."""
    from boai.firstaid import selectors, selectors_training

    selectors.clear_cell_cache()
    selectors_training.clear_label_cache()
    yield
