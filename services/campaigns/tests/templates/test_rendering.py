"""Template variable syntax: what ``variables_of`` finds and the errors it names."""

from __future__ import annotations

import pytest

from mia_campaigns.templates.rendering import (
    TemplateParts,
    TemplateSyntaxError,
    Variable,
    compile_template,
    to_meta_positional,
    variables_of,
)


def names(text: str, **kwargs: object) -> list[tuple[str, str | None]]:
    return [(v.name, v.fallback) for v in variables_of(text, **kwargs)]  # type: ignore[arg-type]


def syntax_error(text: str, **kwargs: object) -> TemplateSyntaxError:
    with pytest.raises(TemplateSyntaxError) as caught:
        variables_of(text, **kwargs)  # type: ignore[arg-type]
    return caught.value


def test_contact_fields_custom_fields_and_csv_columns_in_order() -> None:
    text = "{{first_name}} {{name}} {{phone}} {{email}} {{fields.plan}} {{csv.código}}"

    assert names(text) == [
        ("first_name", None),
        ("name", None),
        ("phone", None),
        ("email", None),
        ("fields.plan", None),
        ("csv.código", None),
    ]


def test_a_variable_knows_its_span_in_the_text() -> None:
    text = "Olá {{first_name}}!"

    [variable] = variables_of(text)

    assert variable == Variable("first_name", None, 4, 18, "first_name")
    assert variable.span == (4, 18)
    assert text[slice(*variable.span)] == "{{first_name}}"
    assert variable.position is None
    assert variable.parameter_name == "first_name"


def test_text_without_variables_has_none() -> None:
    assert variables_of("Promoção de verão, só hoje! {ok} } {") == []


def test_fallback_is_the_trimmed_text_after_the_bar() -> None:
    assert names("{{first_name|cliente}}") == [("first_name", "cliente")]
    assert names("{{ first_name | querido cliente }}") == [("first_name", "querido cliente")]
    assert names("{{csv.code|a|b}}") == [("csv.code", "a|b")]


def test_whitespace_inside_braces_is_tolerated() -> None:
    assert names("{{  email  }} {{\tfields.plan\n}}") == [("email", None), ("fields.plan", None)]


def test_a_repeated_variable_is_listed_at_each_occurrence() -> None:
    assert names("{{name}} e {{name}}") == [("name", None), ("name", None)]


def test_a_fallback_on_one_occurrence_applies_to_all_of_them_in_the_part() -> None:
    assert names("{{first_name}} ... {{first_name|você}}") == [
        ("first_name", "você"),
        ("first_name", "você"),
    ]


def test_repeats_may_leave_out_the_fallback_but_not_change_it() -> None:
    error = syntax_error("{{first_name|você}} ... {{first_name|cliente}}")
    assert error.offset == 24
    assert "second fallback" in error.message


@pytest.mark.parametrize(
    ("text", "offset", "says"),
    [
        ("Olá {{ }}", 4, "empty variable"),
        ("Olá {{}}", 4, "empty variable"),
        ("Total {{1.5}}", 6, "'{{1.5}}' is not a variable"),
        ("{{fields.}}", 0, "'fields.' needs a custom field key"),
        ("{{fields.Plan}}", 0, "'fields.' needs a custom field key"),
        ("{{fields.1plan}}", 0, "'fields.' needs a custom field key"),
        ("{{csv.}}", 0, "'csv.' needs a column name"),
        ("{{csv.first name}}", 0, "'csv.' needs a column name"),
        ("Oi {{first_name", 3, "never closed"),
        ("Oi first_name}}", 13, "without an opening"),
        ("}} {{name}}", 0, "without an opening"),
        ("{{name}} }}", 9, "without an opening"),
        ("{{a {{name}}", 0, "not closed before the next"),
        ("{{{name}}}", 0, "'{{{name}}' is not a variable"),
        ("{{city}}", 0, "'{{city}}' is not a variable"),
        ("{{First_Name}}", 0, "is not a variable"),
        ("{{first_name|}}", 0, "empty fallback"),
        ("{{first_name|   }}", 0, "empty fallback"),
        ("{{first_name|a}b}}", 0, "may not hold braces"),
        ("{{|cliente}}", 0, "names no variable"),
        ("{{0}}", 0, "they count from {{1}}"),
        ("{{01}}", 0, "they count from {{1}}"),
        ("x {{1}}", 2, "map it to a named variable"),
    ],
)
def test_anything_else_that_looks_like_a_variable_is_an_error_at_its_offset(
    text: str, offset: int, says: str
) -> None:
    error = syntax_error(text)

    assert error.offset == offset
    assert says in error.message
    assert f"at offset {offset}" in str(error)


def test_positional_variables_take_their_names_from_the_mapping() -> None:
    mapping = {"1": "first_name|cliente", "2": "fields.plan"}

    variables = variables_of("Olá {{1}}, seu plano {{ 2 }}; {{1}}", mapping=mapping)

    assert [(v.name, v.fallback, v.position, v.placeholder) for v in variables] == [
        ("first_name", "cliente", 1, "1"),
        ("fields.plan", None, 2, "2"),
        ("first_name", "cliente", 1, "1"),
    ]
    assert variables[0].parameter_name is None


