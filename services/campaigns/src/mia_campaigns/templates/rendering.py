"""Template rendering: the variables of a campaign template, and what one recipient gets.

A template is a body, optionally a header (text or media) and a URL button
(``TemplateParts``). ``render`` fills its variables with one recipient's values and returns
the final texts (for a preview, an SMS, the ledger) and the Meta ``components`` of a
``TemplateContent`` (header, body, button parameters, in that order). A campaign compiles
its template once (``compile_template``) and renders it per recipient.

Variable syntax
---------------
``{{first_name}}``, ``{{name}}``, ``{{phone}}``, ``{{email}}``
    The contact's fields. ``first_name`` is not stored by the crm: when it has no value,
    it is the first word of ``name`` (``"Maria da Silva"`` -> ``"Maria"``).
``{{fields.<key>}}``
    A crm custom field; the key as the crm spells it (``^[a-z][a-z0-9_]{0,63}$``).
``{{csv.<column>}}``
    A column of a CSV audience: letters (any script), digits, ``_`` and ``-``. Columns
    named otherwise (with spaces, say) are not addressable and must be renamed.
``{{first_name|cliente}}``
    A fallback: the text after the first ``|`` up to ``}}``, trimmed, used when the value
    is missing. An empty fallback (``{{first_name|}}``) is an error: it would send an empty
    parameter, which Meta refuses, or leave a hole in the text. A fallback may not contain
    ``{`` or ``}``. Meta receives one value per variable, so the occurrences of a variable
    in one part give the same fallback or none, and a fallback given on one of them applies
    to all of them (``{{name|amigo}} ... {{name}}`` shows ``amigo`` twice).
Whitespace inside the braces is ignored: ``{{ first_name | cliente }}``.

``{{1}}``, ``{{2}}``... (Meta's positional variables) are allowed only in a part that comes
with a mapping to named variables: ``{"1": "first_name|cliente", "2": "fields.plan"}``
(the value is written as inside braces, fallback included; a positional variable takes no
inline fallback). Meta numbers each component from ``{{1}}`` without gaps, so a header, a
body and a button each have their own mapping. A mapping may also name the variables of a
Meta template in Meta's NAMED format (``{"order_number": "csv.order"}``); such a variable
is sent with ``parameter_name``. Mapping keys the text does not use are ignored. One part
does not mix positional and named variables (Meta refuses that too).

Anything else between ``{{`` and ``}}``, and unbalanced ``{{`` or ``}}``, is a
``TemplateSyntaxError`` naming the offset (0-based, in that part's text) and the part.
Single braces are plain text.

Parts (Meta's rules)
--------------------
- Header text: at most one variable. Header media (image, video, document): a link or a
  media id, sent as the header's parameter.
- Button URL: at most one variable, at the very end of the URL (Meta appends the parameter
  to the approved prefix). The value is percent-encoded where a URL cannot hold it
  (spaces, non-ASCII, quotes...); URL delimiters such as ``/``, ``?``, ``=`` are kept, so a
  value may carry a path or query. The button parameter carries the encoded value only.
- Components list only what has parameters: a part without variables sends none. Named
  variables of the body and header carry ``parameter_name`` (their name, or the Meta name of
  a mapping); positional ones do not, and come in their number's order. URL buttons are
  always positional at Meta, so the button parameter never has a name.

Values
------
``values`` maps variable names (``"first_name"``, ``"fields.plan"``, ``"csv.code"``) to text
or None. Before use a value is normalised for Meta, whose template parameters may not hold
a newline or tab, nor more than 4 consecutive spaces (error 132018): every whitespace run
that holds a line break, a tab or other control whitespace, or is longer than 4, becomes
one space, and the ends are trimmed (``normalize_value``). The same value goes into the
final texts, so a preview shows exactly what Meta receives. A value that is None, absent,
or blank after normalising is missing: its fallback is used, or ``render`` raises
``MissingVariable`` naming the variable, the part and the recipient (never a ``{{1}}`` or
an empty parameter). Values are inserted literally: a value holding ``{{x}}`` is not
expanded again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal
from urllib.parse import quote

from mia_common.contracts.messages import TemplateContent

__all__ = [
    "CONTACT_FIELDS",
    "CompiledTemplate",
    "HeaderMedia",
    "MissingVariable",
    "Part",
    "Rendered",
    "TemplateParts",
    "TemplateSyntaxError",
    "Variable",
    "compile_template",
    "normalize_value",
    "render",
    "to_meta_positional",
    "variables_of",
]

CONTACT_FIELDS = ("first_name", "name", "phone", "email")
FIELDS_PREFIX = "fields."
CSV_PREFIX = "csv."

Part = Literal["header", "body", "button"]

_FIELD_KEY = re.compile(r"[a-z][a-z0-9_]{0,63}")
_CSV_COLUMN = re.compile(r"[\w-]{1,128}")
_NUMBER = re.compile(r"[0-9]+")
_POSITIONAL = re.compile(r"[1-9][0-9]{0,2}")
_WHITESPACE_RUN = re.compile(r"\s+")
# Spaces that do not break a line; a short run of them is left as the writer typed it.
_INLINE_SPACES = frozenset(" \u00a0\u2007\u202f")
_MAX_SPACES = 4
# RFC 3986 reserved and unreserved characters, plus "%" so an already-encoded value stays.
_URL_SAFE = ":/?#[]@!$&'()*+,;=%-._~"


class TemplateSyntaxError(ValueError):
    """A template text that is not valid; ``offset`` is 0-based in ``part``'s text."""

    def __init__(self, message: str, *, offset: int, part: Part | None = None) -> None:
        self.message = message
        self.offset = offset
        self.part = part
        where = f"{part}, " if part else ""
        super().__init__(f"{message} ({where}at offset {offset})")

    def in_part(self, part: Part) -> TemplateSyntaxError:
        return TemplateSyntaxError(self.message, offset=self.offset, part=part)


