"""Custom field values against their definitions: normalized, or refused naming the field."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from mia_crm.custom_fields.errors import InvalidFieldValues
from mia_crm.custom_fields.validation import (
    FieldValueError,
    check_value,
    parse_text,
    validate_values,
)


@dataclass(frozen=True)
class Field:
    key: str
    kind: str
    options: list[Any] | None = None


DEFINITIONS = [
    Field("notes", "text"),
    Field("score", "number"),
    Field("birthday", "date"),
    Field("vip", "boolean"),
    Field("plan", "select", ["free", "gold"]),
    Field("interests", "multi_select", ["shoes", "bags", "hats"]),
    Field("work_phone", "phone"),
    Field("work_email", "email"),
    Field("site", "url"),
]


def test_values_of_every_kind_are_normalized() -> None:
    checked = validate_values(
        DEFINITIONS,
        {
            "notes": "likes blue",
            "score": 4.5,
            "birthday": "1990-02-28",
            "vip": True,
            "plan": "gold",
            "interests": ["bags", "shoes", "bags"],
            "work_phone": "(11) 98765-4321",
            "work_email": " Ana@Example.COM ",
            "site": "example.com/shop",
        },
    )

    assert checked == {
        "notes": "likes blue",
        "score": 4.5,
        "birthday": "1990-02-28",
        "vip": True,
        "plan": "gold",
        "interests": ["bags", "shoes"],
        "work_phone": "+5511987654321",
        "work_email": "ana@example.com",
        "site": "https://example.com/shop",
    }


def test_null_blank_and_an_empty_list_remove_a_value() -> None:
    checked = validate_values(
        DEFINITIONS, {"notes": None, "plan": "  ", "interests": [], "birthday": ""}
    )
    assert checked == {"notes": None, "plan": None, "interests": None, "birthday": None}


@pytest.mark.parametrize(
    ("key", "value", "code"),
    [
        ("nope", "x", "unknown_field"),
        ("notes", 12, "not_a_string"),
        ("notes", "x" * 1001, "too_long"),
        ("score", "12", "not_a_number"),
        ("score", True, "not_a_number"),
        ("birthday", "2023-02-30", "bad_date"),
        ("birthday", "30/01/2023", "bad_date"),
        ("vip", "yes", "not_a_boolean"),
        ("plan", "platinum", "bad_option"),
        ("interests", "shoes", "not_a_list"),
        ("interests", ["shoes", "cars"], "bad_option"),
        ("work_phone", "12", "bad_phone"),
        ("work_email", "ana@", "bad_email"),
        ("site", "ftp://example.com", "bad_url"),
        ("site", "not a url", "bad_url"),
    ],
)
def test_a_value_that_does_not_fit_is_refused_naming_its_field(
    key: str, value: Any, code: str
) -> None:
    with pytest.raises(InvalidFieldValues) as refused:
        validate_values(DEFINITIONS, {"notes": "fine", key: value})

    assert refused.value.status_code == 422
    assert refused.value.extra["field"] == key
    [error] = refused.value.extra["errors"]
    assert error["loc"] == ["body", "fields", key]
    assert error["type"] == code


def test_every_field_at_fault_is_named() -> None:
    with pytest.raises(InvalidFieldValues) as refused:
        validate_values(DEFINITIONS, {"score": "x", "plan": "x", "notes": "ok"})
    assert [e["loc"][-1] for e in refused.value.extra["errors"]] == ["score", "plan"]


def test_phone_numbers_are_read_in_the_given_country() -> None:
    field = Field("work_phone", "phone")
    assert check_value(field, "(212) 555-0100", region="US") == "+12125550100"
    assert check_value(field, "+55 21 91234-0002") == "+5521912340002"


@pytest.mark.parametrize(
    ("field", "text", "value"),
    [
        (Field("score", "number"), "1.234,5", 1234.5),
        (Field("score", "number"), "42", 42),
        (Field("score", "number"), "2.5", 2.5),
        (Field("vip", "boolean"), "Sim", True),
        (Field("vip", "boolean"), "no", False),
        (Field("birthday", "date"), "28/02/1990", "1990-02-28"),
        (Field("birthday", "date"), "1990-02-28", "1990-02-28"),
        (Field("interests", "multi_select", ["a b", "c"]), "a b; c", ["a b", "c"]),
        (Field("notes", "text"), "   ", None),
    ],
)
def test_text_cells_are_read_as_their_kind(field: Field, text: str, value: Any) -> None:
    assert parse_text(field, text) == value


def test_a_text_cell_that_is_not_its_kind_names_the_field() -> None:
    with pytest.raises(FieldValueError) as refused:
        parse_text(Field("vip", "boolean"), "maybe")
    assert (refused.value.key, refused.value.code) == ("vip", "not_a_boolean")
