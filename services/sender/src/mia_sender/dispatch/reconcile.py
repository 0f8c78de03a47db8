"""Settling sends whose provider answer was lost, from the channel's own statuses.

Every Meta send carries ``biz_opaque_callback_data`` = our request id, and Meta echoes it in
the message's status webhooks, which meta-ingest publishes on ``messages.status.v1`` as
``send_request_id`` (the Twilio webhooks do the same from the status callback URL). A
status naming a send that is 'sending' or 'unknown' (or queued again after an earlier
attempt) proves the provider accepted it: the send becomes 'accepted' with the status's
message id, and its outcome is published, in one transaction. Any status counts (sent,
delivered, read, even failed: the provider took the message; what became of it later is
the status's business, not the outcome's).

Statuses come three or more per message sent, almost all for sends long accepted, so a
poll's batch is settled with one conditional UPDATE (``settle_many``) that changes only
the sends still in doubt.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.contracts import Envelope, MessageStatus
from mia_common.outbox import add_events
from mia_sender.dispatch.outcomes import outcome_event
from mia_sender.dispatch.repository import SendRepository
from mia_sender.events import SenderEvents

__all__ = ["settle_from_statuses"]


async def settle_from_statuses(
    session: AsyncSession, *, events: SenderEvents, envelopes: list[Envelope[MessageStatus]]
) -> int:
    """Settle what these statuses prove, with their outcomes; how many sends they settled."""
    claims: dict[uuid.UUID, tuple[uuid.UUID, uuid.UUID, uuid.UUID, str]] = {}
    for envelope in envelopes:
        status = envelope.data
        request_id = _request_id(status.send_request_id)
        if request_id is not None and request_id not in claims:
            claims[request_id] = (
                request_id,
                envelope.tenantid,
                status.channel_account_id,
                status.external_message_id,
            )
    if not claims:
        return 0
    settled = await SendRepository.from_session(session).settle_many(
        list(claims.values()), now=datetime.now(UTC)
    )
    await add_events(session, [outcome_event(events, send) for send in settled])
    return len(settled)


def _request_id(value: str | None) -> uuid.UUID | None:
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None  # another integration's callback data: not ours to settle
