"""The ``contacts.import`` job: the file's rows into contacts, in batches, resumably.

The file streams from its chunks through the decoder and ``csv.reader``; each row is read
(``RowReader``) and the good ones are written in batches of about 1,000, one job step
(one transaction) per batch with the batch's rejections, counts and checkpoint (how many
records of the file are done). A process that dies mid-batch leaves nothing of it; the
next runner re-reads the file from the start, skips the records done, and goes on.

Per batch: the contacts already known by the rows' phones or user ids are locked; new
ones are inserted (ON CONFLICT DO NOTHING: one another writer created meanwhile is found
again and treated as known), known ones updated (blank cells keep their value, custom
fields merge) or skipped; the import's tags are added, the consent recorded and
``contact.created`` / ``contact.updated`` staged; a known contact whose name, phone or user
id changed has its conversations announced on the inbox topic (the inbox shows them). A
row the database still refuses makes
the batch go again row by row, each in a savepoint, so only that row is rejected: a row is
written whole or not at all.

Two rows of one file with the same phone (or user id): the later one updates the contact
the earlier one created (or is skipped, with on_existing=skip).
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.contracts.contacts import ConsentChannel, ConsentSource, ConsentStatus
from mia_common.db.base import new_uuid7
from mia_common.errors import AppError
from mia_common.text import without_nul
from mia_crm.consent.service import record_consents
from mia_crm.contacts.events import contacts_changed
from mia_crm.custom_fields.repository import CustomFieldRepository
from mia_crm.imports.mapping import CUSTOM_PREFIX, ContactTarget
from mia_crm.imports.reading import RecordTooLarge, records
from mia_crm.imports.repository import CONTACT_COLUMNS, ImportRepository
from mia_crm.imports.rows import ColumnMap, ContactRow, Problem, RowReader
from mia_crm.imports.service import IMPORT_KIND
from mia_crm.inbox_events import ConversationRef, announce_conversations
from mia_crm.jobs.registry import register_job_kind
from mia_crm.jobs.runner import RunningJob
from mia_crm.models import ImportFile
from mia_crm.tags.repository import TagRepository
from mia_crm.tenant_settings.service import settings_of

__all__ = ["ImportFailed", "run_import"]

_SHOWN = ("name", "phone", "channel_user_id")
"""What the inbox shows of a conversation's contact, in the order ``_classify`` keeps."""

_CHANGED_NAMES: dict[str, str] = {
    ContactTarget.NAME: "name",
    ContactTarget.FIRST_NAME: "name",
    ContactTarget.LAST_NAME: "name",
    ContactTarget.PHONE: "phone",
    ContactTarget.EMAIL: "email",
    ContactTarget.USER_ID: "channel_user_id",
    ContactTarget.LANGUAGE: "language",
    ContactTarget.TIME_ZONE: "time_zone",
    ContactTarget.LIFECYCLE_STAGE: "lifecycle_stage",
    ContactTarget.SOURCE: "source",
    ContactTarget.OWNER_USER_ID: "owner_user_id",
}


class ImportFailed(AppError):
    status_code = 422
    title = "Import failed"


@dataclass(frozen=True, slots=True, kw_only=True)
class _Plan:
    """What every batch of one import does besides writing its rows."""

    tenant_id: uuid.UUID
    import_id: uuid.UUID
    update_existing: bool
    tag_ids: list[uuid.UUID]
    tag_names: list[str]
    consent: tuple[ConsentChannel, ConsentStatus] | None
    actor_user_id: uuid.UUID | None
    contacts_topic: str
    inbox_topic: str
    changed: list[str]
    key_header: str | None


@dataclass(slots=True)
class _Outcome:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    rejected: list[tuple[ContactRow, Problem]] = field(default_factory=list)

    def add(self, other: _Outcome) -> None:
        self.created += other.created
        self.updated += other.updated
        self.skipped += other.skipped
        self.rejected.extend(other.rejected)


@dataclass(slots=True)
class _Batch:
    rows: list[ContactRow] = field(default_factory=list)
    cells: dict[int, list[str]] = field(default_factory=dict)
    rejections: list[dict[str, Any]] = field(default_factory=list)
    rejected_rows: int = 0
    phones: set[str] = field(default_factory=set)
    user_ids: set[str] = field(default_factory=set)

    def holds_key_of(self, row: ContactRow) -> bool:
        phone = row.values.get("phone")
        user_id = row.values.get("channel_user_id")
        return (phone is not None and phone in self.phones) or (
            user_id is not None and user_id in self.user_ids
        )

    def add_row(self, row: ContactRow, cells: list[str]) -> None:
        self.rows.append(row)
        self.cells[row.row_number] = cells
        if row.values.get("phone") is not None:
            self.phones.add(row.values["phone"])
        if row.values.get("channel_user_id") is not None:
            self.user_ids.add(row.values["channel_user_id"])

    def reject(
        self,
        import_id: uuid.UUID,
        row_number: int,
        cells: list[str] | None,
        problems: Sequence[Problem],
    ) -> None:
        kept = None if cells is None else without_nul(cells)
        for position, problem in enumerate(problems):
            self.rejections.append(
                {
                    "import_id": import_id,
                    "row_number": row_number,
                    "position": position,
                    "column": None if problem.column is None else problem.column[:256],
                    "reason": without_nul(problem.reason),
                    "values": kept,
                }
            )
        self.rejected_rows += 1

    @property
    def size(self) -> int:
        return len(self.rows) + self.rejected_rows


