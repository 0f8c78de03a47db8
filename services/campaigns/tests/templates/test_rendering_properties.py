"""Properties of rendering and segment counting over generated templates and values."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from mia_campaigns.templates.rendering import (
    MissingVariable,
    Rendered,
    TemplateParts,
    TemplateSyntaxError,
    Variable,
    normalize_value,
    render,
    to_meta_positional,
    variables_of,
)
from mia_campaigns.templates.sms import SmsEncoding, sms_segments

NAMES = ["first_name", "name", "phone", "email", "fields.plan", "fields.pontos", "csv.cupom"]
# Any text without braces, or a single brace between other characters.
literal = st.text(st.characters(blacklist_characters="{}"), max_size=12) | st.sampled_from(
    ["{a}", " { ", " } ", "{x} ", "R$ {preço}"]
)
fallback = st.none() | st.text(
    st.characters(blacklist_characters="{}|"), min_size=1, max_size=8
).filter(lambda s: normalize_value(s) != "")
variable = st.tuples(st.sampled_from(NAMES), fallback, st.sampled_from(["", " ", "  "]))
value = st.none() | st.text(max_size=10)

FAST = settings(max_examples=150, deadline=None)


def template_text(chunks: list[str], variables: list[tuple[str, str | None, str]]) -> str:
    """Chunks and variables interleaved; each name keeps the first fallback drawn for it."""
    fallbacks: dict[str, str | None] = {}
    pieces = [chunks[0]]
    for index, (name, drawn, pad) in enumerate(variables, start=1):
        given_fallback = fallbacks.setdefault(name, drawn)
        suffix = f"|{given_fallback}" if given_fallback is not None else ""
        pieces.append(f"{{{{{pad}{name}{suffix}{pad}}}}}")
        pieces.append(chunks[index % len(chunks)])
    return "".join(pieces)


def outcome(parts: TemplateParts, values: dict[str, str | None]) -> Rendered | MissingVariable:
    try:
        return render(parts, values, recipient="r")
    except MissingVariable as error:
        return error


def parsed(text: str) -> list[Variable] | TemplateSyntaxError:
    try:
        return variables_of(text)
    except TemplateSyntaxError as error:
        return error


@FAST
@given(
    st.lists(literal, min_size=1, max_size=6),
    st.lists(variable, max_size=5),
    st.dictionaries(st.sampled_from(NAMES), value),
)
def test_rendering_never_leaves_a_template_brace_pair_or_an_empty_parameter(
    chunks: list[str],
    variables: list[tuple[str, str | None, str]],
    values: dict[str, str | None],
) -> None:
    text = template_text(chunks, variables)
    clean_values = {k: (v.replace("{", "").replace("}", "") if v else v) for k, v in values.items()}

    rendered = outcome(TemplateParts(body=text), clean_values)

    if isinstance(rendered, MissingVariable):
        assert rendered.variable.fallback is None
        assert str(rendered).endswith("for r") or "for r;" in str(rendered)
        return
    assert "{{" not in rendered.body
    assert "}}" not in rendered.body
    for component in rendered.components:
        for parameter in component["parameters"]:
            assert parameter["text"].strip()
            assert not re.search(r"[\n\r\t]| {5}", parameter["text"])


# Text made mostly of the pieces of variables, so braces, bars and names meet often.
brace_soup = st.lists(
    st.sampled_from(["{", "}", "{{", "}}", "|", ".", " ", "\n", "1", "0", "x", "é"])
    | st.sampled_from(["name", "first_name", "fields.", "csv.", "plan", "fields.plan"]),
    max_size=12,
).map("".join)


@FAST
@given(brace_soup | st.text(max_size=40))
def test_any_text_either_parses_or_raises_a_syntax_error_inside_it(text: str) -> None:
    result = parsed(text)

    if isinstance(result, TemplateSyntaxError):
        assert 0 <= result.offset < len(text)
        return
    for found in result:
        assert text[found.start : found.start + 2] == "{{"
        assert text[found.end - 2 : found.end] == "}}"


@FAST
@given(st.text(max_size=40))
def test_normalize_value_is_idempotent_and_meta_safe(raw: str) -> None:
    once = normalize_value(raw)

    assert normalize_value(once) == once
    assert once == once.strip()
    assert not re.search(r"[\n\r\t]| {5}", once)


@FAST
@given(
    st.lists(literal, min_size=1, max_size=5),
    st.lists(variable, max_size=4),
    st.dictionaries(st.sampled_from(NAMES), st.none() | st.text(max_size=8)),
)
def test_a_meta_positional_copy_renders_the_same_message(
    chunks: list[str],
    variables: list[tuple[str, str | None, str]],
    values: dict[str, str | None],
) -> None:
    text = template_text(chunks, variables)
    meta_text, mapping = to_meta_positional(text)
    named = TemplateParts(body=text)
    positional = TemplateParts(body=meta_text, body_mapping=mapping)

    expected, got = outcome(named, values), outcome(positional, values)

    if isinstance(expected, MissingVariable):
        assert isinstance(got, MissingVariable)
        assert got.missing == expected.missing
        return
    assert isinstance(got, Rendered)
    assert got.body == expected.body
    texts = [[p["text"] for p in c["parameters"]] for c in got.components]
    assert texts == [[p["text"] for p in c["parameters"]] for c in expected.components]


@FAST
@given(st.text(max_size=400))
def test_segments_hold_the_text_and_leave_room_within_one_part(text: str) -> None:
    result = sms_segments(text)
    gsm = result.encoding is SmsEncoding.GSM_7
    single, part = (160, 153) if gsm else (70, 67)

    if result.characters <= single:
        assert result.segments == (1 if text else 0)
        assert result.characters_left_in_segment == single - result.characters
    else:
        assert result.segments * part >= result.characters
        assert 0 <= result.characters_left_in_segment < part
    if not gsm:
        assert result.characters == len(text.encode("utf-16-le")) // 2
