"""``channels.state.v1``: each state of a channel account, projected in one transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mia_common.contracts import ChannelAccountState, Envelope
from mia_common.db import unit_of_work
from mia_meta_ingest.accounts.repository import ChannelAccountRepository
from mia_meta_ingest.accounts.service import project_state

if TYPE_CHECKING:
    from mia_meta_ingest.context import MetaIngestContext

__all__ = ["handle_channel_state"]


async def handle_channel_state(
    context: MetaIngestContext, event: Envelope[ChannelAccountState]
) -> None:
    # Applying a state twice changes nothing (ordered by updated_at): no claim needed.
    async with unit_of_work(context.infra.sessions) as session:
        await project_state(
            accounts=ChannelAccountRepository.from_session(session), state=event.data
        )
