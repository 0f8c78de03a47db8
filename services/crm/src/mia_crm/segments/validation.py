"""What a filter may say for one tenant: its limits, and the tags, fields and stages it names.

``check_filter`` runs before any filter is compiled or stored. It refuses, with a 422 whose
``path`` says where (``filter.all[1].value``):

- a filter deeper than ``MAX_DEPTH`` groups or with more than ``MAX_CONDITIONS``
  conditions (``segment_filter_too_large``);
- a tag, custom field or pipeline stage the tenant does not have: another tenant's ids are
  answered exactly as ids nobody has (``segment_filter_invalid``), so nothing leaks;
- an operator the field's kind does not take (``contains`` on a number), or a value of the
  wrong kind (text for a number, a date that is not YYYY-MM-DD, a select option the field
  does not offer);
- given ``owners`` (the paths that save a filter: a segment's create and edit), an owner
  condition naming user ids the gateway does not know in the tenant (another tenant's
  users look the same as nobody): one 422 ``segment_filter_invalid`` naming them all in
  ``user_ids``. A deactivated user is known (their contacts are still theirs to find). The
  gateway is asked with the caller's own token, as a contact's owner is checked; when it
  cannot say, 503 ``gateway_unavailable``, nothing saved unchecked. Reads never check
  again: a saved segment whose owner was deleted since still loads, and matches nobody
  for that id.

It answers the filter with its values as the fields store them (a date in ISO form, a phone
in E.164 read with the tenant's default country, as the contacts' values were written),
which is what to compile and store.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from mia_crm.conversations.assignees import GatewayUsers
from mia_crm.custom_fields.repository import live as live_field
from mia_crm.custom_fields.validation import FieldValueError, check_value
from mia_crm.errors import AssigneeInactive, AssigneeUnknown
from mia_crm.models import CustomField, FieldKind, Tag
from mia_crm.models.pipeline import PipelineStage
from mia_crm.segments.errors import FilterInvalid, FilterTooLarge
from mia_crm.segments.filters import (
    MAX_CONDITIONS,
    MAX_DEPTH,
    MAX_LIST,
    AllOf,
    AnyOf,
    ContactFilter,
    FieldCompare,
    FieldContains,
    FieldEquals,
    FieldIn,
    FieldPresence,
    Not,
    OwnerIn,
    PipelineStageCondition,
    TagsCondition,
    filter_adapter,
    walk,
)
from mia_crm.tags.repository import live as live_tag
from mia_crm.tenant_settings.service import settings_of

__all__ = ["OPERATORS", "OwnerLookup", "check_filter", "check_limits"]

_TEXT_OPS = frozenset({"eq", "neq", "contains", "is_set", "is_not_set"})
_ORDERED_OPS = frozenset({"eq", "neq", "gt", "gte", "lt", "lte", "is_set", "is_not_set"})
OPERATORS: dict[str, frozenset[str]] = {
    FieldKind.TEXT: _TEXT_OPS,
    FieldKind.PHONE: _TEXT_OPS,
    FieldKind.EMAIL: _TEXT_OPS,
    FieldKind.URL: _TEXT_OPS,
    FieldKind.NUMBER: _ORDERED_OPS,
    FieldKind.DATE: _ORDERED_OPS,
    FieldKind.BOOLEAN: frozenset({"eq", "neq", "is_set", "is_not_set"}),
    FieldKind.SELECT: frozenset({"eq", "neq", "in", "is_set", "is_not_set"}),
    FieldKind.MULTI_SELECT: frozenset({"contains", "in", "is_set", "is_not_set"}),
}
"""The operators each custom field kind takes."""

_FIELD_CONDITIONS = (FieldEquals, FieldContains, FieldCompare, FieldIn, FieldPresence)

MAX_OWNERS = MAX_LIST
"""The most distinct user ids a checked filter may name in its owner conditions (each is
one question to the gateway)."""

_GATEWAY_CONCURRENCY = 8
"""Questions to the gateway in flight at once for one filter (the client pools 20)."""


@dataclass(frozen=True, slots=True)
class OwnerLookup:
    """How to ask the gateway whether the owner ids of a filter are users of the tenant:
    the crm's client of the gateway's directory and the caller's own identity token."""

    users: GatewayUsers
    identity_token: str


