"""Reading one row: the Brazilian fast path for phones agrees with phonenumbers."""

from __future__ import annotations

import random

from mia_crm.contacts.phones import InvalidPhoneNumber, to_e164
from mia_crm.imports.rows import brazilian_e164

SHAPES = (
    "({a}) {n5}-{n4}",
    "{a} {n4}-{n4b}",
    "+55 {a} {n5}-{n4}",
    "+55{a}{n}",
    "55{a}{n}",
    "{a}{n}",
    "{a}.{n}",
    "+55 ({a}) {n}",
    "0{a}{n}",
)


def test_brazilian_numbers_typed_the_usual_ways_read_as_phonenumbers_reads_them() -> None:
    rng = random.Random(7)
    answered = 0
    for _ in range(20_000):
        area = f"{rng.randrange(0, 100):02d}"
        number = "".join(rng.choice("0123456789") for _ in range(rng.choice([7, 8, 9, 10])))
        cell = rng.choice(SHAPES).format(
            a=area, n=number, n5=number[:5], n4=number[5:], n4b=number[4:]
        )
        fast = brazilian_e164(cell)
        if fast is None:
            continue
        answered += 1
        try:
            slow = to_e164(cell.strip(), region="BR")
        except InvalidPhoneNumber:
            slow = None
        assert fast == slow, cell
    assert answered > 2_000


def test_the_fast_path_answers_the_formats_of_the_issue() -> None:
    assert brazilian_e164("(11) 98765-4321") == "+5511987654321"
    assert brazilian_e164("11 8765-4321") == "+551187654321"
    assert brazilian_e164("+55 11 98765-4321") == "+5511987654321"
    assert brazilian_e164("12") is None
    assert brazilian_e164("+1 415 555 0100") is None