@dataclass(frozen=True)
class Variable:
    """One occurrence of a variable in a text.

    ``name`` is the value it takes (``first_name``, ``fields.plan``, ``csv.code``), also for
    a mapped one (``{{1}}`` mapped to ``first_name`` has name ``first_name``);
    ``placeholder`` is what is written between the braces, trimmed (``1``,
    ``first_name|cliente``); ``start``/``end`` the span of ``{{...}}`` in the text.
    """

    name: str
    fallback: str | None
    start: int
    end: int
    placeholder: str
    position: int | None = None
    """Meta's number of a positional variable (``{{2}}`` -> 2); None for a named one."""
    meta_name: str | None = None
    """The Meta NAMED parameter a mapping gave (``order_number``); None otherwise."""

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)

    @property
    def parameter_name(self) -> str | None:
        """What Meta's ``parameter_name`` is for this variable; None when positional."""
        if self.position is not None:
            return None
        return self.meta_name or self.name


class MissingVariable(Exception):
    """A variable with no value (and no fallback) for one recipient.

    ``variable`` is the first missing one; ``missing`` names all of the template's missing
    variables, first one included, in order.
    """

    code = "template_variable_missing"

    def __init__(
        self,
        variable: Variable,
        *,
        recipient: str,
        part: Part = "body",
        missing: Sequence[str] = (),
    ) -> None:
        self.variable = variable
        self.recipient = recipient
        self.part = part
        self.missing = tuple(dict.fromkeys([variable.name, *missing]))
        written = (
            "" if variable.placeholder == variable.name else f" ({{{{{variable.placeholder}}}}})"
        )
        message = f"no value for {{{{{variable.name}}}}}{written} in the {part} for {recipient}"
        others = self.missing[1:]
        if others:
            message += "; also missing: " + ", ".join(others)
        super().__init__(message)


@dataclass(frozen=True)
class HeaderMedia:
    """A media header's file: Meta fetches ``link`` or uses an uploaded ``media_id``."""

    kind: Literal["image", "video", "document"]
    link: str | None = None
    media_id: str | None = None
    filename: str | None = None

    def __post_init__(self) -> None:
        if (self.link is None) == (self.media_id is None):
            raise ValueError("a header media needs exactly one of link or media_id")
        if self.filename is not None and self.kind != "document":
            raise ValueError("only a document header has a filename")

    def parameter(self) -> dict[str, Any]:
        media: dict[str, Any] = {"link": self.link} if self.link else {"id": self.media_id}
        if self.filename:
            media["filename"] = self.filename
        return {"type": self.kind, self.kind: media}


@dataclass(frozen=True)
class TemplateParts:
    """What a template is made of; the mappings are Meta's (see the module docstring)."""

    body: str
    header_text: str | None = None
    header_media: HeaderMedia | None = None
    button_url: str | None = None
    button_index: int = 0
    """The URL button's position among the template's buttons (Meta's ``index``)."""
    body_mapping: Mapping[str, str] | None = None
    header_mapping: Mapping[str, str] | None = None
    button_mapping: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Rendered:
    """One recipient's message: the final texts and Meta's ``components``."""

    body: str
    header_text: str | None
    button_url: str | None
    components: list[dict[str, Any]]
    fallbacks_used: tuple[str, ...] = field(default=())
    """Names of the variables that took their fallback, in order."""

    def template_content(self, *, name: str, language: str) -> TemplateContent:
        """The send content of this message for the Meta template ``name``."""
        return TemplateContent(name=name, language=language, components=self.components)