async def run_import(job: RunningJob) -> dict[str, Any]:
    params = job.params
    import_id = uuid.UUID(params["import_id"])
    tenant_id = job.tenant_id
    async with job.sessions() as session:
        file = await ImportRepository.from_session(session).get(
            tenant_id=tenant_id, import_id=import_id
        )
        if file is None:
            raise ImportFailed("the import's file is gone")
        fields = await CustomFieldRepository.from_session(session).of_tenant(tenant_id=tenant_id)
        definitions = {f.key: f for f in fields}
        region = (await settings_of(session, tenant_id)).default_country
        tag_ids = [uuid.UUID(t) for t in params["tags"]]
        tags = await TagRepository.from_session(session).many(tenant_id=tenant_id, tag_ids=tag_ids)
    maps = [
        ColumnMap(m["column"], m["field"], file.columns[m["column"]]) for m in params["mapping"]
    ]
    for column in maps:
        key = column.target[len(CUSTOM_PREFIX) :]
        if column.target.startswith(CUSTOM_PREFIX) and key not in definitions:
            raise ImportFailed(f"the custom field {key} was deleted after the import started")
    owners: dict[uuid.UUID, str | None] | None = None
    if any(column.target == ContactTarget.OWNER_USER_ID for column in maps):
        # What the gateway said at the start (``start_import``); a job queued without it
        # has nothing checked, and rejects every row naming an owner.
        owners = {uuid.UUID(key): reason for key, reason in (params.get("owners") or {}).items()}
    reader = RowReader(mapping=maps, definitions=definitions, region=region, owners=owners)
    consent = params.get("consent")
    changed = sorted(
        {_CHANGED_NAMES.get(m.target, m.target) for m in maps} | ({"tags"} if tags else set())
    )
    plan = _Plan(
        tenant_id=tenant_id,
        import_id=import_id,
        update_existing=params["on_existing"] == "update",
        tag_ids=[tag.id for tag in tags],
        tag_names=sorted(tag.name for tag in tags),
        consent=None
        if consent is None
        else (ConsentChannel(consent["channel"]), ConsentStatus(consent["status"])),
        actor_user_id=job.created_by_user_id,
        contacts_topic=job.settings.contacts_topic,
        inbox_topic=job.settings.inbox_topic,
        changed=changed,
        key_header=reader.key_header,
    )
    has_header = bool(params["has_header"])
    batch_size = int(params.get("batch_size") or 1000)

    async def chunk(seq: int) -> bytes | None:
        if seq >= file.chunk_count:
            return None
        async with job.sessions() as session:
            return await ImportRepository.from_session(session).chunk(import_id=import_id, seq=seq)

    try:
        if job.checkpoint is None:
            total = 0
            async for record in records(chunk, encoding=file.encoding, delimiter=file.delimiter):
                if record.index == 0 and has_header:
                    continue
                if record.cells is None or not _blank(record.cells):
                    total += 1
            async with job.step() as step:
                await ImportRepository.from_session(step.session).add_counts(
                    import_id=import_id, created=0, updated=0, skipped=0, rejected=0, total=total
                )
                step.advance(total=total, checkpoint={"records": 1 if has_header else 0})
        assert job.checkpoint is not None
        start = max(int(job.checkpoint["records"]), 1 if has_header else 0)
        # Rows are read and checked while the batch before them is being written: a
        # bounded queue (two batches) between the reader and the writer.
        ready: asyncio.Queue[tuple[_Batch, int] | None] = asyncio.Queue(maxsize=2)

        async def read_batches() -> None:
            batch = _Batch()
            done = start
            async for record in records(
                chunk, encoding=file.encoding, delimiter=file.delimiter, skip=start
            ):
                number = record.index + 1
                if record.cells is None:
                    problem = Problem(None, record.error or "unreadable")
                    batch.reject(import_id, number, None, [problem])
                elif not _blank(record.cells):
                    read = reader.read(number, record.cells)
                    if isinstance(read, ContactRow):
                        if batch.holds_key_of(read):
                            # The same contact twice: the later row goes in the next
                            # batch, and updates (or skips) what the earlier one wrote.
                            await ready.put((batch, done))
                            batch = _Batch()
                        batch.add_row(read, record.cells)
                    else:
                        batch.reject(import_id, number, record.cells, read)
                done = record.index + 1
                if batch.size >= batch_size:
                    await ready.put((batch, done))
                    batch = _Batch()
            await ready.put((batch, done))
            await ready.put(None)

        reading = asyncio.create_task(read_batches())
        try:
            while (item := await _next(ready, reading)) is not None:
                batch, done = item
                await _write_step(job, plan, batch, done_through=done)
        finally:
            reading.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reading
    except RecordTooLarge as error:
        raise ImportFailed(str(error)) from None
    async with job.sessions() as session:
        final = await ImportRepository.from_session(session).get(
            tenant_id=tenant_id, import_id=import_id
        )
    assert final is not None
    return _counts(final)


