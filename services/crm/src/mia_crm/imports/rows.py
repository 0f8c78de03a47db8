"""One record of a file as a contact to write, or the reasons it cannot be one.

Cells are read as text people type: phone numbers in any national format of the tenant's
default country (``(11) 98765-4321``, ``11 8765-4321``) or international (``+55 11 9...``)
become E.164; emails are trimmed and lower-cased; custom fields are read by
``mia_crm.custom_fields.validation.parse_text``. A blank cell sets nothing (an update
keeps what the contact had). Every bad cell of a row is reported, with its column.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter, ValidationError

from mia_common.text import NUL, EmailApiStr
from mia_crm.contacts.phones import InvalidPhoneNumber, to_e164
from mia_crm.contacts.profile import canonical_language, canonical_time_zone
from mia_crm.custom_fields.validation import FieldSpec, FieldValueError, parse_text
from mia_crm.imports.mapping import CUSTOM_PREFIX, ContactTarget, normalized
from mia_crm.models import LifecycleStage

__all__ = ["ColumnMap", "ContactRow", "Problem", "RowReader", "brazilian_e164", "read_owner"]

_EMAIL: TypeAdapter[str] = TypeAdapter(EmailApiStr)
_SPACES = re.compile(r"\s+")
_LIFECYCLE_WORDS = {
    **{normalized(stage.value): stage.value for stage in LifecycleStage},
    "assinante": "subscriber",
    "inscrito": "subscriber",
    "mql": "marketing_qualified",
    "sql": "sales_qualified",
    "oportunidade": "opportunity",
    "cliente": "customer",
    "evangelista": "evangelist",
    "promotor": "evangelist",
    "outro": "other",
    "outros": "other",
}


@dataclass(frozen=True, slots=True)
class ColumnMap:
    index: int
    target: str
    header: str


@dataclass(frozen=True, slots=True)
class Problem:
    column: str | None
    reason: str


@dataclass(slots=True)
class ContactRow:
    """The columns of ``contacts`` a row sets (blank cells left out) and its custom
    fields; ``phone`` or ``channel_user_id`` is always there."""

    row_number: int
    values: dict[str, Any]
    fields: dict[str, Any] = field(default_factory=dict)


class _Bad(ValueError):
    pass


_TYPED = str.maketrans("", "", " ()-.\t")
_BR_NATIONAL = re.compile(r"[1-9][1-9](?:9\d{8}|[2-8]\d{7})")


def brazilian_e164(cell: str) -> str | None:
    """The E.164 form of a Brazilian number typed the usual ways, without phonenumbers
    (~70 µs a number): "(11) 98765-4321", "11 8765-4321", "+55 11 9...", "5511987654321";
    None for anything else, which phonenumbers then reads. A two-digit area code without a
    0 (11-99), then a mobile (9 and eight digits) or a landline (2-8 and seven): the numbers
    phonenumbers accepts in these shapes, in the same E.164 form."""
    digits = cell.strip().translate(_TYPED)
    if digits.startswith("+55"):
        national = digits[3:]
    elif len(digits) in (10, 11):
        national = digits
    elif len(digits) in (12, 13) and digits.startswith("55"):
        national = digits[2:]
    else:
        return None
    if not _BR_NATIONAL.fullmatch(national):
        return None
    return "+55" + national


def _text(limit: int) -> Callable[[str], str]:
    def read(cell: str) -> str:
        text = _SPACES.sub(" ", cell).strip()
        if NUL in text:
            raise _Bad("must not contain the NUL character (U+0000)")
        if len(text) > limit:
            raise _Bad(f"at most {limit} characters")
        return text

    return read


def _email(cell: str) -> str:
    try:
        address = _EMAIL.validate_python(cell)
    except ValidationError:
        raise _Bad(f"{cell.strip()!r} is not an email address") from None
    if len(address) > 320:
        raise _Bad("at most 320 characters")
    return address


def _language(cell: str) -> str:
    try:
        return canonical_language(cell.strip().replace("_", "-"))
    except ValueError:
        raise _Bad(f"{cell.strip()!r} is not a language tag (pt-BR, en, es)") from None


def _time_zone(cell: str) -> str:
    try:
        return canonical_time_zone(cell)
    except ValueError:
        raise _Bad(f"{cell.strip()!r} is not a time zone (America/Sao_Paulo)") from None


def _lifecycle(cell: str) -> str:
    stage = _LIFECYCLE_WORDS.get(normalized(cell))
    if stage is None:
        choices = ", ".join(stage.value for stage in LifecycleStage)
        raise _Bad(f"{cell.strip()!r} is not a lifecycle stage ({choices})")
    return stage


def read_owner(cell: str) -> uuid.UUID | None:
    """The user id a cell of the owner column names; None for a blank or malformed cell
    (the row reader reports that one)."""
    try:
        return _owner(cell) if cell and not cell.isspace() else None
    except _Bad:
        return None


def _owner(cell: str) -> uuid.UUID:
    try:
        return uuid.UUID(cell.strip())
    except ValueError:
        raise _Bad(f"{cell.strip()!r} is not a user id") from None


_READERS: dict[str, tuple[str, Callable[[str], Any]]] = {
    ContactTarget.NAME: ("name", _text(256)),
    ContactTarget.FIRST_NAME: ("first_name", _text(256)),
    ContactTarget.LAST_NAME: ("last_name", _text(256)),
    ContactTarget.EMAIL: ("email", _email),
    ContactTarget.USER_ID: ("channel_user_id", _text(128)),
    ContactTarget.LANGUAGE: ("language", _language),
    ContactTarget.TIME_ZONE: ("time_zone", _time_zone),
    ContactTarget.LIFECYCLE_STAGE: ("lifecycle_stage", _lifecycle),
    ContactTarget.SOURCE: ("source", _text(64)),
    ContactTarget.OWNER_USER_ID: ("owner_user_id", _owner),
}


class RowReader:
    """Reads the records of one file under one mapping."""

    def __init__(
        self,
        *,
        mapping: Sequence[ColumnMap],
        definitions: Mapping[str, FieldSpec],
        region: str,
        owners: Mapping[uuid.UUID, str | None] | None = None,
    ) -> None:
        """``owners``: the owner ids the gateway was asked about when the import started,
        each with None (a user who may own contacts) or why not; a row naming any other
        id is refused. None: not checked (a preview)."""
        self.mapping = list(mapping)
        self.definitions = definitions
        self.region = region
        self.owners = owners
        keys = [c.header for c in self.mapping if c.target == ContactTarget.PHONE]
        keys += [c.header for c in self.mapping if c.target == ContactTarget.USER_ID]
        self.key_header = keys[0] if keys else None

    def phone(self, cell: str) -> str:
        if self.region == "BR":
            fast = brazilian_e164(cell)
            if fast is not None:
                return fast
        try:
            phone = to_e164(cell.strip(), region=self.region)
        except InvalidPhoneNumber:
            raise _Bad(f"{cell.strip()!r} is not a phone number") from None
        if len(phone) > 16:
            raise _Bad(f"{cell.strip()!r} is too long for a phone number")
        return phone

    def _check_owner(self, owner: uuid.UUID) -> None:
        if self.owners is None:
            return
        if owner not in self.owners:
            raise _Bad(f"user {owner} was not checked when the import started")
        reason = self.owners[owner]
        if reason is not None:
            raise _Bad(reason)

    def read(self, row_number: int, cells: Sequence[str]) -> ContactRow | list[Problem]:
        values: dict[str, Any] = {}
        fields: dict[str, Any] = {}
        problems: list[Problem] = []
        count = len(cells)
        for column in self.mapping:
            if column.index >= count:
                continue
            cell = cells[column.index]
            if not cell or cell.isspace():
                continue
            target = column.target
            try:
                if target == ContactTarget.PHONE:
                    values["phone"] = self.phone(cell)
                elif target.startswith(CUSTOM_PREFIX):
                    definition = self.definitions[target[len(CUSTOM_PREFIX) :]]
                    value = parse_text(definition, cell, region=self.region)
                    if value is not None:
                        fields[definition.key] = value
                else:
                    name, reader = _READERS[target]
                    values[name] = reader(cell)
                    if target == ContactTarget.OWNER_USER_ID:
                        self._check_owner(values[name])
            except _Bad as error:
                problems.append(Problem(column.header, str(error)))
            except FieldValueError as error:
                problems.append(Problem(column.header, error.reason))
        first = values.pop("first_name", None)
        last = values.pop("last_name", None)
        if "name" not in values and (first or last):
            name = " ".join(part for part in (first, last) if part)
            if len(name) > 256:
                problems.append(Problem(None, "the name is longer than 256 characters"))
            values["name"] = name[:256]
        if problems:
            return problems
        if "phone" not in values and "channel_user_id" not in values:
            return [Problem(self.key_header, "no phone number or user id")]
        return ContactRow(row_number, values, fields)
