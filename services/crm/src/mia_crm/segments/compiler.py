"""The one evaluator of the filter language: a filter becomes a SQL condition on ``contacts``.

``contact_condition(tenant_id, filter)`` is what every reader of a filter uses (the live
count, saved segments, the member stream, bulk actions, exports, campaigns): a boolean
column expression over ``contacts`` (``select(Contact.id).where(contact_condition(...))``)
that already holds ``contacts.tenant_id = :tenant_id``. Run ``validation.check_filter``
first: it refuses what this would compile but could not mean (another tenant's tags, an
operator that does not suit a field).

How each condition reads (every one is two-valued: never NULL, so ``not`` is the exact
complement; a contact without the value does not match):

- tags: ``contacts.tag_ids`` (the contact_tags rows as an array, kept by a trigger) with
  ``&&`` (any), ``@>`` (all) or ``NOT &&`` (none), served by the GIN index
  ``ix_contacts_tag_ids``; another tenant's tag is on none of this tenant's contacts;
- custom fields: ``fields @> '{"key": value}'`` (the GIN index ``ix_contacts_fields``) for
  eq, neq and in; comparisons read the value as a number or an ISO date (byte order), and
  a value of another JSON type does not match;
- pipeline stages, channels, consent: ``EXISTS`` on ``leads``, ``conversations``,
  ``contact_consents`` of the same tenant;
- profile columns compare with ``col IS NOT NULL AND col ...`` (indexable, and false, not
  NULL, without a value).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Numeric,
    String,
    and_,
    case,
    cast,
    exists,
    false,
    func,
    literal,
    not_,
    or_,
    true,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.dialects.postgresql import UUID as PG_UUID

from mia_crm.models import Contact, ContactConsent, Conversation
from mia_crm.models.lead import Lead
from mia_crm.segments.filters import (
    AbsoluteTime,
    AllOf,
    AnyOf,
    ChannelCondition,
    ConsentCondition,
    ContactFilter,
    CreatedCondition,
    FieldCompare,
    FieldContains,
    FieldEquals,
    FieldIn,
    FieldPresence,
    HasCondition,
    LastInboundCondition,
    LifecycleCondition,
    Not,
    OwnerIn,
    OwnerNone,
    PipelineStageCondition,
    TagsCondition,
)

__all__ = ["CONVERSATION_CHANNELS", "contact_condition"]

CONVERSATION_CHANNELS: dict[str, tuple[str, ...]] = {
    "whatsapp": ("whatsapp_cloud", "whatsapp_web"),
    "sms": ("sms",),
}
"""The filter's channel names and the ``conversations.channel`` values they stand for."""

# Field values that count as "not set": what a form clears a value to.
_EMPTY_VALUES = ("null", '""', "[]")


def contact_condition(
    tenant_id: uuid.UUID, node: ContactFilter, *, now: datetime | None = None
) -> ColumnElement[bool]:
    """``node`` as a condition on ``contacts`` of ``tenant_id`` (the tenant included).

    ``now`` anchors relative times ("30 days ago"); the current time by default.
    """
    compiler = _Compiler(tenant_id, now or datetime.now(UTC))
    return and_(Contact.tenant_id == tenant_id, compiler.node(node))