async def _next(
    ready: asyncio.Queue[tuple[_Batch, int] | None], reading: asyncio.Task[None]
) -> tuple[_Batch, int] | None:
    """The next batch the reader made; the reader's error if it failed."""
    getting = asyncio.ensure_future(ready.get())
    await asyncio.wait({getting, reading}, return_when=asyncio.FIRST_COMPLETED)
    if getting.done():
        return getting.result()
    getting.cancel()
    reading.result()  # raises what stopped the reader
    return await ready.get()  # it finished: what it put last


def _counts(file: ImportFile) -> dict[str, Any]:
    return {
        "import_id": str(file.id),
        "total": file.total_rows,
        "created": file.created_count,
        "updated": file.updated_count,
        "skipped": file.skipped_count,
        "rejected": file.rejected_count,
    }


def _blank(cells: Sequence[str]) -> bool:
    return all(not cell or cell.isspace() for cell in cells)


async def _write_step(job: RunningJob, plan: _Plan, batch: _Batch, *, done_through: int) -> None:
    """One batch as one step: its rows, its rejections, the counts and the checkpoint."""
    async with job.step() as step:
        session = step.session
        outcome = await write_batch(session, plan, batch.rows)
        for row, problem in outcome.rejected:
            batch.reject(plan.import_id, row.row_number, batch.cells.get(row.row_number), [problem])
        repository = ImportRepository.from_session(session)
        await repository.add_rejections(batch.rejections)
        await repository.add_counts(
            import_id=plan.import_id,
            created=outcome.created,
            updated=outcome.updated,
            skipped=outcome.skipped,
            rejected=batch.rejected_rows,
        )
        step.advance(
            processed=len(batch.rows) + batch.rejected_rows - len(outcome.rejected),
            succeeded=outcome.created + outcome.updated + outcome.skipped,
            failed=batch.rejected_rows,
            checkpoint={"records": done_through},
        )


async def write_batch(session: AsyncSession, plan: _Plan, rows: Sequence[ContactRow]) -> _Outcome:
    """Write the rows (in a savepoint); if the database refuses the batch, row by row."""
    if not rows:
        return _Outcome()
    try:
        async with session.begin_nested():
            return await _write(session, plan, rows)
    except DBAPIError:
        session.expunge_all()
    outcome = _Outcome()
    for row in rows:
        try:
            async with session.begin_nested():
                outcome.add(await _write(session, plan, [row]))
        except DBAPIError as error:
            session.expunge_all()
            reason = str(getattr(error, "orig", error)).strip().splitlines()[0][:300]
            outcome.rejected.append((row, Problem(None, f"could not be stored: {reason}")))
    return outcome


