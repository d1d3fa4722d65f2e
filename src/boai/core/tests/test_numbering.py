from __future__ import annotations

import pytest
from django.db import transaction

from boai.core.numbering import next_number, next_numbers, next_value


@pytest.mark.django_db(transaction=True)
def test_numbers_count_per_prefix_and_year_and_roll_back():
    with transaction.atomic():
        assert next_number("RA", year=2026) == "RA-2026-000001"
        assert next_number("RA", year=2026) == "RA-2026-000002"
        assert next_number("RA", year=2027) == "RA-2027-000001"
        assert next_numbers("HH", 3, year=2026, width=4) == ["HH-2026-0001", "HH-2026-0002", "HH-2026-0003"]
    with pytest.raises(RuntimeError), transaction.atomic():
        assert next_number("RA", year=2026) == "RA-2026-000003"
        raise RuntimeError("rolled back")
    with transaction.atomic():
        assert next_number("RA", year=2026) == "RA-2026-000003"  # the rolled-back number is given back


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        next_value("X")
