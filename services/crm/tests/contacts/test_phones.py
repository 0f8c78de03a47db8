"""Phone numbers are keyed in E.164, whatever punctuation they came with."""

from __future__ import annotations

import pytest

from mia_crm.contacts.phones import InvalidPhoneNumber, digits_of, to_e164


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("+5511987654321", None, "+5511987654321"),
        ("+55 (11) 98765-4321", None, "+5511987654321"),
        ("+1 415-555-2671", None, "+14155552671"),
        ("(11) 98765-4321", "BR", "+5511987654321"),
    ],
)
def test_numbers_are_normalized_to_e164(raw: str, region: str | None, expected: str) -> None:
    assert to_e164(raw, region=region) == expected


@pytest.mark.parametrize("raw", ["+999123456789", "+1234567", "not a number"])
def test_impossible_numbers_are_refused(raw: str) -> None:
    with pytest.raises(InvalidPhoneNumber):
        to_e164(raw)


def test_search_digits_ignore_punctuation() -> None:
    assert digits_of("+55 (11) 98765-4321") == "5511987654321"