def normalize_value(value: str) -> str:
    """``value`` as Meta accepts it in a parameter: no newline, tab, or >4 spaces in a row."""

    def one_space(match: re.Match[str]) -> str:
        run = match.group()
        if len(run) <= _MAX_SPACES and all(char in _INLINE_SPACES for char in run):
            return run
        return " "

    return _WHITESPACE_RUN.sub(one_space, value).strip()


def _named(text: str, *, offset: int, written: str) -> tuple[str, str | None]:
    """The name and fallback of ``text`` (``first_name|cliente``); ``written`` quotes it."""
    raw_name, bar, raw_fallback = text.partition("|")
    name = raw_name.strip()
    if not name:
        raise TemplateSyntaxError(f"{written} names no variable", offset=offset)
    if name.startswith(FIELDS_PREFIX):
        if not _FIELD_KEY.fullmatch(name[len(FIELDS_PREFIX) :]):
            raise TemplateSyntaxError(
                f"{written}: 'fields.' needs a custom field key "
                "(a lowercase letter, then lowercase letters, digits or _)",
                offset=offset,
            )
    elif name.startswith(CSV_PREFIX):
        if not _CSV_COLUMN.fullmatch(name[len(CSV_PREFIX) :]):
            raise TemplateSyntaxError(
                f"{written}: 'csv.' needs a column name (letters, digits, _ or -)",
                offset=offset,
            )
    elif name not in CONTACT_FIELDS:
        raise TemplateSyntaxError(
            f"{written} is not a variable: use {', '.join(CONTACT_FIELDS)}, "
            "fields.<key> or csv.<column>",
            offset=offset,
        )
    if not bar:
        return name, None
    fallback = normalize_value(raw_fallback)
    if not fallback:
        raise TemplateSyntaxError(f"{written} has an empty fallback", offset=offset)
    if "{" in fallback or "}" in fallback:
        raise TemplateSyntaxError(f"{written}: a fallback may not hold braces", offset=offset)
    return name, fallback


def _placeholders(text: str) -> list[tuple[int, int, str]]:
    """Every ``{{...}}`` of ``text``: (start, end, what is inside)."""
    found: list[tuple[int, int, str]] = []
    cursor = 0
    while True:
        opening = text.find("{{", cursor)
        closing = text.find("}}", cursor)
        if opening == -1 and closing == -1:
            return found
        if opening == -1 or (closing != -1 and closing < opening):
            raise TemplateSyntaxError("'}}' without an opening '{{'", offset=closing)
        closing = text.find("}}", opening + 2)
        if closing == -1:
            raise TemplateSyntaxError("'{{' is never closed by '}}'", offset=opening)
        inner = text[opening + 2 : closing]
        if "{{" in inner:
            raise TemplateSyntaxError("'{{' is not closed before the next '{{'", offset=opening)
        found.append((opening, closing + 2, inner))
        cursor = closing + 2


def _variable(start: int, end: int, inner: str, mapping: Mapping[str, str] | None) -> Variable:
    placeholder = inner.strip()
    written = f"'{{{{{inner}}}}}'"
    if not placeholder:
        raise TemplateSyntaxError(f"{written} is an empty variable", offset=start)
    head, bar, _ = placeholder.partition("|")
    head = head.strip()
    if _NUMBER.fullmatch(head):
        if not _POSITIONAL.fullmatch(head):
            raise TemplateSyntaxError(
                f"{written} is not a Meta positional variable: they count from {{{{1}}}}",
                offset=start,
            )
        if bar:
            raise TemplateSyntaxError(
                f"{written}: a positional variable takes its fallback from its mapping",
                offset=start,
            )
        if mapping is None or head not in mapping:
            raise TemplateSyntaxError(
                f"{written} is Meta's positional variable: map it to a named variable",
                offset=start,
            )
        name, fallback = _named(
            mapping[head], offset=start, written=f"the mapping of {{{{{head}}}}}"
        )
        return Variable(name, fallback, start, end, head, position=int(head))
    if mapping is not None and not bar and head in mapping:
        name, fallback = _named(
            mapping[head], offset=start, written=f"the mapping of {{{{{head}}}}}"
        )
        return Variable(name, fallback, start, end, head, meta_name=head)
    name, fallback = _named(placeholder, offset=start, written=written)
    return Variable(name, fallback, start, end, placeholder)


