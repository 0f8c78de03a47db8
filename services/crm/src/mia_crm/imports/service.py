"""Imports: upload (streamed into chunks), analysis, preview, start (a job).

1. ``upload``: the request's body streams into ``import_chunks`` (1 MiB each, nothing
   held whole in memory); every byte goes through a UTF-8 check on the way, so the
   encoding is decided on the whole file, the rest on its first 64 KiB.
2. ``analyse`` (part of the upload): encoding, delimiter, header, the columns with a
   suggested field each, and a preview of the first rows as they would be imported.
3. ``start_import``: the mapping, tags, update-or-skip and consent, checked, become a
   ``contacts.import`` job (``mia_crm.imports.job`` runs it).

An owner column (``owner_user_id``) sets contacts' owners in bulk: managers and above only
(an agent's start is refused, 403 ``owner_not_allowed``: the owner rule of
``mia_crm.owners`` lets an agent own nothing but what nobody owns, which a file cannot
tell). The start reads the column through the whole file, asks the gateway about each
distinct id once (with the caller's token, which the job does not have), and stores the
answers in the job's params; the job rejects a row naming a user the gateway does not know
or who is deactivated, with its column and why, as any other bad row.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.identity import Role
from mia_common.text import without_nul
from mia_crm.conversations.assignees import GatewayUsers
from mia_crm.custom_fields.repository import CustomFieldRepository
from mia_crm.errors import AssigneeInactive, AssigneeUnknown, GatewayUnavailable
from mia_crm.imports.errors import (
    EmptyFile,
    FileTooLarge,
    ImportAlreadyStarted,
    ImportNotFound,
    InvalidMapping,
    UnknownTags,
)
from mia_crm.imports.mapping import CUSTOM_PREFIX, ContactTarget, is_header, suggest
from mia_crm.imports.reading import (
    RecordTooLarge,
    Utf8Check,
    decode_sample,
    detect_delimiter,
    detect_encoding,
    records,
    sample_records,
)
from mia_crm.imports.repository import ImportRepository
from mia_crm.imports.rows import ColumnMap, ContactRow, RowReader, read_owner
from mia_crm.imports.schemas import CellProblem, ColumnMapping, ImportStart, PreviewRow
from mia_crm.jobs.service import enqueue_job
from mia_crm.models import CustomField, ImportFile, Job
from mia_crm.owners import OwnerNotAllowed
from mia_crm.tags.repository import TagRepository
from mia_crm.tenant_settings.service import settings_of

__all__ = [
    "CHUNK_BYTES",
    "IMPORT_KIND",
    "MAX_FILE_BYTES",
    "Analysis",
    "column_maps",
    "get_import",
    "preview",
    "start_import",
    "upload",
]

IMPORT_KIND = "contacts.import"
CHUNK_BYTES = 1 << 20
MAX_FILE_BYTES = 200 << 20
HEAD_BYTES = 64 << 10
PREVIEW_ROWS = 20
MAX_HEADER = 256
MAX_OWNERS = 1000
"""Distinct users an owner column may name (each is asked of the gateway at the start)."""
OWNER_CHECKS_AT_ONCE = 8


@dataclass(frozen=True, slots=True)
class Analysis:
    file: ImportFile
    suggested: list[str | None]
    preview: list[PreviewRow]


async def get_import(
    session: AsyncSession, *, tenant_id: uuid.UUID, import_id: uuid.UUID, for_update: bool = False
) -> ImportFile:
    found = await ImportRepository.from_session(session).get(
        tenant_id=tenant_id, import_id=import_id, for_update=for_update
    )
    if found is None:
        raise ImportNotFound(f"no import {import_id}")
    return found


async def upload(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    user_id: uuid.UUID | None,
    filename: str | None,
    body: AsyncIterator[bytes],
    max_bytes: int = MAX_FILE_BYTES,
) -> Analysis:
    """Store the body as the file of a new import and analyse it; ``FileTooLarge`` past
    ``max_bytes`` (the transaction then rolls back every chunk stored)."""
    file = ImportFile(
        tenant_id=tenant_id,
        filename=None if filename is None else without_nul(filename)[:256],
        size_bytes=0,
        chunk_count=0,
        encoding="utf-8",
        delimiter=",",
        has_header=True,
        columns=[],
        created_by_user_id=user_id,
    )
    session.add(file)
    await session.flush()
    repository = ImportRepository.from_session(session)
    check = Utf8Check()
    buffer = bytearray()
    head = bytearray()
    size = 0
    seq = 0
    async for piece in body:
        if not piece:
            continue
        size += len(piece)
        if size > max_bytes:
            raise FileTooLarge(f"a file may hold at most {max_bytes} bytes")
        check.feed(piece)
        if len(head) < HEAD_BYTES:
            head += piece[: HEAD_BYTES - len(head)]
        buffer += piece
        while len(buffer) >= CHUNK_BYTES:
            await repository.add_chunk(import_id=file.id, seq=seq, data=bytes(buffer[:CHUNK_BYTES]))
            del buffer[:CHUNK_BYTES]
            seq += 1
    if buffer:
        await repository.add_chunk(import_id=file.id, seq=seq, data=bytes(buffer))
        seq += 1
    check.feed(b"", final=True)
    file.size_bytes = size
    file.chunk_count = seq
    file.encoding = detect_encoding(bytes(head), utf8_valid=check.valid)
    sample = decode_sample(bytes(head), file.encoding, whole=size <= HEAD_BYTES)
    file.delimiter = detect_delimiter(sample)
    first = sample_records(sample, file.delimiter, PREVIEW_ROWS + 1)
    if not first:
        raise EmptyFile("the file holds no rows")
    definitions = await _definitions(session, tenant_id)
    labels = [(d.key, d.label) for d in definitions.values()]
    file.has_header = is_header(first[0], labels)
    width = max(len(record) for record in first)
    file.columns = _headers(first[0] if file.has_header else [], width)
    await session.flush()
    return await preview(session, file=file, mapping=None, has_header=None)


def _headers(cells: Sequence[str], width: int) -> list[str]:
    headers = []
    for index in range(max(width, len(cells))):
        text = " ".join(without_nul(cells[index]).split()) if index < len(cells) else ""
        headers.append(text[:MAX_HEADER] or f"Column {index + 1}")
    return headers


async def _definitions(session: AsyncSession, tenant_id: uuid.UUID) -> dict[str, CustomField]:
    fields = await CustomFieldRepository.from_session(session).of_tenant(tenant_id=tenant_id)
    return {field.key: field for field in fields}


async def _sample(session: AsyncSession, file: ImportFile) -> str:
    data = await ImportRepository.from_session(session).chunk(import_id=file.id, seq=0) or b""
    head = data[:HEAD_BYTES]
    return decode_sample(head, file.encoding, whole=file.size_bytes <= HEAD_BYTES)


def column_maps(
    file: ImportFile, mapping: Sequence[ColumnMapping], definitions: dict[str, CustomField]
) -> list[ColumnMap]:
    """The mapping checked against the file's columns and the tenant's fields."""
    maps: list[ColumnMap] = []
    seen: set[str] = set()
    for entry in mapping:
        if entry.column >= len(file.columns):
            raise InvalidMapping(
                f"column {entry.column} is not in the file ({len(file.columns)} columns)",
                column=entry.column,
            )
        key = entry.field[len(CUSTOM_PREFIX) :]
        if entry.field.startswith(CUSTOM_PREFIX) and key not in definitions:
            raise InvalidMapping(f"no custom field {entry.field}", field=entry.field)
        if entry.field in seen:
            raise InvalidMapping(f"{entry.field} is mapped twice", field=entry.field)
        seen.add(entry.field)
        maps.append(ColumnMap(entry.column, entry.field, file.columns[entry.column]))
    if ContactTarget.NAME in seen and seen & {ContactTarget.FIRST_NAME, ContactTarget.LAST_NAME}:
        raise InvalidMapping("map the name, or first and last names, not both")
    return maps


async def preview(
    session: AsyncSession,
    *,
    file: ImportFile,
    mapping: Sequence[ColumnMapping] | None,
    has_header: bool | None,
) -> Analysis:
    """The file's first rows as ``mapping`` (None: the suggested one) would import them."""
    definitions = await _definitions(session, file.tenant_id)
    sample = await _sample(session, file)
    header = file.has_header if has_header is None else has_header
    first = sample_records(sample, file.delimiter, PREVIEW_ROWS + 1)
    rows = first[1:] if header else first
    suggested = suggest(
        file.columns,
        [(d.key, d.label) for d in definitions.values()],
        has_header=file.has_header,
        first_rows=rows,
    )
    if mapping is None:
        mapping = [
            ColumnMapping(column=index, field=target)
            for index, target in enumerate(suggested)
            if target is not None
        ]
    region = (await settings_of(session, file.tenant_id)).default_country
    reader = RowReader(
        mapping=column_maps(file, mapping, definitions), definitions=definitions, region=region
    )
    shown: list[PreviewRow] = []
    for offset, cells in enumerate(rows[:PREVIEW_ROWS]):
        number = offset + (2 if header else 1)
        read = reader.read(number, cells)
        problems = [] if isinstance(read, ContactRow) else read
        shown.append(
            PreviewRow(
                row_number=number,
                values=[without_nul(cell) for cell in cells],
                errors=[CellProblem(column=p.column, reason=p.reason) for p in problems],
            )
        )
    return Analysis(file=file, suggested=suggested, preview=shown)


