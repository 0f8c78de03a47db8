"""The rules of custom field definitions: keys that never change, kinds that change only
while no contact holds a value, options that go only when no contact holds them.

Deleting a field is a job (``mia_crm.custom_fields.deletion``): the field is hidden at
once, the job removes the contacts' values a batch a step, then the definition; its key
stays taken meanwhile (a new field of that key would meet the old values)."""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from mia_crm.custom_fields.errors import (
    CustomFieldInUse,
    CustomFieldKeyTaken,
    CustomFieldLimitReached,
    CustomFieldNotFound,
    FieldOrderMismatch,
    InvalidFieldDefinition,
    OptionInUse,
)
from mia_crm.custom_fields.repository import CustomFieldRepository
from mia_crm.custom_fields.schemas import CustomFieldCreate, CustomFieldUpdate
from mia_crm.jobs.service import enqueue_job
from mia_crm.models import CustomField, FieldKind, Job

__all__ = [
    "CHUNK",
    "DELETE_KIND",
    "MAX_FIELDS",
    "create_field",
    "delete_field",
    "get_field",
    "reorder_fields",
    "slug_of",
    "update_field",
]

MAX_FIELDS = 200
"""Per tenant: the definitions are read whole wherever values are checked."""
CHUNK = 1000
"""Contacts whose value of a deleted field is removed (and announced) per job step."""
DELETE_KIND = "custom_fields.delete"

_OPTION_KINDS = (FieldKind.SELECT, FieldKind.MULTI_SELECT)


def _options_fit(kind: FieldKind, options: list[str] | None) -> list[str] | None:
    """The options to store for ``kind`` (trimmed), or 422 when they do not fit it."""
    if kind not in _OPTION_KINDS:
        if options is not None:
            raise InvalidFieldDefinition(f"a {kind} field has no options", field="options")
        return None
    if not options:
        raise InvalidFieldDefinition(f"a {kind} field needs options", field="options")
    trimmed = [" ".join(option.split()) for option in options]
    if len(set(trimmed)) != len(trimmed):
        raise InvalidFieldDefinition("the options must be distinct", field="options")
    return trimmed


def slug_of(label: str) -> str:
    """A key for a label: "Data de nascimento" → ``data_de_nascimento``."""
    ascii_text = (
        unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode("ascii").lower()
    )
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_text).strip("_")
    if not slug:
        slug = "field"
    if not slug[0].isalpha():
        slug = f"f_{slug}"
    return slug[:64].rstrip("_")


async def get_field(
    session: AsyncSession, *, tenant_id: uuid.UUID, field_id: uuid.UUID, for_update: bool = False
) -> CustomField:
    field = await CustomFieldRepository.from_session(session).get(
        tenant_id=tenant_id, field_id=field_id, for_update=for_update
    )
    if field is None:
        raise CustomFieldNotFound(f"no custom field {field_id}")
    return field


async def create_field(
    session: AsyncSession, *, tenant_id: uuid.UUID, body: CustomFieldCreate
) -> CustomField:
    fields = CustomFieldRepository.from_session(session)
    await fields.lock_tenant(tenant_id=tenant_id)
    count, last_position = await fields.count_and_last_position(tenant_id=tenant_id)
    if count >= MAX_FIELDS:
        raise CustomFieldLimitReached(f"a tenant has at most {MAX_FIELDS} custom fields")
    options = _options_fit(body.kind, body.options)
    key = body.key or slug_of(body.label)
    taken = await fields.by_key(tenant_id=tenant_id, key=key)
    if taken is not None and taken.deletion_job_id is not None:
        raise CustomFieldKeyTaken(
            f"the field of key {key!r} is being deleted; the key is free once its job"
            f" {taken.deletion_job_id} finished",
            key=key,
            job_id=str(taken.deletion_job_id),
        )
    if taken is not None:
        raise CustomFieldKeyTaken(
            f"the key {key!r} is the custom field {taken.id}'s",
            key=key,
            custom_field_id=str(taken.id),
        )
    return await fields.add(
        CustomField(
            tenant_id=tenant_id,
            key=key,
            label=" ".join(body.label.split()),
            kind=body.kind.value,
            options=options,
            position=last_position + 1,
        )
    )


async def update_field(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    field_id: uuid.UUID,
    changes: CustomFieldUpdate,
) -> CustomField:
    repository = CustomFieldRepository.from_session(session)
    field = await get_field(session, tenant_id=tenant_id, field_id=field_id, for_update=True)
    given = changes.model_fields_set
    kind = changes.kind if "kind" in given and changes.kind is not None else FieldKind(field.kind)
    if "options" in given:
        options = _options_fit(kind, changes.options)
    elif kind in _OPTION_KINDS:
        options = _options_fit(kind, field.options)
    else:
        options = None  # a select turned into another kind forgets its options

    if kind != field.kind:
        if await repository.any_value(tenant_id=tenant_id, key=field.key):
            raise CustomFieldInUse(
                f"contacts hold values of {field.key!r}: its kind cannot change",
                key=field.key,
            )
    elif kind in _OPTION_KINDS:
        removed = [option for option in field.options or [] if option not in (options or [])]
        held = await repository.options_held(
            tenant_id=tenant_id,
            key=field.key,
            options=removed,
            multi=kind == FieldKind.MULTI_SELECT,
        )
        if held:
            raise OptionInUse(
                f"contacts hold {held[0]!r} in {field.key!r}: it cannot be removed",
                options=held,
            )
    if "label" in given and changes.label is not None:
        field.label = " ".join(changes.label.split())
    field.kind = kind.value
    field.options = options
    await session.flush()
    return field


async def delete_field(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    field_id: uuid.UUID,
    actor_user_id: uuid.UUID | None,
) -> Job:
    """Hides the field from every read and check now and queues the job that removes
    every contact's value of it (each announced, ``fields.<key>``) and then the
    definition; the job."""
    field = await get_field(session, tenant_id=tenant_id, field_id=field_id, for_update=True)
    job = await enqueue_job(
        session,
        tenant_id=tenant_id,
        kind=DELETE_KIND,
        params={"field_id": str(field.id), "key": field.key},
        created_by_user_id=actor_user_id,
    )
    field.deletion_job_id = job.id
    await session.flush()
    return job


async def reorder_fields(
    session: AsyncSession, *, tenant_id: uuid.UUID, ids: Sequence[uuid.UUID]
) -> list[CustomField]:
    repository = CustomFieldRepository.from_session(session)
    await repository.lock_tenant(tenant_id=tenant_id)
    current = {field.id for field in await repository.of_tenant(tenant_id=tenant_id)}
    if len(set(ids)) != len(ids) or set(ids) != current:
        raise FieldOrderMismatch(
            "the order must name every custom field of the tenant exactly once",
            field="ids",
        )
    await repository.set_positions(tenant_id=tenant_id, ids=ids)
    session.expire_all()
    return await repository.of_tenant(tenant_id=tenant_id)