async def _write(session: AsyncSession, plan: _Plan, rows: Sequence[ContactRow]) -> _Outcome:
    repository = ImportRepository.from_session(session)
    outcome = _Outcome()
    shown: dict[uuid.UUID, tuple[str | None, ...]] = {}
    new, known = await _classify(repository, plan, rows, outcome, shown)
    tag_ids = await repository.live_tag_ids(tenant_id=plan.tenant_id, tag_ids=plan.tag_ids)
    inserted = await repository.insert_contacts(
        [
            {
                "id": new_uuid7(),
                "tenant_id": plan.tenant_id,
                **dict.fromkeys(CONTACT_COLUMNS),
                **row.values,
                "fields": row.fields,
            }
            for row in new
        ],
        tag_ids=tag_ids,
    )
    if len(inserted) < len(new):
        # Another writer created some of these contacts since they were looked up.
        taken = {c.phone for c in inserted} | {c.channel_user_id for c in inserted}
        raced = [
            row
            for row in new
            if row.values.get("phone", object()) not in taken
            and row.values.get("channel_user_id", object()) not in taken
        ]
        again, more_known = await _classify(repository, plan, raced, outcome, shown)
        for row in again:
            outcome.rejected.append(
                (row, Problem(plan.key_header, "taken by another contact while importing"))
            )
        known.extend(more_known)
    outcome.created = len(inserted)
    updated: list[Row[Any]] = []
    if plan.update_existing:
        updated = await repository.update_contacts(
            tenant_id=plan.tenant_id,
            rows=[
                {
                    "id": contact_id,
                    **dict.fromkeys(CONTACT_COLUMNS),
                    **row.values,
                    "fields": row.fields or None,
                }
                for row, contact_id in known
            ],
        )
        outcome.updated = len(updated)
        await _announce_shown_changes(session, plan, updated, shown)
    else:
        outcome.skipped = len(known)
    touched = [*inserted, *updated]
    if not touched:
        return outcome
    ids = [contact.id for contact in touched]
    if tag_ids:
        await repository.add_tags(tenant_id=plan.tenant_id, contact_ids=ids, tag_ids=tag_ids)
    now = datetime.now(UTC)
    if plan.consent is not None:
        channel, status = plan.consent
        protected = (
            await repository.opted_out(contact_ids=ids, channel=channel.value)
            if status == ConsentStatus.OPTED_IN
            else set()
        )
        await record_consents(
            session,
            tenant_id=plan.tenant_id,
            contact_ids=[contact_id for contact_id in ids if contact_id not in protected],
            channel=channel,
            status=status,
            source=ConsentSource.IMPORT,
            actor_user_id=plan.actor_user_id,
            occurred_at=now,
            contacts_topic=plan.contacts_topic,
            note="import",
        )
    await contacts_changed(
        session,
        topic=plan.contacts_topic,
        contacts=inserted,
        changed=plan.changed,
        actor_user_id=plan.actor_user_id,
        occurred_at=now,
        created=True,
        tag_names={contact.id: plan.tag_names for contact in inserted},
    )
    await contacts_changed(
        session,
        topic=plan.contacts_topic,
        contacts=updated,
        changed=plan.changed,
        actor_user_id=plan.actor_user_id,
        occurred_at=now,
    )
    return outcome


async def _announce_shown_changes(
    session: AsyncSession,
    plan: _Plan,
    updated: Sequence[Row[Any]],
    shown: dict[uuid.UUID, tuple[str | None, ...]],
) -> None:
    """``conversation_updated`` for the conversations of the contacts whose name, phone or
    user id the batch changed (``shown``: those values before it), so open inboxes show
    the new ones; contacts the batch left looking the same announce nothing."""
    changed = [
        contact.id
        for contact in updated
        if shown.get(contact.id) is not None
        and shown[contact.id] != tuple(getattr(contact, name) for name in _SHOWN)
    ]
    if not changed:
        return
    conversations = await ImportRepository.from_session(session).conversations_of(
        tenant_id=plan.tenant_id, contact_ids=changed
    )
    await announce_conversations(
        session,
        [
            ConversationRef(plan.tenant_id, conversation_id, contact_id)
            for conversation_id, contact_id in conversations
        ],
        topic=plan.inbox_topic,
        occurred_at=datetime.now(UTC),
    )


async def _classify(
    repository: ImportRepository,
    plan: _Plan,
    rows: Sequence[ContactRow],
    outcome: _Outcome,
    shown: dict[uuid.UUID, tuple[str | None, ...]],
) -> tuple[list[ContactRow], list[tuple[ContactRow, uuid.UUID]]]:
    """The rows that are new contacts, and those of known ones (with the contact's id);
    a row whose phone and user id name two different contacts is rejected. ``shown``
    gets what the inbox shows of each known contact (``_SHOWN``) as it is now."""
    phones = {row.values["phone"] for row in rows if "phone" in row.values}
    user_ids = {row.values["channel_user_id"] for row in rows if "channel_user_id" in row.values}
    by_phone: dict[str, uuid.UUID] = {}
    by_user_id: dict[str, uuid.UUID] = {}
    for contact_id, phone, user_id, name in await repository.known_for_update(
        tenant_id=plan.tenant_id, phones=phones, user_ids=user_ids
    ):
        shown.setdefault(contact_id, (name, phone, user_id))
        if phone is not None:
            by_phone[phone] = contact_id
        if user_id is not None:
            by_user_id[user_id] = contact_id
    new: list[ContactRow] = []
    known: list[tuple[ContactRow, uuid.UUID]] = []
    for row in rows:
        found = {
            by_phone.get(row.values.get("phone", "")),
            by_user_id.get(row.values.get("channel_user_id", "")),
        } - {None}
        if len(found) > 1:
            problem = Problem(
                plan.key_header, "the phone number and the user id belong to two contacts"
            )
            outcome.rejected.append((row, problem))
        elif found:
            known.append((row, found.pop()))  # type: ignore[arg-type]
        else:
            new.append(row)
    return new, known


register_job_kind(IMPORT_KIND, run_import)
