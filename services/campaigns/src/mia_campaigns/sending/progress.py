"""Live progress: a ``campaign.progress`` snapshot per moving campaign, at most once a second.

The handlers that move the ledger (outcomes, receipts, replies) tell the reporter which
campaigns moved, once their transaction committed (``moved``); every status move tells it
too (``CampaignEvents``' ``on_status``, so a pause by a person, a completion by the fan-out
and a pause for a failure surge all count). A small task wakes at the first mark, reads
every marked campaign's counts with one grouped query, stages the snapshots in one
transaction through the outbox, then rests ``interval_seconds`` (longer after a slow
round, shorter after one that published nothing): whatever moved meanwhile is one event
per campaign in the next round. Nothing marked, nothing read, nothing
published; the hot path pays a set insertion.

A status move is told before it commits, so the campaign stays marked while the snapshot
still shows the status it left (for at most ``STATUS_WAIT_SECONDS``: a move that rolled
back): the last event of a completed or paused campaign says completed or paused.

Per process: outcomes of one campaign reach whichever process holds their partition, so
two campaigns processes may both report a campaign. That is harmless (each event is a
whole snapshot, the newest ``as_of`` wins) and each process still reports a campaign at
most once a second. A snapshot equal to the last one this process published for the
campaign is not published again.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mia_campaigns.events import CampaignEvents
from mia_campaigns.models import Campaign, Recipient
from mia_common.contracts.campaigns import (
    PROGRESS_FAILURE_REASONS,
    CampaignProgress,
    CampaignStatus,
    RecipientState,
)
from mia_common.db import unit_of_work
from mia_common.outbox import StagedEvent, add_events

__all__ = ["RETRY_SECONDS", "ROUND_SHARE_INVERSE", "STATUS_WAIT_SECONDS", "ProgressReporter"]

logger = structlog.get_logger(__name__)

STATUS_WAIT_SECONDS = 30.0
# A round rests at least this many times as long as it took (see _run).
ROUND_SHARE_INVERSE = 10
# How soon a round that published nothing looks again at what is still marked.
RETRY_SECONDS = 0.1
# The snapshots remembered to skip repeats; a campaign that ended is forgotten at once.
_REMEMBERED = 10_000
_ENDED = frozenset({CampaignStatus.COMPLETED, CampaignStatus.CANCELLED, CampaignStatus.FAILED})


@dataclass(frozen=True)
class _Leaving:
    """A status move told before its commit: the status the campaign is leaving."""

    status: CampaignStatus
    until: float


class ProgressReporter:
    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        events: CampaignEvents,
        interval_seconds: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sessions = sessions
        self._events = events
        self._interval = interval_seconds
        self._clock = clock
        self._marked: set[uuid.UUID] = set()
        self._leaving: dict[uuid.UUID, _Leaving] = {}
        self._published: dict[uuid.UUID, tuple[object, ...]] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    # -- marks (called on the hot path: no await, no I/O) --------------------------------

    def moved(self, campaign_ids: Iterable[uuid.UUID]) -> None:
        """Their ledger moved (the transaction that moved it committed)."""
        before = len(self._marked)
        self._marked.update(campaign_ids)
        if len(self._marked) != before:
            self._wake.set()

    def status_moving(
        self, campaign_id: uuid.UUID, previous: CampaignStatus | None, status: CampaignStatus
    ) -> None:
        """A move from ``previous`` to ``status`` is staged (not committed yet)."""
        if previous is not None and previous != status:
            self._leaving[campaign_id] = _Leaving(previous, self._clock() + STATUS_WAIT_SECONDS)
        self._marked.add(campaign_id)
        self._wake.set()

    # -- the task ------------------------------------------------------------------------

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="campaigns-progress")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            started = self._clock()
            published = 0
            try:
                published = await self.report_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                # A database blip: the marks were put back, the next round tries again.
                logger.exception("campaign progress round failed")
            # The rest after a round that published is what makes it "at most once a
            # second": marks gather meanwhile. A round that published nothing (a status
            # move not committed yet) looks again soon. A round that took long (a
            # 100,000-recipient count on a busy database, ~70 ms here) rests longer, so the
            # snapshots never take more than a tenth of the database's time from the sends.
            took = self._clock() - started
            rest = self._interval if published else min(self._interval, RETRY_SECONDS)
            await asyncio.sleep(max(rest, took * ROUND_SHARE_INVERSE))

    async def report_once(self, *, now: datetime | None = None) -> int:
        """Publish the marked campaigns' snapshots; how many were published."""
        marked, self._marked = self._marked, set()
        if not marked:
            return 0
        try:
            async with unit_of_work(self._sessions) as session:
                snapshots = await _snapshots(session, marked, now=now or datetime.now(UTC))
                staged = self._worth_publishing(marked, snapshots)
                await add_events(session, staged)
        except BaseException:
            self._marked |= marked
            raise
        for _tenant_id, progress in snapshots.values():
            self._remember(progress)
        if self._marked:
            self._wake.set()  # still waiting on a status move's commit
        return len(staged)

    def _worth_publishing(
        self,
        marked: set[uuid.UUID],
        snapshots: dict[uuid.UUID, tuple[uuid.UUID, CampaignProgress]],
    ) -> list[StagedEvent]:
        staged = []
        for campaign_id in marked:
            found = snapshots.get(campaign_id)
            if found is None:
                self._leaving.pop(campaign_id, None)  # deleted, or a move that rolled back
                continue
            tenant_id, progress = found
            leaving = self._leaving.get(campaign_id)
            if leaving is not None:
                if progress.status == leaving.status and self._clock() < leaving.until:
                    self._marked.add(campaign_id)  # its move has not committed yet
                    del snapshots[campaign_id]
                    continue
                del self._leaving[campaign_id]
            if self._published.get(campaign_id) == _content(progress):
                del snapshots[campaign_id]
                continue
            staged.append(self._events.progress(tenant_id=tenant_id, progress=progress))
        return staged

    def _remember(self, progress: CampaignProgress) -> None:
        campaign_id = progress.campaign_id
        self._published.pop(campaign_id, None)
        if progress.status in _ENDED:
            return
        self._published[campaign_id] = _content(progress)
        if len(self._published) > _REMEMBERED:
            del self._published[next(iter(self._published))]


