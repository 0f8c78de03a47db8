"""The fan-out loop every campaigns process runs: start what is due, refill what runs.

It wakes when an outcome frees room in a window (``wake``), when a person launches or
resumes a campaign, and at least every ``tick_seconds`` (scheduled starts, the rate cap's
allowance, a campaign another process was filling). Each refill is its own transaction
(``sending.fill``); processes share the work through the campaign row's lock, so adding a
process adds no duplicate.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mia_campaigns.campaigns.lifecycle import move
from mia_campaigns.events import CampaignEvents
from mia_campaigns.models import Campaign
from mia_campaigns.sending.fill import fill
from mia_common.contracts.campaigns import CampaignStatus
from mia_common.db import unit_of_work
from mia_common.rounds import RoundLoop

__all__ = ["FanOut"]


class FanOut:
    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        events: CampaignEvents,
        tick_seconds: float = 0.2,
        on_moved: Callable[[Iterable[uuid.UUID]], None] | None = None,
    ) -> None:
        self._sessions = sessions
        self._events = events
        # Told of the campaigns a refill moved (queued -> requested), after its commit.
        self._on_moved = on_moved
        self._tick_seconds = tick_seconds
        self._next_due_check = 0.0
        self._loop = RoundLoop("campaigns-fan-out", self.run_once, tick_seconds=tick_seconds)

    def wake(self) -> None:
        self._loop.wake()

    async def start(self) -> None:
        await self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()

    async def run_once(self) -> None:
        now = datetime.now(UTC)
        # Scheduled starts are a matter of the tick, not of every wake-up: the outcomes
        # wake the loop many times a second while a campaign sends.
        if time.monotonic() >= self._next_due_check:
            self._next_due_check = time.monotonic() + self._tick_seconds
            await self._start_due(now)
        async with self._sessions() as session:
            running = list(
                await session.scalars(
                    select(Campaign.id).where(Campaign.status == CampaignStatus.RUNNING.value)
                )
            )
        for campaign_id in running:
            # One refill takes all the room there is; room freed while it ran is the
            # outcomes' wake-up, which makes the loop run another round at once.
            async with unit_of_work(self._sessions) as session:
                filled = await fill(session, campaign_id=campaign_id, events=self._events, now=now)
            if filled.requested + filled.failed and self._on_moved is not None:
                self._on_moved((campaign_id,))
            now = datetime.now(UTC)

    async def _start_due(self, now: datetime) -> None:
        async with unit_of_work(self._sessions) as session:
            due = list(
                await session.scalars(
                    select(Campaign)
                    .where(
                        Campaign.status == CampaignStatus.SCHEDULED.value,
                        Campaign.scheduled_at <= now,
                    )
                    .with_for_update(skip_locked=True)
                )
            )
            for campaign in due:
                await move(session, campaign, CampaignStatus.RUNNING, events=self._events, now=now)