async def start_import(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    user_id: uuid.UUID | None,
    import_id: uuid.UUID,
    body: ImportStart,
    batch_size: int = 1000,
    role: Role | None = None,
    users: GatewayUsers | None = None,
    identity_token: str | None = None,
) -> tuple[ImportFile, Job]:
    """The import's job, queued. ``role``, ``users`` and ``identity_token`` (the caller's)
    are needed for an owner column only: None for ``role`` is held to the agent's rule."""
    file = await get_import(session, tenant_id=tenant_id, import_id=import_id, for_update=True)
    if file.job_id is not None:
        raise ImportAlreadyStarted(f"import {import_id} was started already")
    definitions = await _definitions(session, tenant_id)
    maps = column_maps(file, body.mapping, definitions)
    if not {m.target for m in maps} & {ContactTarget.PHONE, ContactTarget.USER_ID}:
        raise InvalidMapping("map a column to phone or user_id: contacts are known by them")
    tag_ids = list(dict.fromkeys(body.tags))
    found = await TagRepository.from_session(session).many(tenant_id=tenant_id, tag_ids=tag_ids)
    missing = set(tag_ids) - {tag.id for tag in found}
    if missing:
        raise UnknownTags(
            f"no tags {', '.join(sorted(map(str, missing)))}", tags=sorted(map(str, missing))
        )
    has_header = file.has_header if body.has_header is None else body.has_header
    owners: dict[str, str | None] | None = None
    owner_column = next((m for m in maps if m.target == ContactTarget.OWNER_USER_ID), None)
    if owner_column is not None:
        if role is None or not role.at_least(Role.manager):
            raise OwnerNotAllowed(
                "only a manager or above may import an owner column (owner_user_id):"
                " an agent may own only what nobody owns; leave the column out of the mapping",
                column=owner_column.index,
                field=owner_column.target,
            )
        owners = await _checked_owners(
            session,
            file=file,
            column=owner_column.index,
            has_header=has_header,
            users=users,
            identity_token=identity_token,
        )
    job = await enqueue_job(
        session,
        tenant_id=tenant_id,
        kind=IMPORT_KIND,
        params={
            "import_id": str(file.id),
            "mapping": [{"column": m.index, "field": m.target} for m in maps],
            "tags": [str(tag_id) for tag_id in tag_ids],
            "on_existing": body.on_existing.value,
            "consent": None if body.consent is None else body.consent.model_dump(mode="json"),
            "has_header": has_header,
            "batch_size": batch_size,
            "owners": owners,
        },
        created_by_user_id=user_id,
    )
    file.job_id = job.id
    file.has_header = has_header
    await session.flush()
    return file, job


