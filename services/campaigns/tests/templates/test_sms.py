"""SMS segment counting: GSM-7 versus UCS-2, extension characters, part boundaries."""

from __future__ import annotations

import pytest

from mia_campaigns.templates.sms import (
    GSM7_BASIC,
    GSM7_EXTENSION,
    SmsEncoding,
    SmsSegments,
    sms_segments,
)

GSM = SmsEncoding.GSM_7
UCS2 = SmsEncoding.UCS_2


def test_result_unpacks_as_encoding_characters_segments_and_room_left() -> None:
    encoding, characters, segments, left = sms_segments("Olá")

    assert (encoding, characters, segments, left) == (UCS2, 3, 1, 67)
    assert sms_segments("Ola") == SmsSegments(GSM, 3, 1, 157)


def test_empty_body_is_no_segment_with_a_whole_message_left() -> None:
    assert sms_segments("") == SmsSegments(GSM, 0, 0, 160)


@pytest.mark.parametrize(
    ("length", "expected"),
    [
        (1, (1, 159)),
        (160, (1, 0)),
        (161, (2, 153 * 2 - 161)),
        (153 * 2, (2, 0)),
        (153 * 2 + 1, (3, 152)),
        (153 * 3, (3, 0)),
        (153 * 3 + 1, (4, 152)),
    ],
)
def test_gsm7_boundaries_160_single_153_per_part(length: int, expected: tuple[int, int]) -> None:
    assert sms_segments("a" * length) == SmsSegments(GSM, length, *expected)


@pytest.mark.parametrize(
    ("length", "expected"),
    [
        (70, (1, 0)),
        (71, (2, 67 * 2 - 71)),
        (67 * 2, (2, 0)),
        (67 * 2 + 1, (3, 66)),
    ],
)
def test_ucs2_boundaries_70_single_67_per_part(length: int, expected: tuple[int, int]) -> None:
    body = "ç" + "a" * (length - 1)

    assert sms_segments(body) == SmsSegments(UCS2, length, *expected)


@pytest.mark.parametrize("char", list("^{}\\[~]|€\f"))
def test_extension_characters_count_two_septets(char: str) -> None:
    assert sms_segments(char) == SmsSegments(GSM, 2, 1, 158)
    assert sms_segments(char * 80) == SmsSegments(GSM, 160, 1, 0)
    assert sms_segments(char * 80 + "a").segments == 2


def test_extension_table_is_exactly_the_standards() -> None:
    assert set("^{}\\[~]|€\f") == GSM7_EXTENSION


def test_basic_table_has_127_characters_and_the_capital_c_cedilla() -> None:
    # 128 codes, minus the escape to the extension table.
    assert len(GSM7_BASIC) == 127
    assert "Ç" in GSM7_BASIC
    assert "ç" not in GSM7_BASIC


def test_an_escape_sequence_never_straddles_two_parts() -> None:
    # 152 septets, then "€" (2): it cannot take the last septet of part 1.
    body = "a" * 152 + "€" + "a" * 10

    assert sms_segments(body) == SmsSegments(GSM, 164, 2, 153 - 12)


@pytest.mark.parametrize(
    "body",
    [
        "Olá Maria, sua promoção chegou!",
        "Informação",
        "Não perca",
        "Até amanhã",
        "Você",
        "Própria",
        "Último aviso",
    ],
)
def test_portuguese_with_c_cedilla_tilde_or_acute_vowels_is_ucs2(body: str) -> None:
    result = sms_segments(body)

    assert result.encoding is UCS2
    assert result.characters == len(body)


@pytest.mark.parametrize(
    "body",
    [
        "Café às 10h? É hoje!",
        "CAÇAMBA",
        "Pague à vista: R$ 10,00 @ loja",
        "Linha 1\nLinha 2\r\n",
        "Müller, Ñandu, Øre, Åse, Ææ, ß, §1, ¿¡, £¥¤",
        "ΔΦΓΛΩΠΨΣΘΞ",
    ],
)
def test_text_inside_the_basic_table_stays_gsm7(body: str) -> None:
    assert sms_segments(body) == SmsSegments(GSM, len(body), 1, 160 - len(body))


@pytest.mark.parametrize("char", ["á", "í", "ó", "ú", "â", "ê", "ô", "ã", "õ", "ç", "Ã", "Á"])
def test_each_portuguese_letter_outside_the_basic_table_means_ucs2(char: str) -> None:
    assert sms_segments(f"a{char}").encoding is UCS2


def test_emoji_count_two_utf16_code_units() -> None:
    assert sms_segments("Oi 👋") == SmsSegments(UCS2, 5, 1, 65)
    assert sms_segments("👍" * 35) == SmsSegments(UCS2, 70, 1, 0)
    assert sms_segments("👍" * 35 + "a").segments == 2


def test_a_surrogate_pair_never_straddles_two_parts() -> None:
    body = "ç" * 66 + "👍" + "a" * 10

    assert sms_segments(body) == SmsSegments(UCS2, 78, 2, 67 - 12)


def test_emoji_in_the_bmp_counts_one_code_unit() -> None:
    # U+2764 HEAVY BLACK HEART is in the Basic Multilingual Plane.
    assert sms_segments("\u2764") == SmsSegments(UCS2, 1, 1, 69)


def test_extension_characters_count_one_when_the_body_is_ucs2() -> None:
    assert sms_segments("ç€{") == SmsSegments(UCS2, 3, 1, 67)
