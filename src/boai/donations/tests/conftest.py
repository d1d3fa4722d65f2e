import pytest


@pytest.fixture(autouse=True)
def _payment_simulator(settings, tmp_path_factory):
    """Simulator mode with keys shared by the whole test session (RSA key generation is slow)."""
    from boai.donations.payments import reset

    settings.BOAI_PAY_MODE = "simulator"
    settings.BOAI_PAY_SIM_DIR = str(tmp_path_factory.getbasetemp() / "paysim")
    settings.BOAI_PAY_SIM_DELIVERY = "inprocess"
    reset()
    yield
    reset()
