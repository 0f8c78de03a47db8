"""Rendering for one recipient: texts, Meta components, fallbacks, missing values."""

from __future__ import annotations

import pytest

from mia_campaigns.templates.rendering import (
    HeaderMedia,
    MissingVariable,
    TemplateParts,
    compile_template,
    normalize_value,
    render,
)
from mia_common.contracts.messages import TemplateContent

MARIA = {"name": "Maria da Silva", "phone": "+5511999990000", "email": "maria@example.com"}


def body(text: str, values: dict[str, str | None], **parts: object) -> str:
    return render(TemplateParts(body=text, **parts), values, recipient="Maria").body  # type: ignore[arg-type]


def missing(parts: TemplateParts, values: dict[str, str | None], recipient: str) -> MissingVariable:
    with pytest.raises(MissingVariable) as caught:
        render(parts, values, recipient=recipient)
    return caught.value


def test_named_variables_are_filled_from_the_values() -> None:
    values = {**MARIA, "fields.plan": "Ouro", "csv.cupom": "VERAO10"}

    assert (
        body("{{name}}, {{phone}}, {{email}}: plano {{fields.plan}}, cupom {{csv.cupom}}", values)
        == "Maria da Silva, +5511999990000, maria@example.com: plano Ouro, cupom VERAO10"
    )


def test_first_name_is_the_first_word_of_name_when_not_given() -> None:
    assert body("Olá {{first_name}}!", {"name": "  Maria   da Silva "}) == "Olá Maria!"
    assert body("Olá {{first_name}}!", {"name": "Maria", "first_name": "Mari"}) == "Olá Mari!"
    assert body("Olá {{first_name}}!", {"name": "Maria", "first_name": "  "}) == "Olá Maria!"


def test_a_fallback_fills_a_missing_none_or_blank_value() -> None:
    text = "Olá {{fields.apelido|cliente}}!"

    assert body(text, {}) == "Olá cliente!"
    assert body(text, {"fields.apelido": None}) == "Olá cliente!"
    assert body(text, {"fields.apelido": " \n\t "}) == "Olá cliente!"
    assert body(text, {"fields.apelido": "Mari"}) == "Olá Mari!"


def test_rendered_tells_which_variables_took_their_fallback() -> None:
    rendered = render(
        TemplateParts(body="{{first_name|cliente}} {{fields.plan|básico}} {{email}}"),
        {"fields.plan": "Ouro", "email": "a@b.co"},
        recipient="r",
    )

    assert rendered.body == "cliente Ouro a@b.co"
    assert rendered.fallbacks_used == ("first_name",)


def test_a_missing_value_names_the_variable_the_part_and_the_recipient() -> None:
    error = missing(
        TemplateParts(body="Olá {{first_name}}, plano {{fields.plan}}"),
        {"name": "Maria"},
        "Maria (+5511999990000)",
    )

    assert error.variable.name == "fields.plan"
    assert error.recipient == "Maria (+5511999990000)"
    assert error.part == "body"
    assert error.missing == ("fields.plan",)
    assert str(error) == "no value for {{fields.plan}} in the body for Maria (+5511999990000)"
    assert error.code == "template_variable_missing"


def test_a_missing_positional_value_names_both_the_variable_and_its_number() -> None:
    error = missing(
        TemplateParts(body="Olá {{1}}", body_mapping={"1": "first_name"}), {}, "contato 42"
    )

    assert str(error) == "no value for {{first_name}} ({{1}}) in the body for contato 42"
    assert error.variable.position == 1


def test_every_missing_variable_is_listed_the_first_one_named() -> None:
    error = missing(
        TemplateParts(
            header_text="Oi {{first_name}}",
            body="{{csv.codigo}} {{fields.plan}} {{csv.codigo}}",
            button_url="https://x.co/{{email}}",
        ),
        {},
        "linha 7 do CSV",
    )

    assert error.part == "header"
    assert error.missing == ("first_name", "csv.codigo", "fields.plan", "email")
    assert str(error) == (
        "no value for {{first_name}} in the header for linha 7 do CSV; "
        "also missing: csv.codigo, fields.plan, email"
    )


def test_an_occurrence_without_fallback_still_takes_the_parts_fallback() -> None:
    assert body("{{name|amigo}} e {{name}}", {}) == "amigo e amigo"


def test_values_are_inserted_literally_never_expanded_again() -> None:
    values = {"name": "{{email}} {{1}}", "email": "x@y.co"}

    assert body("Oi {{name}} <{{email}}>", values) == "Oi {{email}} {{1}} <x@y.co>"


