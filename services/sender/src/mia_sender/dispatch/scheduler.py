"""Starting a dispatcher for each account with work, in whichever replica wins its lease.

Intake notifies the scheduler of the account a new send is for (the fast path); a scan
every ``scan_seconds`` finds the rest: sends whose backoff ended, sends left 'sending' by a
replica that died, 'unknown' sends past the reconcile window, sends that expired while
their account was paused. For each such account without a local dispatcher the scheduler
tries the account's lease; the replica that gets it runs the dispatcher, the others skip.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from datetime import UTC, datetime, timedelta

import structlog
from redis.asyncio import Redis

from mia_common.db import unit_of_work
from mia_sender.dispatch.dispatcher import AccountDispatcher, DispatchDeps
from mia_sender.dispatch.lease import Lease
from mia_sender.dispatch.recorder import CallResult, ResultRecorder
from mia_sender.dispatch.repository import SendRepository
from mia_sender.dispatch.results import ResultWriter

__all__ = ["Scheduler"]

logger = structlog.get_logger(__name__)


class Scheduler:
    def __init__(self, *, deps: DispatchDeps, redis: Redis, scan_seconds: float = 1.0) -> None:
        self._deps = deps
        self._redis = redis
        self._scan_seconds = scan_seconds
        # Identifies this process as a lease holder; a restarted process is a new holder.
        self.owner = uuid.uuid4().hex
        self._dispatchers: dict[uuid.UUID, AccountDispatcher] = {}
        self._tasks: dict[uuid.UUID, asyncio.Task[None]] = {}
        self._pending: set[uuid.UUID] = set()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._writer = ResultWriter(settings=deps.settings, events=deps.events)
        self.recorder = ResultRecorder(self._write_results)

    @property
    def dispatching(self) -> frozenset[uuid.UUID]:
        """The accounts this process dispatches now."""
        return frozenset(self._dispatchers)

    def notify(self, account_id: uuid.UUID) -> None:
        """The account may have something to send now."""
        dispatcher = self._dispatchers.get(account_id)
        if dispatcher is not None and not dispatcher.stopping:
            dispatcher.wake()
            return
        self._pending.add(account_id)
        self._wake.set()

    def start(self) -> None:
        self.recorder.start()
        self._task = asyncio.create_task(self._run(), name="dispatch-scheduler")

    async def stop(self) -> None:
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        for dispatcher in self._dispatchers.values():
            dispatcher.stop()
        tasks = list(self._tasks.values())
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        await self.recorder.close()

    async def _write_results(self, results: list[CallResult]) -> None:
        """One transaction for a batch of answers of every account; then each dispatcher
        learns what its answers mean (a pause, a cool-down)."""
        async with unit_of_work(self._deps.sessions) as session:
            effects = await self._writer.write(session, results)
        for account_id, account_effects in effects.items():
            dispatcher = self._dispatchers.get(account_id)
            if dispatcher is not None:
                dispatcher.answered(account_effects)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        next_scan = 0.0
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), max(0.0, next_scan - loop.time()))
            self._wake.clear()
            candidates, self._pending = self._pending, set()
            if loop.time() >= next_scan:
                next_scan = loop.time() + self._scan_seconds
                try:
                    candidates |= set(await self._scan())
                except Exception as exc:
                    logger.warning("scan for due sends failed", error=repr(exc))
            for account_id in candidates:
                if self._stopping:
                    break
                if account_id in self._tasks:
                    if self._dispatchers[account_id].stopping:
                        # Stopping as the news came: try again once it has let go.
                        self._pending.add(account_id)
                    continue
                try:
                    await self._try_start(account_id)
                except Exception as exc:
                    logger.warning(
                        "could not start a dispatcher",
                        channel_account_id=str(account_id),
                        error=repr(exc),
                    )

    async def _scan(self) -> list[uuid.UUID]:
        window = timedelta(seconds=self._deps.settings.reconcile_window_seconds)
        async with unit_of_work(self._deps.sessions) as session:
            return await SendRepository.from_session(session).accounts_with_work(
                now=datetime.now(UTC), reconcile_window=window
            )

    async def _try_start(self, account_id: uuid.UUID) -> None:
        lease = Lease(
            self._redis,
            key=f"{self._deps.settings.redis_prefix}:lease:{account_id}",
            owner=self.owner,
            ttl_seconds=self._deps.settings.lease_seconds,
        )
        if not await lease.acquire():
            return  # another replica dispatches this account
        dispatcher = AccountDispatcher(
            account_id=account_id, deps=self._deps, lease=lease, recorder=self.recorder
        )
        self._dispatchers[account_id] = dispatcher
        task = asyncio.create_task(dispatcher.run(), name=f"dispatch:{account_id}")
        self._tasks[account_id] = task
        task.add_done_callback(lambda _task: self._finished(account_id))

    def _finished(self, account_id: uuid.UUID) -> None:
        self._dispatchers.pop(account_id, None)
        self._tasks.pop(account_id, None)
        if account_id in self._pending:
            self._wake.set()  # notified while it was stopping: look again now
