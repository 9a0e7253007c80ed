"""Amounts as people read them, and sums as the databases return them."""
from decimal import Decimal

import pytest

from portal.matching.funding import money_of
from portal.types import format_yuan


@pytest.mark.parametrize("amount, text", [
    (Decimal("3000"), "¥3,000"), (Decimal("3000.00"), "¥3,000"), (Decimal("3000.5"), "¥3,000.50"),
    (Decimal("1234567.89"), "¥1,234,567.89"), (Decimal("0.005"), "¥0.01"),  # half up, not half even
    (Decimal("2.345"), "¥2.35"), (3000, "¥3,000"), (Decimal("0"), "¥0"), (None, "—"),
])
def test_format_yuan(amount, text):
    assert format_yuan(amount) == text


def test_sums_from_sqlite_become_exact_yuan():
    assert money_of(0.1 + 0.2) == Decimal("0.30")  # a float sum, not its binary expansion
    assert money_of(1500) == Decimal(1500) and money_of(None) == Decimal("0.00")
    assert money_of(Decimal("12.34")) == Decimal("12.34")