def test_newlines_tabs_and_long_space_runs_in_values_become_one_space() -> None:
    values = {"fields.note": "linha 1\nlinha 2\r\n\tlinha 3", "csv.a": "a     b", "csv.b": "a    b"}

    assert body("{{fields.note}}|{{csv.a}}|{{csv.b}}", values) == (
        "linha 1 linha 2 linha 3|a b|a    b"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  Maria  ", "Maria"),
        ("a\nb", "a b"),
        ("a\tb", "a b"),
        ("a\r\nb", "a b"),
        ("a \n b", "a b"),
        ("a    b", "a    b"),
        ("a     b", "a b"),
        ("a\u00a0b", "a\u00a0b"),
        ("a\u2028b", "a b"),
        ("\n\t", ""),
    ],
)
def test_normalize_value_follows_metas_parameter_rule(value: str, expected: str) -> None:
    assert normalize_value(value) == expected


def test_the_template_text_itself_keeps_its_newlines() -> None:
    assert body("Olá {{name}}\n\nAté logo", {"name": "Ana"}) == "Olá Ana\n\nAté logo"


def test_body_components_follow_the_positional_order() -> None:
    rendered = render(
        TemplateParts(
            body="{{2}} — olá {{1}}, {{2}}",
            body_mapping={"1": "first_name|cliente", "2": "fields.plan"},
        ),
        {"fields.plan": "Ouro"},
        recipient="r",
    )

    assert rendered.body == "Ouro — olá cliente, Ouro"
    assert rendered.components == [
        {
            "type": "body",
            "parameters": [{"type": "text", "text": "cliente"}, {"type": "text", "text": "Ouro"}],
        }
    ]


def test_named_variables_are_sent_with_parameter_name_once_each() -> None:
    rendered = render(
        TemplateParts(body="{{first_name}}, {{fields.plan}}, {{first_name}}"),
        {"name": "Ana Lima", "fields.plan": "Ouro"},
        recipient="r",
    )

    assert rendered.components == [
        {
            "type": "body",
            "parameters": [
                {"type": "text", "text": "Ana", "parameter_name": "first_name"},
                {"type": "text", "text": "Ouro", "parameter_name": "fields.plan"},
            ],
        }
    ]


def test_a_meta_named_template_sends_its_own_parameter_names() -> None:
    rendered = render(
        TemplateParts(
            body="Pedido {{order_number}} de {{customer}}",
            body_mapping={"order_number": "csv.pedido", "customer": "first_name|cliente"},
        ),
        {"csv.pedido": "A-17"},
        recipient="r",
    )

    assert rendered.body == "Pedido A-17 de cliente"
    assert rendered.components[0]["parameters"] == [
        {"type": "text", "text": "A-17", "parameter_name": "order_number"},
        {"type": "text", "text": "cliente", "parameter_name": "customer"},
    ]


def test_header_text_body_and_url_button_components_in_metas_shape() -> None:
    parts = TemplateParts(
        header_text="Oferta para {{1}}",
        header_mapping={"1": "first_name"},
        body="Olá {{1}}, use o cupom {{2}} até {{3}}.",
        body_mapping={"1": "first_name", "2": "csv.cupom", "3": "fields.validade|domingo"},
        button_url="https://loja.example.com/c/{{1}}",
        button_mapping={"1": "csv.cupom"},
        button_index=1,
    )

    rendered = render(parts, {"name": "João Souza", "csv.cupom": "VERAO10"}, recipient="r")

    assert rendered.header_text == "Oferta para João"
    assert rendered.body == "Olá João, use o cupom VERAO10 até domingo."
    assert rendered.button_url == "https://loja.example.com/c/VERAO10"
    assert rendered.components == [
        {"type": "header", "parameters": [{"type": "text", "text": "João"}]},
        {
            "type": "body",
            "parameters": [
                {"type": "text", "text": "João"},
                {"type": "text", "text": "VERAO10"},
                {"type": "text", "text": "domingo"},
            ],
        },
        {
            "type": "button",
            "sub_type": "url",
            "index": "1",
            "parameters": [{"type": "text", "text": "VERAO10"}],
        },
    ]


