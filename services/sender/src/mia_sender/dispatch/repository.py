"""All SQL over ``sends``: intake, claims, take-over, expiry and conditional transitions.

Every transition out of 'sending' or 'unknown' is a conditional UPDATE on the state and
the attempt number it expects: whichever writer gets there first (the dispatcher with the
provider's answer, the reconciler with a status, a replica that took the account over)
wins, and the others change nothing, so a send gets exactly one outcome.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import Row, and_, exists, func, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from mia_sender.models import ChannelAccount, Send, SendState

__all__ = ["OUTCOME_COLUMNS", "SendRepository"]

_IN_FLIGHT = (SendState.SENDING.value, SendState.UNKNOWN.value)

OUTCOME_COLUMNS = (
    "request_id",
    "tenant_id",
    "channel",
    "channel_account_id",
    "recipient",
    "recipient_user_id",
    "state",
    "external_message_id",
    "last_error",
    "attempts",
    "origin",
    "origin_ref",
    "finished_at",
)
"""What an outcome is made of (``outcomes.EndedSend``): the batch transitions return these
columns only, as plain rows; the whole row (its JSON content above all) and ORM objects
for hundreds of sends a second cost more than the update itself. (Spelled out in each
statement's RETURNING, in this order.)"""
_TYPED = [Send.__table__.c[name] for name in OUTCOME_COLUMNS]

# The hot statements are constant SQL (arrays through unnest / ANY), so each is prepared
# and compiled once per connection however many rows a batch has, and the ORM builds no
# query per call.
_CLAIM_DUE = text(
    """
    SELECT sends.* FROM sends
    WHERE sends.channel_account_id = :account_id AND sends.state = 'queued'
        AND sends.next_attempt_at <= :now
        AND NOT EXISTS (
            SELECT 1 FROM sends AS earlier
            WHERE earlier.channel_account_id = sends.channel_account_id
                AND earlier.recipient_key = sends.recipient_key
                AND earlier.state IN ('queued', 'sending')
                AND earlier.seq < sends.seq)
    ORDER BY sends.next_attempt_at, sends.seq
    LIMIT :limit
    FOR UPDATE SKIP LOCKED
    """
)
_NO_NESTED_LOOP = text("SET LOCAL enable_nestloop = off")
_MARK_SENDING = text(
    """
    UPDATE sends SET state = 'sending', attempts = attempts + 1, sending_started_at = :now,
        updated_at = now()
    WHERE request_id = ANY(CAST(:request_ids AS uuid[])) AND state = 'queued'
    """
)
_ACCEPT_MANY = text(
    """
    UPDATE sends SET state = 'accepted', external_message_id = answer.external_message_id,
        finished_at = :now, last_error = NULL, updated_at = now()
    FROM unnest(CAST(:request_ids AS uuid[]), CAST(:attempts AS integer[]),
                CAST(:external_ids AS text[]))
        AS answer(request_id, attempts, external_message_id)
    WHERE sends.request_id = answer.request_id AND sends.attempts = answer.attempts
        AND sends.state IN ('sending', 'unknown')
    RETURNING sends.request_id, sends.tenant_id, sends.channel, sends.channel_account_id,
        sends.recipient, sends.recipient_user_id, sends.state, sends.external_message_id,
        sends.last_error, sends.attempts, sends.origin, sends.origin_ref, sends.finished_at
    """
).columns(*_TYPED)
_SETTLE_MANY = text(
    """
    UPDATE sends SET state = 'accepted', external_message_id = status.external_message_id,
        finished_at = :now, last_error = NULL, updated_at = now()
    FROM unnest(CAST(:request_ids AS uuid[]), CAST(:tenant_ids AS uuid[]),
                CAST(:account_ids AS uuid[]), CAST(:external_ids AS text[]))
        AS status(request_id, tenant_id, channel_account_id, external_message_id)
    WHERE sends.request_id = status.request_id AND sends.tenant_id = status.tenant_id
        AND sends.channel_account_id = status.channel_account_id
        AND (sends.state IN ('sending', 'unknown')
             OR (sends.state = 'queued' AND sends.attempts > 0))
    RETURNING sends.request_id, sends.tenant_id, sends.channel, sends.channel_account_id,
        sends.recipient, sends.recipient_user_id, sends.state, sends.external_message_id,
        sends.last_error, sends.attempts, sends.origin, sends.origin_ref, sends.finished_at
    """
).columns(*_TYPED)


# The columns intake writes, with their array types for unnest; JSON goes as text.
_INSERTED: dict[str, str] = {
    "request_id": "uuid",
    "tenant_id": "uuid",
    "channel_account_id": "uuid",
    "channel": "text",
    "recipient": "text",
    "recipient_user_id": "text",
    "recipient_key": "text",
    "content": "jsonb",
    "reply_to_external_id": "text",
    "origin": "text",
    "origin_ref": "text",
    "not_after": "timestamptz",
    "state": "text",
    "attempts": "integer",
    "next_attempt_at": "timestamptz",
    "last_error": "jsonb",
    "finished_at": "timestamptz",
}
_JSON_COLUMNS = frozenset(name for name, kind in _INSERTED.items() if kind == "jsonb")


def _insert_many_sql() -> str:
    names = ", ".join(_INSERTED)
    values = ", ".join(
        f"CAST(r.{name} AS jsonb)" if kind == "jsonb" else f"r.{name}"
        for name, kind in _INSERTED.items()
    )
    arrays = ", ".join(
        f"CAST(:{name} AS {'text' if kind == 'jsonb' else kind}[])"
        for name, kind in _INSERTED.items()
    )
    # Built from the constant column map above, never from input.
    return f"""
    INSERT INTO sends ({names})
    SELECT {values}
    FROM unnest({arrays}) WITH ORDINALITY AS r({names}, arrival)
    ORDER BY r.arrival
    ON CONFLICT DO NOTHING
    RETURNING request_id
    """  # noqa: S608


# Intake's batch, in arrival order (``seq`` is assigned in it: WITH ORDINALITY); one
# statement text for any batch size, where a multi-row VALUES was a new statement to
# parse and plan for every size.
_INSERT_MANY = text(_insert_many_sql()).columns(Send.__table__.c.request_id)


class SendRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @classmethod
    def from_session(cls, session: AsyncSession) -> SendRepository:
        return cls(session)

    async def insert(self, rows: list[dict[str, Any]]) -> set[uuid.UUID]:
        """Insert sends (one statement for the batch); the request ids that were new (a known id
        is a redelivered or repeated request and changes nothing)."""
        if not rows:
            return set()
        params: dict[str, list[Any]] = {column: [] for column in _INSERTED}
        for row in rows:
            for column in _INSERTED:
                value = row.get(column)
                if column in _JSON_COLUMNS and value is not None:
                    value = orjson.dumps(value).decode()
                params[column].append(value)
        return set((await self.session.scalars(_INSERT_MANY, params)).all())

    async def accept_many(
        self, answers: list[tuple[uuid.UUID, int, str]], *, now: datetime
    ) -> Sequence[Row[Any]]:
        """Mark sends accepted with their external ids in one statement: each only if still in
        flight at the attempt that was answered. The rows that changed."""
        if not answers:
            return []
        request_ids, attempts, external_ids = (
            list(column) for column in zip(*answers, strict=True)
        )
        params = {
            "request_ids": request_ids,
            "attempts": attempts,
            "external_ids": external_ids,
            "now": now,
        }
        return (await self.session.execute(_ACCEPT_MANY, params)).all()

    async def settle_many(
        self,
        statuses: list[tuple[uuid.UUID, uuid.UUID, uuid.UUID, str]],
        *,
        now: datetime,
    ) -> Sequence[Row[Any]]:
        """Accept the sends these statuses prove accepted: (request id, tenant, account, external
        id). A send qualifies while 'sending' or 'unknown', or queued again after an attempt;
        one already ended is left alone. The rows that changed."""
        if not statuses:
            return []
        request_ids, tenant_ids, account_ids, external_ids = (
            list(column) for column in zip(*statuses, strict=True)
        )
        params = {
            "request_ids": request_ids,
            "tenant_ids": tenant_ids,
            "account_ids": account_ids,
            "external_ids": external_ids,
            "now": now,
        }
        return (await self.session.execute(_SETTLE_MANY, params)).all()

    async def claim_due(
        self, account_id: uuid.UUID, *, now: datetime, limit: int
    ) -> Sequence[Send]:
        """The account's due sends, oldest first, locked for this transaction.

        Only the head of each customer's queue is due: a send waits while an earlier one to
        the same customer is queued (held back by the pair limit or a backoff) or being
        sent, so one customer's messages leave in the order they were asked for.
        """
        # The head-of-queue test must never be a nested loop: with statistics older than
        # the account's queue (a fresh table, or an ANALYZE taken while the account had
        # nothing queued) the planner scanned all of the account's active sends again for
        # every candidate, O(n^2) a claim: 25 ms for 250 sends, and in the campaign
        # fan-out bench 20 million index entries read for 20,000 messages. A hash anti-join
        # reads them once (0.6 ms). Only this transaction is affected (SET LOCAL).
        await self.session.execute(_NO_NESTED_LOOP)
        statement = select(Send).from_statement(_CLAIM_DUE)
        params = {"account_id": account_id, "now": now, "limit": limit}
        return (await self.session.scalars(statement, params)).all()

    async def mark_sending(self, request_ids: list[uuid.UUID], *, now: datetime) -> None:
        """Claimed sends about to be called: 'sending', their attempt counted (one
        statement for the claim; the caller holds their locks)."""
        if request_ids:
            await self.session.execute(_MARK_SENDING, {"request_ids": request_ids, "now": now})

    async def take_over(self, account_id: uuid.UUID) -> int:
        """A new dispatcher of the account: whatever is still 'sending' may have been called by
        the previous one, so it becomes 'unknown' (never called again blindly)."""
        result = await self.session.execute(
            update(Send)
            .where(Send.channel_account_id == account_id, Send.state == SendState.SENDING.value)
            .values(state=SendState.UNKNOWN.value, updated_at=func.now())
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def requeue_unknown(
        self, account_id: uuid.UUID, *, now: datetime, window: timedelta
    ) -> int:
        """'unknown' sends no status claimed within the reconcile window were not accepted:
        they are queued to be sent again.

        The window runs from when the send became 'unknown' (``updated_at``: the lost answer,
        or a take-over after a crash), not from its call: a process restarted after a crash
        takes seconds before its status consumer has its partitions again, and counting
        from the call sent again, twice, a message whose status was waiting on the topic."""
        result = await self.session.execute(
            update(Send)
            .where(
                Send.channel_account_id == account_id,
                Send.state == SendState.UNKNOWN.value,
                Send.updated_at <= now - window,
            )
            .values(state=SendState.QUEUED.value, next_attempt_at=now, updated_at=func.now())
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def expired_queued(
        self, account_id: uuid.UUID, *, now: datetime, limit: int
    ) -> Sequence[Send]:
        return (
            await self.session.scalars(
                select(Send)
                .where(
                    Send.channel_account_id == account_id,
                    Send.state == SendState.QUEUED.value,
                    Send.not_after.is_not(None),
                    Send.not_after <= now,
                )
                .order_by(Send.seq)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        ).all()

    async def queued_of_account(self, account_id: uuid.UUID, *, limit: int) -> Sequence[Send]:
        return (
            await self.session.scalars(
                select(Send)
                .where(Send.channel_account_id == account_id, Send.state == SendState.QUEUED.value)
                .order_by(Send.seq)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        ).all()

    async def transition(
        self,
        request_id: uuid.UUID,
        *,
        attempts: int | None,
        from_states: Sequence[str] = _IN_FLIGHT,
        values: dict[str, Any],
    ) -> Send | None:
        """Move one send on if it is still where the caller left it; the row, or None."""
        conditions = [Send.request_id == request_id, Send.state.in_(list(from_states))]
        if attempts is not None:
            conditions.append(Send.attempts == attempts)
        statement = (
            update(Send)
            .where(*conditions)
            .values(**values, updated_at=func.now())
            .returning(Send)
            .execution_options(synchronize_session=False)
        )
        return (await self.session.scalars(statement)).one_or_none()

    async def accounts_with_work(
        self, *, now: datetime, reconcile_window: timedelta, limit: int = 1000
    ) -> list[uuid.UUID]:
        """Accounts something must be done for now: due or expired sends, 'sending' rows left
        by a dead dispatcher, 'unknown' sends past the reconcile window."""
        # A paused account's due sends wait for its resume, which notifies the scheduler; only
        # their expiry needs a dispatcher meanwhile.
        sendable = exists().where(
            ChannelAccount.id == Send.channel_account_id,
            or_(ChannelAccount.status == "active", ChannelAccount.deleted_at.is_not(None)),
        )
        missing = ~exists().where(ChannelAccount.id == Send.channel_account_id)
        query = (
            select(Send.channel_account_id)
            .where(
                or_(
                    and_(
                        Send.state == SendState.QUEUED.value,
                        or_(
                            and_(Send.next_attempt_at <= now, or_(sendable, missing)),
                            Send.not_after <= now,
                        ),
                    ),
                    Send.state == SendState.SENDING.value,
                    and_(
                        Send.state == SendState.UNKNOWN.value,
                        Send.updated_at <= now - reconcile_window,
                    ),
                )
            )
            .distinct()
            .limit(limit)
        )
        return list((await self.session.scalars(query)).all())

    async def count_active(self, account_id: uuid.UUID) -> dict[str, int]:
        rows = await self.session.execute(
            select(Send.state, func.count())
            .where(
                Send.channel_account_id == account_id,
                Send.state.in_(
                    (SendState.QUEUED.value, SendState.SENDING.value, SendState.UNKNOWN.value)
                ),
            )
            .group_by(Send.state)
        )
        return {state: int(count) for state, count in rows}
