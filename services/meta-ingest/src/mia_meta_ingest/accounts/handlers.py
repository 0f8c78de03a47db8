"""``channels.state.v1``: each new state of a channel account, into the table and memory.

The table is written first, in the message's transaction, and the directory takes the
state once that committed: the durable projection is never behind what this process
answers with. A replayed state the directory already has costs neither.
"""

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
    state = event.data
    if not context.accounts.is_news(state):
        return
    # Applying a state twice changes nothing (ordered by updated_at): no claim needed.
    async with unit_of_work(context.infra.sessions) as session:
        await project_state(accounts=ChannelAccountRepository.from_session(session), state=state)
    context.accounts.apply(state)
