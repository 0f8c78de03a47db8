"""Settling sends whose provider answer was lost, from the channel's own statuses.

Every Meta send carries ``biz_opaque_callback_data`` = our request id, and Meta echoes it in
the message's status webhooks, which meta-ingest publishes on ``messages.status.v1`` as
``send_request_id``. A status naming a send that is 'sending' or 'unknown' (or queued
again after an earlier attempt) proves the provider accepted it: the send becomes
'accepted' with the status's message id, and its outcome is published, in one
transaction. Any status counts (sent, delivered, read, even failed: the provider took the
message; what became of it later is the status's business, not the outcome's).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import and_, or_, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mia_common.contracts import Envelope, MessageStatus
from mia_common.db import unit_of_work
from mia_sender.dispatch.outcomes import publish_outcome
from mia_sender.events import EventWriter
from mia_sender.models import Send, SendState

__all__ = ["Reconciler"]


class Reconciler:
    def __init__(
        self,
        *,
        session_factory: async_sessionmaker[AsyncSession],
        events: EventWriter,
        after_commit: Callable[[], None],
    ) -> None:
        self._session_factory = session_factory
        self._events = events
        self._after_commit = after_commit

    async def apply(self, envelope: Envelope[MessageStatus]) -> bool:
        """True when the status settled a send."""
        status = envelope.data
        request_id = _request_id(status.send_request_id)
        if request_id is None:
            return False
        async with unit_of_work(self._session_factory) as session:
            settled = await _settle(session, request_id, envelope.tenantid, status)
            if settled is not None:
                await publish_outcome(session, self._events, settled)
        if settled is not None:
            self._after_commit()
        return settled is not None


async def _settle(
    session: AsyncSession, request_id: uuid.UUID, tenant_id: uuid.UUID, status: MessageStatus
) -> Send | None:
    statement = (
        update(Send)
        .where(
            Send.request_id == request_id,
            Send.tenant_id == tenant_id,
            Send.channel_account_id == status.channel_account_id,
            or_(
                Send.state.in_((SendState.SENDING.value, SendState.UNKNOWN.value)),
                and_(Send.state == SendState.QUEUED.value, Send.attempts > 0),
            ),
        )
        .values(
            state=SendState.ACCEPTED.value,
            external_message_id=status.external_message_id,
            finished_at=datetime.now(UTC),
            last_error=None,
        )
        .returning(Send)
        .execution_options(synchronize_session=False)
    )
    return (await session.scalars(statement)).one_or_none()


def _request_id(value: str | None) -> uuid.UUID | None:
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None  # another integration's callback data: not ours to settle
