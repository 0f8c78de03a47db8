"""Brazil's ninth digit: ``+55 AA 9XXXX-XXXX`` and ``+55 AA XXXX-XXXX`` are one mobile.

Brazilian mobile numbers gained a leading 9 (2012-2016), but WhatsApp still reports many
older accounts by the eight-digit form (``wa_id`` ``551187654321`` for
``+55 11 98765-4321``). An eight-digit number is a mobile when it starts with 6, 7, 8 or 9;
2 to 5 are landlines (``+55 11 3456-7890``), which never had a twin. So:

- ``+55 AA D XXXXXXX`` with D in 6-9 (eight digits) ↔ ``+55 AA 9 D XXXXXXX`` (nine);
- anything else (landlines, other countries, a nine-digit number whose eight-digit
  remainder would read as a landline) has no twin.

Area codes (DDD) never contain a 0. Numbers are E.164 strings, as contacts store them.
"""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, func, literal

__all__ = [
    "EIGHT_DIGIT_MOBILE",
    "NINE_DIGIT_MOBILE",
    "nine_digit_form_sql",
    "ninth_digit_twin",
]

# Regular expressions PostgreSQL reads the same way (``~``): no \d shorthand there.
EIGHT_DIGIT_MOBILE = r"^\+55[1-9][1-9][6-9][0-9]{7}$"
NINE_DIGIT_MOBILE = r"^\+55[1-9][1-9]9[6-9][0-9]{7}$"

_EIGHT = re.compile(EIGHT_DIGIT_MOBILE)
_NINE = re.compile(NINE_DIGIT_MOBILE)


def ninth_digit_twin(phone: str | None) -> str | None:
    """The same Brazilian mobile written the other way, or None when it has no twin."""
    if phone is None:
        return None
    if _EIGHT.match(phone):
        return f"{phone[:5]}9{phone[5:]}"
    if _NINE.match(phone):
        return f"{phone[:5]}{phone[6:]}"
    return None


def nine_digit_form_sql(phone: ColumnElement[str]) -> ColumnElement[str]:
    """SQL for the nine-digit form of an eight-digit mobile ``phone`` (only meaningful where
    ``phone ~ EIGHT_DIGIT_MOBILE``): ``+55`` and the area code, a 9, the eight digits."""
    return func.substr(phone, 1, 5).concat(literal("9")).concat(func.substr(phone, 6))