def test_a_named_url_button_variable_is_still_sent_positionally() -> None:
    rendered = render(
        TemplateParts(body="Oi", button_url="https://x.co/r/{{csv.code}}"),
        {"csv.code": "abc"},
        recipient="r",
    )

    assert rendered.components == [
        {
            "type": "button",
            "sub_type": "url",
            "index": "0",
            "parameters": [{"type": "text", "text": "abc"}],
        }
    ]


def test_a_url_button_value_is_percent_encoded_where_a_url_cannot_hold_it() -> None:
    rendered = render(
        TemplateParts(body="Oi", button_url="https://x.co/r/{{csv.code}}"),
        {"csv.code": 'promo de verão/2026?a=1&b="x"'},
        recipient="r",
    )

    encoded = "promo%20de%20ver%C3%A3o/2026?a=1&b=%22x%22"
    assert rendered.button_url == f"https://x.co/r/{encoded}"
    assert rendered.components[0]["parameters"] == [{"type": "text", "text": encoded}]


def test_parts_without_variables_send_no_component() -> None:
    rendered = render(
        TemplateParts(header_text="Novidades", body="Chegou!", button_url="https://x.co/"),
        {},
        recipient="r",
    )

    assert (rendered.header_text, rendered.body, rendered.button_url) == (
        "Novidades",
        "Chegou!",
        "https://x.co/",
    )
    assert rendered.components == []


@pytest.mark.parametrize(
    ("media", "parameter"),
    [
        (
            HeaderMedia("image", link="https://cdn.example.com/a.jpg"),
            {"type": "image", "image": {"link": "https://cdn.example.com/a.jpg"}},
        ),
        (HeaderMedia("video", media_id="123"), {"type": "video", "video": {"id": "123"}}),
        (
            HeaderMedia("document", link="https://x.co/b.pdf", filename="boleto.pdf"),
            {
                "type": "document",
                "document": {"link": "https://x.co/b.pdf", "filename": "boleto.pdf"},
            },
        ),
    ],
)
def test_a_media_header_is_the_first_component(
    media: HeaderMedia, parameter: dict[str, object]
) -> None:
    rendered = render(
        TemplateParts(body="Oi {{name}}", header_media=media), {"name": "Ana"}, recipient="r"
    )

    assert rendered.header_text is None
    assert rendered.components == [
        {"type": "header", "parameters": [parameter]},
        {"type": "body", "parameters": [{"type": "text", "text": "Ana", "parameter_name": "name"}]},
    ]


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"link": "https://x.co/a", "media_id": "1"}],
)
def test_a_media_header_needs_exactly_one_of_link_or_media_id(kwargs: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="exactly one"):
        HeaderMedia("image", **kwargs)  # type: ignore[arg-type]


def test_only_a_document_header_has_a_filename() -> None:
    with pytest.raises(ValueError, match="filename"):
        HeaderMedia("image", link="https://x.co/a.png", filename="a.png")


def test_rendered_becomes_a_template_content() -> None:
    rendered = render(
        TemplateParts(body="Olá {{1}}", body_mapping={"1": "first_name"}),
        {"name": "Ana"},
        recipient="r",
    )

    content = rendered.template_content(name="boas_vindas", language="pt_BR")

    assert content == TemplateContent(
        name="boas_vindas",
        language="pt_BR",
        components=[{"type": "body", "parameters": [{"type": "text", "text": "Ana"}]}],
    )


def test_a_compiled_template_renders_many_recipients_and_fails_only_the_one_missing() -> None:
    template = compile_template(TemplateParts(body="Olá {{first_name}}, {{csv.cupom}}"))
    rows = [
        ("linha 1", {"name": "Ana", "csv.cupom": "A1"}),
        ("linha 2", {"name": "Bia", "csv.cupom": ""}),
        ("linha 3", {"name": "Caio", "csv.cupom": "C3"}),
    ]

    outcomes: list[str] = []
    for label, values in rows:
        try:
            outcomes.append(template.render(values, recipient=label).body)
        except MissingVariable as error:
            outcomes.append(str(error))

    assert outcomes == [
        "Olá Ana, A1",
        "no value for {{csv.cupom}} in the body for linha 2",
        "Olá Caio, C3",
    ]


def test_the_same_value_goes_into_text_and_components() -> None:
    rendered = render(
        TemplateParts(body="Nota: {{1}}", body_mapping={"1": "fields.note"}),
        {"fields.note": "a\nb      c"},
        recipient="r",
    )

    assert rendered.body == "Nota: a b c"
    assert rendered.components[0]["parameters"] == [{"type": "text", "text": "a b c"}]
