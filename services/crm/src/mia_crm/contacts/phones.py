"""Phone numbers as contacts are keyed by: E.164, canonicalized by ``phonenumbers``."""

from __future__ import annotations

import phonenumbers

__all__ = ["InvalidPhoneNumber", "digits_of", "to_e164"]


class InvalidPhoneNumber(ValueError):
    """Not a number any country could have."""


def to_e164(raw: str, *, region: str | None = None) -> str:
    """``raw`` in E.164 (``+5511999990000``); ``region`` reads numbers without a ``+``."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as error:
        raise InvalidPhoneNumber(f"{raw!r} is not a phone number: {error}") from None
    if not phonenumbers.is_possible_number(number):
        raise InvalidPhoneNumber(f"{raw!r} has no possible length for its country")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def digits_of(text: str) -> str:
    """The digits of a search text, so "(11) 99999-0000" finds "+5511999990000"."""
    return "".join(character for character in text if character.isdigit())