def check_limits(node: ContactFilter) -> None:
    """``FilterTooLarge`` when ``node`` nests groups deeper than ``MAX_DEPTH`` or holds more
    than ``MAX_CONDITIONS`` conditions."""
    conditions = 0
    for child, path, depth in walk(node):
        if isinstance(child, AllOf | AnyOf | Not):
            if depth > MAX_DEPTH:
                raise FilterTooLarge(
                    f"{path}: groups nest at most {MAX_DEPTH} levels deep", path=path
                )
            continue
        conditions += 1
        if conditions > MAX_CONDITIONS:
            raise FilterTooLarge(
                f"{path}: a filter holds at most {MAX_CONDITIONS} conditions", path=path
            )


async def check_filter(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    node: ContactFilter,
    owners: OwnerLookup | None = None,
) -> ContactFilter:
    """``node`` with its values as stored, once it passed every rule above; raises otherwise.

    ``owners``: check the owner conditions' user ids with the gateway (on write; without it,
    they are not checked, as a live preview's are not)."""
    check_limits(node)
    nodes = list(walk(node))
    tag_ids = {
        t for child, _, _ in nodes if isinstance(child, TagsCondition) for t in child.tag_ids
    }
    stage_ids = {
        s
        for child, _, _ in nodes
        if isinstance(child, PipelineStageCondition)
        for s in child.stage_ids
    }
    keys = {child.key for child, _, _ in nodes if isinstance(child, _FIELD_CONDITIONS)}
    known_tags = await _known(session, Tag, tenant_id, tag_ids, live_tag())
    known_stages = await _known(session, PipelineStage, tenant_id, stage_ids)
    definitions: dict[str, CustomField] = {}
    if keys:
        rows = await session.scalars(
            select(CustomField).where(
                CustomField.tenant_id == tenant_id, CustomField.key.in_(keys), live_field()
            )
        )
        definitions = {field.key: field for field in rows}
    # Phone values are read as the contacts' were written: with the tenant's country.
    region = (
        (await settings_of(session, tenant_id)).default_country
        if any(field.kind == FieldKind.PHONE for field in definitions.values())
        else None
    )

    replaced: dict[str, Any] = {}
    for child, path, _ in nodes:
        if isinstance(child, TagsCondition):
            _all_known(child.tag_ids, known_tags, f"{path}.tag_ids", "tag")
        elif isinstance(child, PipelineStageCondition):
            _all_known(child.stage_ids, known_stages, f"{path}.stage_ids", "pipeline stage")
        elif isinstance(child, _FIELD_CONDITIONS):
            normalized = _check_field(child, definitions.get(child.key), path, region=region)
            if normalized is not None:
                replaced[path] = normalized
    if owners is not None:
        await _check_owners(nodes, owners, tenant_id)
    if not replaced:
        return node
    return filter_adapter.validate_python(_replace(node, "filter", replaced))


async def _known(
    session: AsyncSession,
    model: Any,
    tenant_id: uuid.UUID,
    ids: set[uuid.UUID],
    *conditions: ColumnElement[bool],
) -> set[uuid.UUID]:
    if not ids:
        return set()
    rows = await session.scalars(
        select(model.id).where(model.tenant_id == tenant_id, model.id.in_(ids), *conditions)
    )
    return set(rows)


def _all_known(ids: Iterable[uuid.UUID], known: set[uuid.UUID], path: str, what: str) -> None:
    for index, item in enumerate(ids):
        if item not in known:
            raise FilterInvalid(f"{path}[{index}]: no {what} {item}", path=f"{path}[{index}]")


