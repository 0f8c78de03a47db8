"""The contact filter language: small, typed JSON, one evaluator (``compiler.py``).

A filter is a group or a condition:

- ``{"all": [F, ...]}`` (every one; an empty list matches every contact),
  ``{"any": [F, ...]}`` (at least one), ``{"not": F}``;
- a condition, told apart by ``"condition"``:

  - ``{"condition": "tags", "match": "any" | "all" | "none", "tag_ids": [...]}``
  - ``{"condition": "field", "key": "plan", "op": "eq", "value": "gold"}``: a custom field
    (``eq``, ``neq``, ``contains``, ``gt``/``gte``/``lt``/``lte``, ``in``, ``is_set``,
    ``is_not_set``; which ones suit the field's kind is checked against the tenant's
    definitions, ``validation.py``)
  - ``{"condition": "lifecycle_stage", "stages": ["lead", ...]}``
  - ``{"condition": "pipeline_stage", "stage_ids": [...]}``: the contact has a lead there
  - ``{"condition": "last_inbound" | "created", "op": "before" | "after",
    "when": {"at": "2026-01-01T00:00:00Z"} | {"days_ago": 30}}``
  - ``{"condition": "channel", "channels": ["whatsapp", "sms"]}``: has a conversation there
  - ``{"condition": "consent", "channel": "whatsapp", "status": "opted_in" | "opted_out" |
    "no_record"}``
  - ``{"condition": "owner", "op": "in", "user_ids": [...]}`` / ``{"condition": "owner",
    "op": "none"}``
  - ``{"condition": "has", "address": "phone" | "email" | "user_id"}``

Every condition is two-valued (a contact without the value does not match, and ``not``
matches it): ``{"not": C}`` is always exactly the contacts ``C`` leaves out.

The shapes are checked here (pydantic, a 422 naming the place); the limits (depth, number of
conditions) and what a filter refers to (the tenant's tags, fields, stages) are checked by
``validation.check_filter``, which every caller runs before compiling.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    TypeAdapter,
)

from mia_common.text import ApiStr, api_str
from mia_crm.models.contact import LifecycleStage

__all__ = [
    "FIELD_KEY_PATTERN",
    "MAX_CONDITIONS",
    "MAX_DEPTH",
    "MAX_LIST",
    "AbsoluteTime",
    "AllOf",
    "AnyOf",
    "ChannelCondition",
    "Condition",
    "ConsentCondition",
    "ContactFilter",
    "CreatedCondition",
    "FieldCompare",
    "FieldCondition",
    "FieldContains",
    "FieldEquals",
    "FieldIn",
    "FieldPresence",
    "HasCondition",
    "LastInboundCondition",
    "LifecycleCondition",
    "Not",
    "OwnerIn",
    "OwnerNone",
    "PipelineStageCondition",
    "RelativeTime",
    "TagsCondition",
    "conditions_of",
    "dump_filter",
    "filter_adapter",
    "walk",
]

MAX_DEPTH = 5
"""Groups nested deeper than this are refused (the top group is level 1)."""
MAX_CONDITIONS = 100
"""Conditions in one filter, all levels together."""
MAX_LIST = 100
"""Items in one list of ids or values."""

_STRICT = ConfigDict(extra="forbid", frozen=True)
FIELD_KEY_PATTERN = "^[a-z][a-z0-9_]{0,63}$"

if TYPE_CHECKING:
    FieldKey = str
else:
    FieldKey = api_str(pattern=FIELD_KEY_PATTERN, description="a custom field's key")
ShortText = Annotated[ApiStr, Field(min_length=1, max_length=256)]
# JSON numbers a custom field holds; no infinity (JSON has none) and a bounded size so a
# comparison never overflows what PostgreSQL's numeric accepts quickly.
Number = Annotated[float, Field(allow_inf_nan=False, ge=-1e15, le=1e15)]
Integer = Annotated[int, Field(ge=-(10**15), le=10**15)]


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        # Within a day of year 1 or 9999 with an offset that crosses it: the nearest
        # instant Python holds (no contact was created or wrote that long ago or ahead).
        return (
            datetime.min.replace(tzinfo=UTC)
            if value.year == 1
            else datetime.max.replace(tzinfo=UTC)
        )


class AbsoluteTime(BaseModel):
    model_config = _STRICT

    at: Annotated[datetime, AfterValidator(_aware)] = Field(
        description="an instant; without an offset it is read as UTC"
    )


class RelativeTime(BaseModel):
    model_config = _STRICT

    days_ago: int = Field(ge=0, le=36_500, description="this many days before now")


TimeBound = AbsoluteTime | RelativeTime


# --- groups --------------------------------------------------------------------------------


class AllOf(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    all_: list[FilterNode] = Field(
        alias="all", max_length=MAX_CONDITIONS, description="every one; [] matches everyone"
    )


class AnyOf(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    any_: list[FilterNode] = Field(alias="any", min_length=1, max_length=MAX_CONDITIONS)


class Not(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    not_: FilterNode = Field(alias="not")


# --- conditions ----------------------------------------------------------------------------


class TagsCondition(BaseModel):
    model_config = _STRICT

    condition: Literal["tags"]
    match: Literal["any", "all", "none"] = Field(
        description="any: has at least one; all: has every one; none: has none of them"
    )
    tag_ids: list[uuid.UUID] = Field(min_length=1, max_length=MAX_LIST)


class FieldEquals(BaseModel):
    model_config = _STRICT

    condition: Literal["field"]
    key: FieldKey
    op: Literal["eq", "neq"] = Field(description="neq also matches contacts without a value")
    # bool before the numbers: JSON true stays a boolean.
    value: bool | Integer | Number | ShortText


class FieldContains(BaseModel):
    model_config = _STRICT

    condition: Literal["field"]
    key: FieldKey
    op: Literal["contains"] = Field(
        description="text: the value holds this (any case); multi select: this option is chosen"
    )
    value: ShortText


class FieldCompare(BaseModel):
    model_config = _STRICT

    condition: Literal["field"]
    key: FieldKey
    op: Literal["gt", "gte", "lt", "lte"]
    value: Integer | Number | ShortText = Field(description="a number, or a date (YYYY-MM-DD)")


class FieldIn(BaseModel):
    model_config = _STRICT

    condition: Literal["field"]
    key: FieldKey
    op: Literal["in"] = Field(description="one of these options (any of them, multi select)")
    values: list[ShortText] = Field(min_length=1, max_length=MAX_LIST)


class FieldPresence(BaseModel):
    model_config = _STRICT

    condition: Literal["field"]
    key: FieldKey
    op: Literal["is_set", "is_not_set"]


FieldCondition = Annotated[
    FieldEquals | FieldContains | FieldCompare | FieldIn | FieldPresence,
    Field(discriminator="op"),
]


class LifecycleCondition(BaseModel):
    model_config = _STRICT

    condition: Literal["lifecycle_stage"]
    stages: list[LifecycleStage] = Field(min_length=1, max_length=len(LifecycleStage))


class PipelineStageCondition(BaseModel):
    model_config = _STRICT

    condition: Literal["pipeline_stage"]
    stage_ids: list[uuid.UUID] = Field(
        min_length=1, max_length=MAX_LIST, description="the contact has a lead in one of them"
    )


class LastInboundCondition(BaseModel):
    model_config = _STRICT

    condition: Literal["last_inbound"]
    op: Literal["before", "after"] = Field(description="contacts who never wrote match neither")
    when: TimeBound


class CreatedCondition(BaseModel):
    model_config = _STRICT

    condition: Literal["created"]
    op: Literal["before", "after"]
    when: TimeBound


class ChannelCondition(BaseModel):
    model_config = _STRICT

    condition: Literal["channel"]
    channels: list[Literal["whatsapp", "sms"]] = Field(
        min_length=1, max_length=2, description="has a conversation on one of them"
    )


class ConsentCondition(BaseModel):
    model_config = _STRICT

    condition: Literal["consent"]
    channel: Literal["whatsapp", "sms", "email"]
    status: Literal["opted_in", "opted_out", "no_record"]


class OwnerIn(BaseModel):
    model_config = _STRICT

    condition: Literal["owner"]
    op: Literal["in"]
    user_ids: list[uuid.UUID] = Field(min_length=1, max_length=MAX_LIST)


class OwnerNone(BaseModel):
    model_config = _STRICT

    condition: Literal["owner"]
    op: Literal["none"] = Field(description="contacts nobody owns")


OwnerCondition = Annotated[OwnerIn | OwnerNone, Field(discriminator="op")]


class HasCondition(BaseModel):
    model_config = _STRICT

    condition: Literal["has"]
    address: Literal["phone", "email", "user_id"]


Condition = (
    TagsCondition
    | FieldEquals
    | FieldContains
    | FieldCompare
    | FieldIn
    | FieldPresence
    | LifecycleCondition
    | PipelineStageCondition
    | LastInboundCondition
    | CreatedCondition
    | ChannelCondition
    | ConsentCondition
    | OwnerIn
    | OwnerNone
    | HasCondition
)
"""Any one condition (not a group)."""

_GROUPS = ("all", "any", "not")


def _node_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        for group in _GROUPS:
            if group in value:
                return group
        kind = value.get("condition")
        return kind if isinstance(kind, str) else None
    if isinstance(value, AllOf):
        return "all"
    if isinstance(value, AnyOf):
        return "any"
    if isinstance(value, Not):
        return "not"
    kind = getattr(value, "condition", None)
    return kind if isinstance(kind, str) else None


FilterNode = Annotated[
    Union[  # noqa: UP007  (a recursive alias: the | form cannot name the models yet)
        Annotated[AllOf, Tag("all")],
        Annotated[AnyOf, Tag("any")],
        Annotated[Not, Tag("not")],
        Annotated[TagsCondition, Tag("tags")],
        Annotated[FieldCondition, Tag("field")],
        Annotated[LifecycleCondition, Tag("lifecycle_stage")],
        Annotated[PipelineStageCondition, Tag("pipeline_stage")],
        Annotated[LastInboundCondition, Tag("last_inbound")],
        Annotated[CreatedCondition, Tag("created")],
        Annotated[ChannelCondition, Tag("channel")],
        Annotated[ConsentCondition, Tag("consent")],
        Annotated[OwnerCondition, Tag("owner")],
        Annotated[HasCondition, Tag("has")],
    ],
    Discriminator(
        _node_kind,
        custom_error_type="invalid_filter",
        custom_error_message=(
            "a filter is {'all': [...]}, {'any': [...]}, {'not': ...} or a condition"
            " with a known 'condition'"
        ),
    ),
]

AllOf.model_rebuild()
AnyOf.model_rebuild()
Not.model_rebuild()

ContactFilter = FilterNode
"""The filter language's type: use it as a field of a request body, then run
``validation.check_filter`` and compile with ``compiler.contact_condition``."""

filter_adapter: TypeAdapter[ContactFilter] = TypeAdapter(ContactFilter)
"""Parses a stored filter (``filter_adapter.validate_python(segment.filter)``)."""


def dump_filter(node: ContactFilter) -> dict[str, Any]:
    """The JSON form of ``node`` (as clients send it: ``all``, ``any``, ``not``)."""
    dumped: dict[str, Any] = filter_adapter.dump_python(node, mode="json", by_alias=True)
    return dumped


def walk(
    node: ContactFilter, path: str = "filter", depth: int = 1
) -> Iterator[tuple[Any, str, int]]:
    """Every node of ``node`` with its place (``filter.all[0].not``) and its group depth."""
    yield node, path, depth
    if isinstance(node, AllOf):
        for index, child in enumerate(node.all_):
            yield from walk(child, f"{path}.all[{index}]", depth + 1)
    elif isinstance(node, AnyOf):
        for index, child in enumerate(node.any_):
            yield from walk(child, f"{path}.any[{index}]", depth + 1)
    elif isinstance(node, Not):
        yield from walk(node.not_, f"{path}.not", depth + 1)


def conditions_of(node: ContactFilter) -> Iterator[tuple[Any, str]]:
    """Every condition of ``node`` with its place."""
    for child, path, _ in walk(node):
        if not isinstance(child, AllOf | AnyOf | Not):
            yield child, path
