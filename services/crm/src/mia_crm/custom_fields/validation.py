"""Custom field values: checked against their definitions, normalized, before they are stored.

``validate_values`` is the one gate every writer passes (the contact API, bulk "set field",
the importer): it answers the values to store (``None`` meaning "remove the value") or
raises ``InvalidFieldValues`` (422) naming each field at fault. ``check_value`` is the same
rule for one value, raising ``FieldValueError`` (the importer reports it per row and
column); ``parse_text`` first reads a value typed as text (a CSV cell) as its kind.

What each kind stores (JSON): text, phone (E.164), email (lower case), url and date
(``YYYY-MM-DD``) as strings; number as a number; boolean as true/false; select as one of
the options; multi_select as a list of options without repeats. A blank string, and an
empty multi_select list, remove the value like null does.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, Protocol
from urllib.parse import urlsplit

from pydantic import TypeAdapter, ValidationError

from mia_common.text import NUL, EmailApiStr, is_blank
from mia_crm.contacts.phones import InvalidPhoneNumber, to_e164
from mia_crm.custom_fields.errors import InvalidFieldValues
from mia_crm.models.custom_field import FieldKind

__all__ = [
    "MAX_TEXT_LENGTH",
    "FieldSpec",
    "FieldValueError",
    "check_value",
    "parse_text",
    "validate_values",
]

MAX_TEXT_LENGTH = 1000
MAX_URL_LENGTH = 2048
MAX_EMAIL_LENGTH = 320
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_BR_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_EMAIL: TypeAdapter[str] = TypeAdapter(EmailApiStr)
_TRUE = frozenset({"true", "yes", "y", "1", "sim", "s", "si", "verdadeiro", "x"})
_FALSE = frozenset({"false", "no", "n", "0", "não", "nao", "falso"})


class FieldSpec(Protocol):
    """What validation reads of a definition (a ``CustomField`` row is one)."""

    @property
    def key(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def options(self) -> list[Any] | None: ...


class FieldValueError(ValueError):
    """One value that does not fit its field: ``key``, a stable ``code`` and the reason."""

    def __init__(self, key: str, reason: str, *, code: str) -> None:
        super().__init__(f"{key}: {reason}")
        self.key = key
        self.reason = reason
        self.code = code


def validate_values(
    definitions: Iterable[FieldSpec],
    values: Mapping[str, Any],
    *,
    region: str = "BR",
    location: Sequence[str | int] = ("body", "fields"),
) -> dict[str, Any]:
    """``values`` (field key → value, null to remove) normalized for storage, every key
    kept (``None``: remove). Raises ``InvalidFieldValues`` naming every field at fault:
    an unknown key, a wrong type, an option not in the list, a bad phone, email, URL or
    date. ``region`` reads phone numbers written without a ``+``."""
    by_key = {definition.key: definition for definition in definitions}
    checked: dict[str, Any] = {}
    errors: list[FieldValueError] = []
    for key, value in values.items():
        definition = by_key.get(key)
        if definition is None:
            errors.append(
                FieldValueError(key, "no custom field has this key", code="unknown_field")
            )
            continue
        try:
            checked[key] = check_value(definition, value, region=region)
        except FieldValueError as error:
            errors.append(error)
    if errors:
        raise InvalidFieldValues(
            "; ".join(str(error) for error in errors),
            field=errors[0].key,
            errors=[
                {"loc": [*location, error.key], "msg": error.reason, "type": error.code}
                for error in errors
            ],
        )
    return checked


def check_value(definition: FieldSpec, value: Any, *, region: str = "BR") -> Any:
    """``value`` as stored for ``definition`` (``None``: no value), or ``FieldValueError``."""
    key, kind = definition.key, definition.kind
    if value is None:
        return None
    if isinstance(value, str):
        if NUL in value:
            raise FieldValueError(key, "must not contain the NUL character (U+0000)", code="nul")
        if is_blank(value) and kind != FieldKind.MULTI_SELECT:
            return None
    if kind == FieldKind.TEXT:
        text = _string(key, value, "a text")
        if len(text) > MAX_TEXT_LENGTH:
            raise FieldValueError(key, f"at most {MAX_TEXT_LENGTH} characters", code="too_long")
        return text
    if kind == FieldKind.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise FieldValueError(key, "must be a number", code="not_a_number")
        if isinstance(value, float) and not math.isfinite(value):
            raise FieldValueError(key, "must be a finite number", code="not_a_number")
        return value
    if kind == FieldKind.BOOLEAN:
        if not isinstance(value, bool):
            raise FieldValueError(key, "must be true or false", code="not_a_boolean")
        return value
    if kind == FieldKind.DATE:
        text = _string(key, value, "a date (YYYY-MM-DD)").strip()
        try:
            if not _DATE.fullmatch(text):
                raise ValueError(text)
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise FieldValueError(
                key, f"{text!r} is not a date (YYYY-MM-DD)", code="bad_date"
            ) from None
    if kind == FieldKind.SELECT:
        option = _string(key, value, "one of the options")
        if option not in (definition.options or []):
            raise FieldValueError(key, f"{option!r} is not one of the options", code="bad_option")
        return option
    if kind == FieldKind.MULTI_SELECT:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise FieldValueError(key, "must be a list of options", code="not_a_list")
        allowed = definition.options or []
        unknown = [item for item in value if item not in allowed]
        if unknown:
            raise FieldValueError(
                key, f"{unknown[0]!r} is not one of the options", code="bad_option"
            )
        chosen = list(dict.fromkeys(value))
        return chosen or None
    if kind == FieldKind.PHONE:
        raw = _string(key, value, "a phone number")
        try:
            return to_e164(raw.strip(), region=region)
        except InvalidPhoneNumber:
            raise FieldValueError(key, f"{raw!r} is not a phone number", code="bad_phone") from None
    if kind == FieldKind.EMAIL:
        raw = _string(key, value, "an email address")
        try:
            address = _EMAIL.validate_python(raw)
        except ValidationError:
            address = ""
        if not address or len(address) > MAX_EMAIL_LENGTH:
            raise FieldValueError(key, f"{raw!r} is not an email address", code="bad_email")
        return address
    if kind == FieldKind.URL:
        return _url(key, _string(key, value, "a URL"))
    raise FieldValueError(key, f"the field's kind {kind!r} is unknown", code="unknown_kind")


def parse_text(definition: FieldSpec, text: str, *, region: str = "BR") -> Any:
    """A value written as text (a CSV cell, a template form) read as the field's kind,
    then checked: numbers with a decimal comma ("1.234,5") or point, yes/no words in
    Portuguese, English and Spanish, dates as YYYY-MM-DD or DD/MM/YYYY, options of a
    multi_select separated by ";" or ",". Blank: ``None``."""
    if is_blank(text):
        return None
    value: Any = text.strip()
    kind = definition.kind
    if kind == FieldKind.NUMBER:
        value = _number(definition.key, value)
    elif kind == FieldKind.BOOLEAN:
        word = value.lower()
        if word in _TRUE:
            value = True
        elif word in _FALSE:
            value = False
        else:
            raise FieldValueError(
                definition.key, f"{text!r} is not yes or no", code="not_a_boolean"
            )
    elif kind == FieldKind.DATE:
        match = _BR_DATE.fullmatch(value)
        if match:
            day, month, year = (int(part) for part in match.groups())
            try:
                value = date(year, month, day).isoformat()
            except ValueError:
                raise FieldValueError(
                    definition.key, f"{text!r} is not a date", code="bad_date"
                ) from None
    elif kind == FieldKind.MULTI_SELECT:
        separator = ";" if ";" in value else ","
        value = [part.strip() for part in value.split(separator) if part.strip()]
    return check_value(definition, value, region=region)


def _string(key: str, value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise FieldValueError(key, f"must be {what}, as a string", code="not_a_string")
    return value


def _number(key: str, text: str) -> int | float:
    compact = text.replace(" ", "")
    if "," in compact:
        # "1.234,56" (Brazil) or "1,5": the comma is the decimal mark, points group.
        compact = compact.replace(".", "").replace(",", ".")
    try:
        number = float(compact)
    except ValueError:
        raise FieldValueError(key, f"{text!r} is not a number", code="not_a_number") from None
    if not math.isfinite(number):
        raise FieldValueError(key, f"{text!r} is not a number", code="not_a_number")
    return int(number) if number.is_integer() and "." not in compact else number


def _url(key: str, raw: str) -> str:
    text = raw.strip()
    candidate = text if "://" in text else f"https://{text}"
    try:
        parts = urlsplit(candidate)
        host = parts.hostname
    except ValueError:
        host = None
        parts = None
    if (
        parts is None
        or parts.scheme.lower() not in ("http", "https")
        or not host
        or ("." not in host and host != "localhost")
        or any(character.isspace() for character in candidate)
        or len(candidate) > MAX_URL_LENGTH
    ):
        raise FieldValueError(key, f"{raw!r} is not a web address (http or https)", code="bad_url")
    return candidate