def test_a_positional_variable_without_its_mapping_entry_is_an_error() -> None:
    error = syntax_error("{{1}} {{2}}", mapping={"1": "name"})

    assert error.offset == 6
    assert "'{{2}}' is Meta's positional variable" in error.message


def test_a_positional_variable_takes_no_inline_fallback() -> None:
    error = syntax_error("{{1|cliente}}", mapping={"1": "name"})

    assert "takes its fallback from its mapping" in error.message


def test_a_mapping_to_something_that_is_not_a_variable_is_an_error_at_its_use() -> None:
    error = syntax_error("Oi {{1}}", mapping={"1": "city"})

    assert error.offset == 3
    assert "the mapping of {{1}} is not a variable" in error.message


def test_positional_numbers_have_no_gaps() -> None:
    error = syntax_error("{{1}} {{3}}", mapping={"1": "name", "3": "email"})

    assert error.offset == 6
    assert "'{{3}}' without '{{2}}'" in error.message


def test_positional_and_named_variables_do_not_mix_in_one_part() -> None:
    error = syntax_error("{{1}} {{email}}", mapping={"1": "name"})

    assert error.offset == 6
    assert "does not mix" in error.message
    assert syntax_error("{{email}} {{1}}", mapping={"1": "name"}).offset == 10


def test_a_mapping_may_name_meta_named_parameters() -> None:
    [variable] = variables_of("Pedido {{order_number}}", mapping={"order_number": "csv.pedido"})

    assert (variable.name, variable.meta_name, variable.parameter_name) == (
        "csv.pedido",
        "order_number",
        "order_number",
    )


def test_unused_mapping_keys_are_ignored() -> None:
    assert names("{{1}}", mapping={"1": "name", "2": "email", "x": "city"}) == [("name", None)]


def test_compiling_names_the_part_of_an_error() -> None:
    with pytest.raises(TemplateSyntaxError) as caught:
        compile_template(TemplateParts(body="ok", header_text="Oi {{nome}}"))

    assert caught.value.part == "header"
    assert caught.value.offset == 3
    assert str(caught.value).endswith("(header, at offset 3)")


def test_a_text_header_holds_at_most_one_variable() -> None:
    with pytest.raises(TemplateSyntaxError) as caught:
        compile_template(TemplateParts(body="ok", header_text="{{name}} {{name}}"))

    assert (caught.value.part, caught.value.offset) == ("header", 9)


def test_a_url_button_variable_must_end_the_url() -> None:
    with pytest.raises(TemplateSyntaxError) as caught:
        compile_template(TemplateParts(body="ok", button_url="https://x.co/{{csv.code}}/ok"))

    assert (caught.value.part, caught.value.offset) == ("button", 13)
    assert "must end the URL" in caught.value.message


def test_a_url_button_holds_at_most_one_variable() -> None:
    with pytest.raises(TemplateSyntaxError) as caught:
        compile_template(TemplateParts(body="ok", button_url="https://x.co/{{name}}{{email}}"))

    assert "at most one variable" in caught.value.message


def test_a_template_has_a_text_or_a_media_header_not_both() -> None:
    from mia_campaigns.templates.rendering import HeaderMedia

    with pytest.raises(TemplateSyntaxError):
        compile_template(
            TemplateParts(
                body="ok",
                header_text="Oi",
                header_media=HeaderMedia("image", link="https://x.co/a.png"),
            )
        )


def test_compiled_template_lists_variables_of_header_body_and_button() -> None:
    template = compile_template(
        TemplateParts(
            header_text="Oi {{first_name}}",
            body="{{1}} tem {{2}}",
            body_mapping={"1": "name", "2": "fields.points"},
            button_url="https://x.co/r/{{csv.code}}",
        )
    )

    assert [v.name for v in template.variables] == [
        "first_name",
        "name",
        "fields.points",
        "csv.code",
    ]


def test_to_meta_positional_numbers_named_variables_by_first_appearance() -> None:
    text = "Olá {{first_name|cliente}}, {{fields.plan}} — {{ first_name }}!"

    meta_text, mapping = to_meta_positional(text)

    assert meta_text == "Olá {{1}}, {{2}} — {{1}}!"
    assert mapping == {"1": "first_name|cliente", "2": "fields.plan"}
    assert [(v.name, v.fallback) for v in variables_of(meta_text, mapping=mapping)] == [
        ("first_name", "cliente"),
        ("fields.plan", None),
        ("first_name", "cliente"),
    ]


def test_to_meta_positional_keeps_a_fallback_given_only_on_a_later_occurrence() -> None:
    _, mapping = to_meta_positional("{{name}} {{name|amigo}}")

    assert mapping == {"1": "name|amigo"}


def test_to_meta_positional_refuses_an_invalid_text() -> None:
    with pytest.raises(TemplateSyntaxError):
        to_meta_positional("{{nome}}")