def variables_of(text: str, *, mapping: Mapping[str, str] | None = None) -> list[Variable]:
    """The variables of ``text`` in order; raises ``TemplateSyntaxError`` (see module doc).

    ``mapping`` is Meta's positional (or NAMED) mapping of this text, if it has one.
    """
    variables = [_variable(*found, mapping) for found in _placeholders(text)]
    positional = [v for v in variables if v.position is not None]
    if positional and len(positional) != len(variables):
        odd = next(
            v for v in variables if (v.position is None) == (variables[0].position is not None)
        )
        raise TemplateSyntaxError(
            f"'{{{{{odd.placeholder}}}}}': one part does not mix Meta's positional "
            "variables with named ones",
            offset=odd.start,
        )
    numbers = {v.position for v in positional}
    for variable in positional:
        assert variable.position is not None
        gap = next((n for n in range(1, variable.position) if n not in numbers), None)
        if gap is not None:
            raise TemplateSyntaxError(
                f"'{{{{{variable.position}}}}}' without '{{{{{gap}}}}}': Meta numbers "
                "variables from {{1}} without gaps",
                offset=variable.start,
            )
    fallbacks: dict[str, str] = {}
    for variable in variables:
        if variable.fallback is None:
            continue
        key = _parameter_key(variable)
        first = fallbacks.setdefault(key, variable.fallback)
        if first != variable.fallback:
            raise TemplateSyntaxError(
                f"'{{{{{variable.placeholder}}}}}' gives {variable.name} a second fallback "
                f"({first!r} before): give every occurrence the same one",
                offset=variable.start,
            )
    # One Meta parameter, one value: the fallback of one occurrence is everyone's.
    return [
        variable
        if variable.fallback is not None or _parameter_key(variable) not in fallbacks
        else replace(variable, fallback=fallbacks[_parameter_key(variable)])
        for variable in variables
    ]


def _parameter_key(variable: Variable) -> str:
    """What makes two occurrences one Meta parameter."""
    if variable.position is not None:
        return str(variable.position)
    return variable.meta_name or variable.name


def to_meta_positional(text: str) -> tuple[str, dict[str, str]]:
    """``text`` with its named variables numbered for Meta, and the mapping back.

    ``"Olá {{first_name|cliente}}, {{fields.plan}}"`` ->
    ``("Olá {{1}}, {{2}}", {"1": "first_name|cliente", "2": "fields.plan"})``: how a library
    template is submitted to Meta (which accepts neither dots nor fallbacks in names) and
    rendered afterwards. Numbers follow first appearance; repeats share a number.
    """
    variables = variables_of(text)
    if any(v.position is not None for v in variables):
        raise TemplateSyntaxError("the text is already positional", offset=variables[0].start)
    numbers: dict[str, int] = {}
    mapping: dict[str, str] = {}
    pieces: list[str] = []
    cursor = 0
    for variable in variables:
        number = numbers.setdefault(variable.name, len(numbers) + 1)
        fallback = f"|{variable.fallback}" if variable.fallback is not None else ""
        mapping[str(number)] = variable.name + fallback
        pieces += [text[cursor : variable.start], f"{{{{{number}}}}}"]
        cursor = variable.end
    pieces.append(text[cursor:])
    return "".join(pieces), mapping


@dataclass(frozen=True)
class _CompiledPart:
    part: Part
    text: str
    variables: tuple[Variable, ...]


def _compile_part(part: Part, text: str, mapping: Mapping[str, str] | None) -> _CompiledPart:
    try:
        variables = variables_of(text, mapping=mapping)
    except TemplateSyntaxError as error:
        raise error.in_part(part) from None
    if part == "header" and len(variables) > 1:
        raise TemplateSyntaxError(
            "a text header holds at most one variable (Meta's rule)",
            offset=variables[1].start,
            part=part,
        )
    if part == "button":
        if len(variables) > 1:
            raise TemplateSyntaxError(
                "a URL button holds at most one variable (Meta's rule)",
                offset=variables[1].start,
                part=part,
            )
        if variables and variables[0].end != len(text):
            raise TemplateSyntaxError(
                "a URL button's variable must end the URL (Meta appends it to the prefix)",
                offset=variables[0].start,
                part=part,
            )
    return _CompiledPart(part, text, tuple(variables))


def _lookup(values: Mapping[str, str | None], name: str) -> str | None:
    raw = values.get(name)
    value = normalize_value(raw) if raw is not None else ""
    if value or name != "first_name":
        return value or None
    full_name = normalize_value(values.get("name") or "")
    return full_name.split()[0] if full_name else None


