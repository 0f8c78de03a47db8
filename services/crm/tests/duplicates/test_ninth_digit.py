"""Brazil's ninth digit: which numbers are one mobile written two ways."""

from __future__ import annotations

import pytest

from mia_crm.duplicates.ninth_digit import ninth_digit_twin


@pytest.mark.parametrize(
    ("phone", "twin"),
    [
        ("+5511987654321", "+551187654321"),
        ("+551187654321", "+5511987654321"),
        ("+5521999990000", "+552199990000"),
        ("+558588887777", "+5585988887777"),
    ],
)
def test_a_brazilian_mobile_has_a_twin_with_and_without_the_ninth_digit(
    phone: str, twin: str
) -> None:
    assert ninth_digit_twin(phone) == twin
    assert ninth_digit_twin(twin) == phone


@pytest.mark.parametrize(
    "phone",
    [
        "+551134567890",  # a São Paulo landline (starts with 3)
        "+552125550000",  # a Rio landline (starts with 2)
        "+5511934567890",  # nine digits whose eight-digit rest reads as a landline
        "+5501987654321",  # no area code has a 0
        "+14155550100",
        "+351912345678",
        None,
    ],
)
def test_landlines_and_other_countries_have_no_twin(phone: str | None) -> None:
    assert ninth_digit_twin(phone) is None
