"""Taking send requests off ``messages.send.v1`` into the ``sends`` table.

The consumer only records, a poll's batch of requests in one transaction
(``mia_common.messaging.batch.BatchConsumer``): the request id is the primary key, so a
redelivered record, or a new event carrying a known request id, changes nothing. Then the
offsets are committed and it moves on; the per-account dispatchers do the slow part
(pacing, provider calls), so an account that is slow or rate-limited never holds up the
partition its requests share with other accounts.

Requests that can never be sent (unknown or another tenant's account, a deleted one,
a channel the account does not have, an SMS to a user id, a typing indicator where the
channel has none, already past ``not_after``, a
text holding U+0000) are recorded as failed with their outcome, in the same transaction,
with 0 attempts. A U+0000 is stored replaced (PostgreSQL refuses the character, and one
such request must not hold up the batch it came in).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.contracts import Channel, ChannelError, Envelope, SendRequest
from mia_common.outbox import add_events
from mia_common.text import NUL, without_nul
from mia_sender.accounts.repository import AccountRepository
from mia_sender.dispatch import refusals
from mia_sender.dispatch.outcomes import outcome_event
from mia_sender.dispatch.repository import SendRepository
from mia_sender.events import SenderEvents
from mia_sender.models import Send, SendState

__all__ = ["Intake", "recipient_key"]


def recipient_key(to: str | None, to_user_id: str | None) -> str:
    return to if to is not None else f"user:{to_user_id}"


@dataclass(frozen=True, slots=True)
class _AccountFacts:
    """What intake checks about an account; cached briefly (deletion is rechecked when
    the send is dispatched, so a stale entry cannot send for a deleted account)."""

    tenant_id: uuid.UUID
    channel: str
    deleted: bool


class Intake:
    """Records send requests; keeps what it knows of accounts for a few seconds."""

    def __init__(self, *, events: SenderEvents, cache_seconds: float = 5.0) -> None:
        self._events = events
        self._cache_seconds = cache_seconds
        self._cache: dict[uuid.UUID, tuple[float, _AccountFacts | None]] = {}

    async def record(
        self, session: AsyncSession, envelopes: list[Envelope[SendRequest]]
    ) -> set[uuid.UUID]:
        """Record a batch of requests in the caller's transaction (refusals with their
        outcomes); the accounts that have new queued sends, to notify once committed."""
        facts = await self._facts(session, {e.data.channel_account_id for e in envelopes})
        rows: dict[uuid.UUID, dict[str, Any]] = {}
        for envelope in envelopes:
            request = envelope.data
            if request.request_id in rows:
                continue  # the same request twice in one batch: the first one counts
            refusal = self._refusal(
                envelope.tenantid, request, facts.get(request.channel_account_id)
            )
            row = _row(envelope.tenantid, request, refusal)
            nul = _nul_at(
                {
                    "to_user_id": request.to_user_id,
                    "content": row["content"],
                    "origin_ref": request.origin_ref,
                    "reply_to_external_id": request.reply_to_external_id,
                }
            )
            if nul is not None:
                row = without_nul(_row(envelope.tenantid, request, refusals.text_with_nul(nul)))
            rows[request.request_id] = row
        new = await SendRepository.from_session(session).insert(list(rows.values()))
        await add_events(
            session,
            [
                outcome_event(self._events, Send(**row))
                for request_id, row in rows.items()
                if request_id in new and row["state"] == SendState.FAILED.value
            ],
        )
        return {
            row["channel_account_id"]
            for request_id, row in rows.items()
            if request_id in new and row["state"] == SendState.QUEUED.value
        }

    @staticmethod
    def _refusal(
        tenant_id: uuid.UUID, request: SendRequest, facts: _AccountFacts | None
    ) -> ChannelError | None:
        if facts is None or facts.tenant_id != tenant_id:
            return refusals.unknown_account()
        if facts.deleted:
            return refusals.account_deleted()
        if facts.channel != request.channel.value:
            return refusals.channel_mismatch(request.channel.value, facts.channel)
        if request.content.type == "typing" and facts.channel != Channel.WHATSAPP_CLOUD.value:
            return refusals.recipient_unsupported("only the WhatsApp Cloud API shows typing")
        if facts.channel == Channel.SMS.value and request.to is None:
            return refusals.recipient_unsupported("SMS reaches phone numbers only, not user ids")
        if request.not_after is not None and request.not_after <= datetime.now(UTC):
            return refusals.expired()
        return None

    async def _facts(
        self, session: AsyncSession, account_ids: set[uuid.UUID]
    ) -> dict[uuid.UUID, _AccountFacts | None]:
        now = time.monotonic()
        known: dict[uuid.UUID, _AccountFacts | None] = {}
        missing: set[uuid.UUID] = set()
        for account_id in account_ids:
            cached = self._cache.get(account_id)
            if cached is not None and cached[0] > now:
                known[account_id] = cached[1]
            else:
                missing.add(account_id)
        if missing:
            accounts = await AccountRepository.from_session(session).by_ids(missing)
            if len(self._cache) > 10_000:
                self._cache.clear()
            for account_id in missing:
                account = accounts.get(account_id)
                facts = (
                    None
                    if account is None
                    else _AccountFacts(account.tenant_id, account.channel, account.is_deleted)
                )
                known[account_id] = facts
                self._cache[account_id] = (now + self._cache_seconds, facts)
        return known

    def forget(self, account_id: uuid.UUID) -> None:
        """Drop a cached account (it was just created, changed or deleted here)."""
        self._cache.pop(account_id, None)


def _nul_at(value: Any, path: str = "") -> str | None:
    """Where ``value`` (the request's strings) holds U+0000, as a path such as
    ``content.components.0.parameters.1.text``; None: nowhere."""
    if isinstance(value, str):
        return path if NUL in value else None
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _nul_at(item, f"{path}.{key}" if path else str(key))
        if found is not None:
            return found
    return None


def _row(
    tenant_id: uuid.UUID, request: SendRequest, refusal: ChannelError | None
) -> dict[str, Any]:
    now = datetime.now(UTC)
    row: dict[str, Any] = {
        "request_id": request.request_id,
        "tenant_id": tenant_id,
        "channel_account_id": request.channel_account_id,
        "channel": request.channel.value,
        "recipient": request.to,
        "recipient_user_id": request.to_user_id,
        "recipient_key": recipient_key(request.to, request.to_user_id),
        "content": request.content.model_dump(mode="json"),
        "reply_to_external_id": request.reply_to_external_id,
        "origin": request.origin.value,
        "origin_ref": request.origin_ref,
        "not_after": request.not_after,
        "state": SendState.QUEUED.value,
        "attempts": 0,
        "next_attempt_at": now,
    }
    if refusal is not None:
        row.update(state=SendState.FAILED.value, last_error=refusal.model_dump(), finished_at=now)
    return row