class CompiledTemplate:
    """A template checked once (``TemplateSyntaxError`` at compile), rendered per recipient."""

    def __init__(self, parts: TemplateParts) -> None:
        if parts.header_text is not None and parts.header_media is not None:
            raise TemplateSyntaxError(
                "a template has a text header or a media header, not both",
                offset=0,
                part="header",
            )
        if parts.button_index < 0:
            raise ValueError("button_index counts from 0")
        self.parts = parts
        self._header = (
            _compile_part("header", parts.header_text, parts.header_mapping)
            if parts.header_text is not None
            else None
        )
        self._body = _compile_part("body", parts.body, parts.body_mapping)
        self._button = (
            _compile_part("button", parts.button_url, parts.button_mapping)
            if parts.button_url is not None
            else None
        )

    @property
    def variables(self) -> list[Variable]:
        """Every variable occurrence: header, body, then button."""
        return [v for part in self._compiled() for v in part.variables]

    def _compiled(self) -> list[_CompiledPart]:
        return [part for part in (self._header, self._body, self._button) if part is not None]

    def render(self, values: Mapping[str, str | None], *, recipient: str) -> Rendered:
        """The message for one recipient; ``recipient`` labels them in ``MissingVariable``."""
        resolved: dict[tuple[Part, int], str] = {}
        fallbacks: list[str] = []
        missing: list[tuple[Part, Variable]] = []
        for part in self._compiled():
            for index, variable in enumerate(part.variables):
                value = _lookup(values, variable.name)
                if value is None and variable.fallback is not None:
                    value = variable.fallback
                    fallbacks.append(variable.name)
                if value is None:
                    missing.append((part.part, variable))
                    continue
                if part.part == "button":
                    value = quote(value, safe=_URL_SAFE)
                resolved[(part.part, index)] = value
        if missing:
            first_part, first = missing[0]
            raise MissingVariable(
                first,
                recipient=recipient,
                part=first_part,
                missing=[variable.name for _, variable in missing],
            )
        texts: dict[Part, str] = {}
        components: list[dict[str, Any]] = []
        for part in self._compiled():
            values_of_part = [resolved[(part.part, i)] for i in range(len(part.variables))]
            texts[part.part] = _fill(part, values_of_part)
            parameters = _parameters(part, values_of_part)
            if not parameters:
                continue
            if part.part == "button":
                components.append(
                    {
                        "type": "button",
                        "sub_type": "url",
                        "index": str(self.parts.button_index),
                        # Meta's URL buttons are positional in every parameter format.
                        "parameters": [{"type": "text", "text": values_of_part[0]}],
                    }
                )
            else:
                components.append({"type": part.part, "parameters": parameters})
        if self.parts.header_media is not None:
            components.insert(
                0, {"type": "header", "parameters": [self.parts.header_media.parameter()]}
            )
        return Rendered(
            body=texts["body"],
            header_text=texts.get("header"),
            button_url=texts.get("button"),
            components=components,
            fallbacks_used=tuple(dict.fromkeys(fallbacks)),
        )


def _fill(part: _CompiledPart, values: list[str]) -> str:
    # One pass over the template's spans: a value is never scanned for variables again.
    pieces: list[str] = []
    cursor = 0
    for variable, value in zip(part.variables, values, strict=True):
        pieces += [part.text[cursor : variable.start], value]
        cursor = variable.end
    pieces.append(part.text[cursor:])
    return "".join(pieces)


def _parameters(part: _CompiledPart, values: list[str]) -> list[dict[str, str]]:
    """Meta's parameters of a part: one per distinct variable, numbered ones in order."""
    first: dict[str, tuple[Variable, str]] = {}
    for variable, value in zip(part.variables, values, strict=True):
        first.setdefault(_parameter_key(variable), (variable, value))
    chosen = list(first.values())
    if chosen and chosen[0][0].position is not None:
        chosen.sort(key=lambda item: item[0].position or 0)
    parameters: list[dict[str, str]] = []
    for variable, value in chosen:
        parameter = {"type": "text", "text": value}
        if variable.parameter_name is not None:
            parameter["parameter_name"] = variable.parameter_name
        parameters.append(parameter)
    return parameters


def compile_template(parts: TemplateParts) -> CompiledTemplate:
    """``parts`` checked once, to render for many recipients."""
    return CompiledTemplate(parts)


def render(parts: TemplateParts, values: Mapping[str, str | None], *, recipient: str) -> Rendered:
    """``parts`` filled with one recipient's ``values`` (see the module docstring).

    Raises ``TemplateSyntaxError`` for an invalid template and ``MissingVariable`` when a
    variable has neither a value nor a fallback; ``recipient`` names them in that error.
    """
    return CompiledTemplate(parts).render(values, recipient=recipient)