async def _checked_owners(
    session: AsyncSession,
    *,
    file: ImportFile,
    column: int,
    has_header: bool,
    users: GatewayUsers | None,
    identity_token: str | None,
) -> dict[str, str | None]:
    """Each distinct user id of the owner column (the whole file read once, the column
    only) with the gateway's word: None for an active user of the tenant, else why a row
    naming them is rejected. 503 when the gateway cannot say; 422 past ``MAX_OWNERS``."""
    repository = ImportRepository.from_session(session)

    async def chunk(seq: int) -> bytes | None:
        if seq >= file.chunk_count:
            return None
        return await repository.chunk(import_id=file.id, seq=seq)

    named: set[uuid.UUID] = set()
    try:
        async for record in records(chunk, encoding=file.encoding, delimiter=file.delimiter):
            if (record.index == 0 and has_header) or record.cells is None:
                continue
            if column >= len(record.cells):
                continue
            owner = read_owner(record.cells[column])
            if owner is not None and owner not in named:
                named.add(owner)
                if len(named) > MAX_OWNERS:
                    raise InvalidMapping(
                        f"the owner column names more than {MAX_OWNERS} users", column=column
                    )
    except RecordTooLarge as error:
        raise InvalidMapping(str(error), column=column) from None
    if not named:
        return {}
    if users is None or identity_token is None:
        raise GatewayUnavailable("the owners of the file cannot be checked with the gateway")
    answers: dict[str, str | None] = {}
    asking = asyncio.Semaphore(OWNER_CHECKS_AT_ONCE)

    async def ask(owner: uuid.UUID) -> None:
        async with asking:
            try:
                await users.check_assignable(
                    user_id=owner, tenant_id=file.tenant_id, identity_token=identity_token
                )
            except AssigneeUnknown:
                answers[str(owner)] = f"no user {owner} in this tenant"
            except AssigneeInactive:
                answers[str(owner)] = f"user {owner} is deactivated and cannot own contacts"
            else:
                answers[str(owner)] = None

    await asyncio.gather(*(ask(owner) for owner in sorted(named)))
    return dict(sorted(answers.items()))
