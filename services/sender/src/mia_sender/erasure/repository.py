"""SQL of the sender's part of an erasure."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Final

from sqlalchemy import String, any_, func, literal, or_, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from mia_sender.dispatch.intake import recipient_key
from mia_sender.models import Send, SendState

__all__ = ["ERASED_CONTENT", "ERASED_RECIPIENT", "forget_recipient"]

ERASED_CONTENT: Final = {"type": "erased"}
ERASED_RECIPIENT: Final = "erased"
_FINISHED: Final = (SendState.ACCEPTED.value, SendState.FAILED.value)


def _texts(values: Collection[str]) -> object:
    return literal(list(values), ARRAY(String))


async def forget_recipient(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    phones: Collection[str],
    channel_user_ids: Collection[str],
) -> int:
    """Finished sends of ``tenant_id`` to those addresses, emptied; how many."""
    keys = {*phones, *(recipient_key(None, user_id) for user_id in channel_user_ids)}
    if not keys:
        return 0
    result = await session.execute(
        update(Send)
        .where(
            Send.tenant_id == tenant_id,
            Send.state == any_(literal(list(_FINISHED), ARRAY(String))),
            or_(
                Send.recipient_key == any_(_texts(keys)),  # type: ignore[arg-type]
                Send.recipient_user_id == any_(_texts(channel_user_ids)),  # type: ignore[arg-type]
            ),
        )
        .values(
            recipient=None,
            recipient_user_id=None,
            recipient_key=ERASED_RECIPIENT,
            content=ERASED_CONTENT,
            last_error=None,
            updated_at=func.now(),
        )
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