def _content(progress: CampaignProgress) -> tuple[object, ...]:
    return (
        progress.status,
        tuple(sorted(progress.counts.items())),
        tuple(sorted(progress.failures.items())),
        progress.other_failures,
    )


async def _snapshots(
    session: AsyncSession, campaign_ids: set[uuid.UUID], *, now: datetime
) -> dict[uuid.UUID, tuple[uuid.UUID, CampaignProgress]]:
    """Each campaign's tenant and progress: one grouped query for all of them."""
    campaigns = {
        campaign_id: (tenant_id, CampaignStatus(status))
        for campaign_id, tenant_id, status in await session.execute(
            select(Campaign.id, Campaign.tenant_id, Campaign.status).where(
                Campaign.id.in_(campaign_ids)
            )
        )
    }
    if not campaigns:
        return {}
    counts: dict[uuid.UUID, dict[RecipientState, int]] = {c: {} for c in campaigns}
    failures: dict[uuid.UUID, dict[str, int]] = {c: {} for c in campaigns}
    # Grouped by reason too: only excluded and failed rows have one, so the groups stay few.
    for campaign_id, state, reason, count in await session.execute(
        select(Recipient.campaign_id, Recipient.state, Recipient.reason, func.count())
        .where(Recipient.campaign_id.in_(campaigns))
        .group_by(Recipient.campaign_id, Recipient.state, Recipient.reason)
    ):
        state = RecipientState(state)
        counts[campaign_id][state] = counts[campaign_id].get(state, 0) + count
        if state == RecipientState.FAILED:
            by_reason = failures[campaign_id]
            by_reason[reason or "unknown"] = by_reason.get(reason or "unknown", 0) + count
    snapshots = {}
    for campaign_id, (tenant_id, status) in campaigns.items():
        ranked = sorted(failures[campaign_id].items(), key=lambda item: (-item[1], item[0]))
        top = dict(ranked[:PROGRESS_FAILURE_REASONS])
        snapshots[campaign_id] = (
            tenant_id,
            CampaignProgress(
                campaign_id=campaign_id,
                status=status,
                counts=counts[campaign_id],
                failures=top,
                other_failures=sum(n for _, n in ranked[PROGRESS_FAILURE_REASONS:]),
                as_of=now,
            ),
        )
    return snapshots