class _Compiler:
    def __init__(self, tenant_id: uuid.UUID, now: datetime) -> None:
        self.tenant_id = tenant_id
        self.now = now

    def node(self, node: ContactFilter) -> ColumnElement[bool]:
        if isinstance(node, AllOf):
            # "Has no tag A" and "has no tag B": has none of both, one probe.
            children = _merged_tags(node.all_, "none")
            return and_(true(), *(self.node(child) for child in children))
        if isinstance(node, AnyOf):
            # "Has tag A" or "has tag B": one probe of contact_tags for both.
            children = _merged_tags(node.any_, "any")
            return or_(false(), *(self.node(child) for child in children))
        if isinstance(node, Not):
            return not_(self.node(node.not_))
        return self.condition(node)

    def condition(self, node: Any) -> ColumnElement[bool]:
        if isinstance(node, TagsCondition):
            return self.tags(node)
        if isinstance(node, FieldEquals | FieldContains | FieldCompare | FieldIn | FieldPresence):
            return _field(node)
        if isinstance(node, LifecycleCondition):
            stage = Contact.lifecycle_stage
            return and_(stage.is_not(None), stage.in_([str(s) for s in node.stages]))
        if isinstance(node, PipelineStageCondition):
            return exists().where(
                Lead.contact_id == Contact.id,
                Lead.tenant_id == self.tenant_id,
                Lead.stage_id.in_(node.stage_ids),
            )
        if isinstance(node, LastInboundCondition):
            inbound = Contact.last_inbound_at
            return and_(inbound.is_not(None), self.time(inbound, node.op, node.when))
        if isinstance(node, CreatedCondition):
            return self.time(Contact.created_at, node.op, node.when)
        if isinstance(node, ChannelCondition):
            channels = [value for name in node.channels for value in CONVERSATION_CHANNELS[name]]
            return exists().where(
                Conversation.contact_id == Contact.id,
                Conversation.tenant_id == self.tenant_id,
                Conversation.channel.in_(channels),
            )
        if isinstance(node, ConsentCondition):
            return self.consent(node)
        if isinstance(node, OwnerIn):
            owner = Contact.owner_user_id
            return and_(owner.is_not(None), owner.in_(node.user_ids))
        if isinstance(node, OwnerNone):
            return Contact.owner_user_id.is_(None)
        if isinstance(node, HasCondition):
            address = {
                "phone": Contact.phone,
                "email": Contact.email,
                "user_id": Contact.channel_user_id,
            }[node.address]
            return address.is_not(None)
        raise TypeError(f"not a filter condition: {node!r}")

    def tags(self, node: TagsCondition) -> ColumnElement[bool]:
        # contacts.tag_ids mirrors contact_tags (a trigger keeps it): one GIN index answers
        # && and @>, and PostgreSQL ANDs its bitmap with the other conditions' indexes.
        # Another tenant's tag is on none of this tenant's contacts, so it never matches.
        ids = type_coerce(list(dict.fromkeys(node.tag_ids)), ARRAY(PG_UUID(as_uuid=True)))
        carried: ColumnElement[bool]
        if node.match == "all":
            carried = Contact.tag_ids.contains(ids)
            return carried
        carried = Contact.tag_ids.overlap(ids)
        return carried if node.match == "any" else not_(carried)

    def time(self, column: Any, op: str, when: Any) -> ColumnElement[bool]:
        if isinstance(when, AbsoluteTime):
            instant = when.at
        else:
            instant = self.now - timedelta(days=when.days_ago)
        return column < instant if op == "before" else column > instant  # type: ignore[no-any-return]

    def consent(self, node: ConsentCondition) -> ColumnElement[bool]:
        row = exists().where(
            ContactConsent.contact_id == Contact.id,
            ContactConsent.channel == node.channel,
            ContactConsent.tenant_id == self.tenant_id,
        )
        if node.status == "no_record":
            return not_(row)
        return exists().where(
            ContactConsent.contact_id == Contact.id,
            ContactConsent.channel == node.channel,
            ContactConsent.tenant_id == self.tenant_id,
            ContactConsent.status == node.status,
        )


def _merged_tags(children: list[Any], match: Literal["any", "none"]) -> list[Any]:
    """``children`` with their tag conditions of ``match`` made one (their ids together)."""
    tags = [c for c in children if isinstance(c, TagsCondition) and c.match == match]
    if len(tags) < 2:
        return children
    ids = list(dict.fromkeys(tag_id for condition in tags for tag_id in condition.tag_ids))
    # Not validated again: together they may hold more ids than one condition may list.
    merged = TagsCondition.model_construct(condition="tags", match=match, tag_ids=ids)
    return [c for c in children if not any(c is tag for tag in tags)] + [merged]


def _holds(key: str, value: Any) -> ColumnElement[bool]:
    """``fields @> {key: value}``: served by the GIN index on ``contacts.fields``."""
    return Contact.fields.contains(type_coerce({key: value}, JSONB))


def _field(node: Any) -> ColumnElement[bool]:
    key = node.key
    value_of = Contact.fields[key]
    if isinstance(node, FieldEquals):
        equal = _holds(key, node.value)
        return equal if node.op == "eq" else not_(equal)
    if isinstance(node, FieldIn):
        # A select holds one option, a multi select a list of them: either shape matches.
        return or_(*(_holds(key, v) for v in node.values), *(_holds(key, [v]) for v in node.values))
    if isinstance(node, FieldContains):
        escaped = node.value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        as_text = func.coalesce(
            and_(
                func.jsonb_typeof(value_of) == "string",
                value_of.astext.ilike(f"%{escaped}%", escape="\\"),
            ),
            false(),
        )
        return or_(_holds(key, [node.value]), as_text)
    if isinstance(node, FieldCompare):
        return _compare(node)
    present = and_(
        Contact.fields.has_key(key),
        not_(value_of.in_([type_coerce(literal(v), JSONB) for v in _EMPTY_VALUES])),
    )
    return present if node.op == "is_set" else not_(present)


def _compare(node: FieldCompare) -> ColumnElement[bool]:
    value_of = Contact.fields[node.key]
    op = node.op

    def apply(left: Any, right: Any) -> ColumnElement[bool]:
        if op == "gt":
            return left > right  # type: ignore[no-any-return]
        if op == "gte":
            return left >= right  # type: ignore[no-any-return]
        if op == "lt":
            return left < right  # type: ignore[no-any-return]
        return left <= right  # type: ignore[no-any-return]

    if isinstance(node.value, str):
        # Dates are stored as ISO strings (YYYY-MM-DD): their byte order is their time order.
        text = value_of.astext.collate("C")
        compared = apply(text, cast(literal(node.value), String).collate("C"))
        kind = "string"
    else:
        # CASE, not AND: PostgreSQL may evaluate AND's sides in any order, and the cast of
        # a non-number would fail the whole query.
        number = cast(value_of.astext, Numeric)
        compared = apply(number, cast(literal(Decimal(str(node.value))), Numeric))
        kind = "number"
    return case((func.jsonb_typeof(value_of) == kind, compared), else_=false()).cast(Boolean)