async def _check_owners(
    nodes: list[tuple[Any, str, int]], owners: OwnerLookup, tenant_id: uuid.UUID
) -> None:
    """``FilterInvalid`` naming every owner id the gateway does not know in the tenant."""
    where: dict[uuid.UUID, str] = {}
    for child, path, _ in nodes:
        if isinstance(child, OwnerIn):
            for index, user_id in enumerate(child.user_ids):
                where.setdefault(user_id, f"{path}.user_ids[{index}]")
    if not where:
        return
    if len(where) > MAX_OWNERS:
        path = list(where.values())[MAX_OWNERS]
        raise FilterTooLarge(
            f"{path}: a filter names at most {MAX_OWNERS} different owners", path=path
        )
    limit = asyncio.Semaphore(_GATEWAY_CONCURRENCY)

    async def known(user_id: uuid.UUID) -> bool:
        async with limit:
            try:
                await owners.users.check_assignable(
                    user_id=user_id, tenant_id=tenant_id, identity_token=owners.identity_token
                )
            except AssigneeInactive:
                return True
            except AssigneeUnknown:
                return False
            return True

    answers = await asyncio.gather(*(known(user_id) for user_id in where), return_exceptions=True)
    for answer in answers:
        if isinstance(answer, BaseException):
            raise answer  # the gateway could not say (503): nothing is saved unchecked
    unknown = [user_id for user_id, answer in zip(where, answers, strict=True) if not answer]
    if unknown:
        path = where[unknown[0]]
        named = ", ".join(str(user_id) for user_id in unknown)
        raise FilterInvalid(
            f"{path}: no user {named} in this tenant",
            path=path,
            user_ids=[str(user_id) for user_id in unknown],
        )


def _check_field(node: Any, field: CustomField | None, path: str, *, region: str | None) -> Any:
    """The condition with its values as stored (or None when they already are)."""
    if field is None:
        raise FilterInvalid(f"{path}.key: no custom field {node.key!r}", path=f"{path}.key")
    if node.op not in OPERATORS.get(field.kind, frozenset()):
        allowed = ", ".join(sorted(OPERATORS.get(field.kind, ())))
        raise FilterInvalid(
            f"{path}.op: the {field.kind} field {field.key!r} takes {allowed}, not {node.op}",
            path=f"{path}.op",
        )
    if isinstance(node, FieldIn):
        values = [
            _value(field, value, f"{path}.values[{index}]", op=node.op, region=region)
            for index, value in enumerate(node.values)
        ]
        return None if values == node.values else node.model_copy(update={"values": values})
    if isinstance(node, FieldEquals | FieldContains | FieldCompare):
        value = _value(field, node.value, f"{path}.value", op=node.op, region=region)
        unchanged = value == node.value and type(value) is type(node.value)
        return None if unchanged else node.model_copy(update={"value": value})
    return None


def _value(field: CustomField, value: Any, path: str, *, op: str, region: str | None) -> Any:
    """``value`` as the field stores it (what ``fields @> ...`` compares with); a phone read
    with ``region``, the tenant's default country."""
    name = f"the {field.kind} field {field.key!r}"
    if field.kind in (FieldKind.SELECT, FieldKind.MULTI_SELECT):
        if value not in (field.options or []):
            raise FilterInvalid(f"{path}: {value!r} is not an option of {name}", path=path)
        return value
    if op == "contains":
        return value  # a piece of text, compared as it is (any case)
    try:
        stored = (
            check_value(field, value, region=region)
            if region is not None
            else check_value(field, value)
        )
    except FieldValueError as error:
        raise FilterInvalid(f"{path}: {name}: {error.reason}", path=path) from None
    if stored is None:
        raise FilterInvalid(f"{path}: a blank value; use is_not_set", path=path)
    return stored


def _replace(node: Any, path: str, replaced: dict[str, Any]) -> Any:
    """``node`` as JSON, with the conditions at the paths of ``replaced`` swapped in."""
    if path in replaced:
        return replaced[path].model_dump(mode="json", by_alias=True)
    if isinstance(node, AllOf):
        return {"all": [_replace(c, f"{path}.all[{i}]", replaced) for i, c in enumerate(node.all_)]}
    if isinstance(node, AnyOf):
        return {"any": [_replace(c, f"{path}.any[{i}]", replaced) for i, c in enumerate(node.any_)]}
    if isinstance(node, Not):
        return {"not": _replace(node.not_, f"{path}.not", replaced)}
    return node.model_dump(mode="json", by_alias=True)
