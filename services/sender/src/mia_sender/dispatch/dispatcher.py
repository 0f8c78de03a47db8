"""One account's dispatcher: claims its due sends in order, paces them, calls the provider.

At most one dispatcher runs per account across all replicas (``Lease``). Its loop:

1. **claim** (one transaction): lock the account's next due sends, oldest first and only
   the head of each customer's queue; refuse those that cannot go and hold back customers
   over the pair rate (``SendChecks``); mark the rest 'sending' with their attempt
   counted. A claim is small (about ``claim_horizon_seconds`` of the account's
   throughput) because whatever a crash leaves in 'sending' waits for reconciliation.
2. **call**: reserve the account's next pacing slots (``Pacer``), and at each slot call the
   provider for one send in a task of its own (at most ``max_in_flight_per_account``).
3. **record**: answers are written in batches by the process's ``ResultRecorder`` (every
   account's together) through the ``ResultWriter`` (the retry, delay, pause and failure
   policy), outcomes included; the scheduler hands each dispatcher what they mean.

About every second it also does its **maintenance**: fails queued sends past
``not_after``, queues 'unknown' ones again once the reconcile window passed without a
status, and fails what is left of a deleted account.

Stopping (shutdown, a lost lease, a pause) leaves nothing in doubt: claimed sends not yet
called go back to 'queued' (never called, their attempt uncounted), calls in flight are
awaited and recorded. Only a crash leaves 'sending' rows; the next dispatcher of the
account turns them 'unknown' (``take_over``). See ``docs/send-state-machine.md``.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mia_common.contracts import ChannelAlertKind, ChannelError, SendRequest
from mia_common.db import unit_of_work
from mia_common.outbox import StagedEvent, add_events
from mia_sender.accounts.credentials import UnusableCredentials
from mia_sender.accounts.repository import AccountRepository
from mia_sender.accounts.service import pause_for_provider
from mia_sender.config import SenderSettings
from mia_sender.dispatch import refusals
from mia_sender.dispatch.checks import SendChecks
from mia_sender.dispatch.lease import Lease
from mia_sender.dispatch.outcomes import mark_failed, request_of
from mia_sender.dispatch.pacing import Pacer, SecondWindow
from mia_sender.dispatch.recorder import CallResult, ResultRecorder
from mia_sender.dispatch.repository import SendRepository
from mia_sender.dispatch.results import ResultEffects
from mia_sender.events import SenderEvents
from mia_sender.metrics import DISPATCH_QUEUE_DEPTH, IN_FLIGHT
from mia_sender.models import ChannelAccount, SendState
from mia_sender.providers.base import OutcomeUnknown, ProviderError
from mia_sender.providers.registry import ProviderEntry, ProviderRegistry

__all__ = ["AccountDispatcher", "DispatchDeps"]

logger = structlog.get_logger(__name__)
_MAINTENANCE_SECONDS = 1.0
# While claims keep finding sends, maintenance (four statements, two of them scanning the
# account's queue) runs this seldom: every second for each busy account it was a third of
# PostgreSQL's CPU under the pacing bench, slowing the claims themselves.
_BUSY_MAINTENANCE_SECONDS = 5.0
_COOL_DOWN_SECONDS = 1.0
_ACCOUNT_FRESH_SECONDS = 1.0
# The next claim is made this long before the current one's last slot: more than a claim
# takes (a transaction and three Redis round trips), so its slots follow on without a gap.
_CLAIM_LEAD_SECONDS = 0.1


@dataclass(frozen=True, slots=True)
class DispatchDeps:
    """What every dispatcher of the process shares."""

    settings: SenderSettings
    sessions: async_sessionmaker[AsyncSession]
    events: SenderEvents
    registry: ProviderRegistry
    pacer: Pacer
    checks: SendChecks


@dataclass(slots=True)
class _Claimed:
    request_id: uuid.UUID
    attempts: int
    request: SendRequest


@dataclass(slots=True)
class _Claim:
    account: ChannelAccount | None
    ready: list[_Claimed]
    touched: int
    """Rows the claim looked at (ready, refused or held back): 0 means nothing was due."""


class AccountDispatcher:
    def __init__(
        self,
        *,
        account_id: uuid.UUID,
        deps: DispatchDeps,
        lease: Lease,
        recorder: ResultRecorder,
    ) -> None:
        self.account_id = account_id
        self._deps = deps
        self._settings = deps.settings
        self._lease = lease
        self._wake = asyncio.Event()
        self._stopping = False
        self._lease_lost = False
        self._paused = False
        self._in_flight: set[asyncio.Task[None]] = set()
        self._pacing: set[asyncio.Task[None]] = set()
        self._slot_freed = asyncio.Event()
        self._claimed_not_called: dict[uuid.UUID, int] = {}
        self._cool_down_until = 0.0
        self._window: SecondWindow | None = None
        self._credentials: tuple[datetime, Any] | None = None
        self._gauge_set = False
        self._account: ChannelAccount | None = None
        self._account_checked = 0.0
        self._recorder = recorder
        self._log = logger.bind(channel_account_id=str(account_id))

    # --- control ---------------------------------------------------------------------

    def wake(self) -> None:
        """Something changed (a new send, the account itself): look again now."""
        self._account_checked = 0.0
        self._wake.set()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    @property
    def stopping(self) -> bool:
        return self._stopping or self._lease_lost

    def _halted(self) -> bool:
        return self._stopping or self._lease_lost or self._paused

    # --- the loop ----------------------------------------------------------------------

    async def run(self) -> None:
        renewer = asyncio.create_task(self._keep_lease(), name=f"lease:{self.account_id}")
        try:
            await self._take_over()
            await self._loop()
        except asyncio.CancelledError:
            raise
        except Exception:
            self._log.exception("dispatcher failed")
        finally:
            self._stopping = True
            await self._wind_down()
            renewer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewer
            with contextlib.suppress(Exception):
                await self._lease.release()
            if self._gauge_set:
                with contextlib.suppress(KeyError):
                    DISPATCH_QUEUE_DEPTH.remove(str(self.account_id))

    async def _loop(self) -> None:
        idle_since = time.monotonic()
        next_maintenance = 0.0
        busy = False
        while not self.stopping:
            now = time.monotonic()
            if now >= next_maintenance:
                next_maintenance = now + (
                    _BUSY_MAINTENANCE_SECONDS if busy else _MAINTENANCE_SECONDS
                )
                if not await self._maintain() and not self._in_flight:
                    self._stopping = True  # nothing queued, sending or unknown is left
                    break
            if now < self._cool_down_until:
                await self._sleep(self._cool_down_until - now)
                continue
            room = (
                self._settings.max_in_flight_per_account
                - len(self._in_flight)
                - len(self._claimed_not_called)
            )
            if room <= 0:
                self._slot_freed.clear()
                await self._wait(self._slot_freed, self._settings.poll_seconds)
                continue
            if self._paused:
                # Paused by an answer: let the claims being paced stop and put back what
                # they did not call before looking at the account again.
                if self._pacing:
                    await asyncio.wait(set(self._pacing))
                self._paused = False
            claim = await self._claim(room)
            busy = bool(claim.ready)
            if not busy:
                # Nothing to send: expiry and requeues matter again within the second.
                next_maintenance = min(next_maintenance, time.monotonic() + _MAINTENANCE_SECONDS)
            if claim.account is None or claim.account.status != "active":
                if time.monotonic() - idle_since > self._settings.dispatcher_idle_seconds:
                    self._stopping = True  # paused: the scheduler is notified of the resume
                    break
                await self._sleep(max(self._settings.poll_seconds, _MAINTENANCE_SECONDS))
                continue
            if claim.touched:
                idle_since = time.monotonic()
            if claim.ready:
                await self._dispatch(claim.account, claim.ready)
                continue
            idle_for = time.monotonic() - idle_since
            if not self._in_flight and idle_for > self._settings.dispatcher_idle_seconds:
                self._stopping = True  # idle: give the account back until something is due
                break
            await self._sleep(self._settings.poll_seconds)

    async def _sleep(self, seconds: float) -> None:
        await self._wait(self._wake, seconds)
        self._wake.clear()

    @staticmethod
    async def _wait(event: asyncio.Event, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), max(0.0, seconds))

    async def _keep_lease(self) -> None:
        interval = self._settings.lease_seconds / 3
        while True:
            await asyncio.sleep(interval)
            try:
                held = await self._lease.renew()
            except Exception as exc:  # a Redis blip: try again before the lease runs out
                self._log.warning("lease renewal failed", error=repr(exc))
                continue
            if not held:
                self._log.warning("dispatch lease lost; stopping")
                self._lease_lost = True
                self._wake.set()
                return

    # --- take-over and maintenance ------------------------------------------------------

    async def _take_over(self) -> None:
        async with unit_of_work(self._deps.sessions) as session:
            doubtful = await SendRepository.from_session(session).take_over(self.account_id)
        if doubtful:
            self._log.warning(
                "sends left 'sending' by a previous dispatcher are now unknown", count=doubtful
            )

    async def _maintain(self) -> bool:
        """Expiry, reconcile-window requeue, a deleted account's leftovers; True while the
        account still has queued, sending or unknown sends."""
        now = datetime.now(UTC)
        events = self._deps.events
        staged: list[StagedEvent] = []
        async with unit_of_work(self._deps.sessions) as session:
            sends = SendRepository.from_session(session)
            account = await AccountRepository.from_session(session).get(self.account_id)
            held = account is not None and not account.is_deleted and account.status != "active"
            for send in await sends.expired_queued(self.account_id, now=now, limit=500):
                reason = account.status_reason if account is not None else None
                error = refusals.account_paused(reason) if held else refusals.expired()
                staged.append(mark_failed(events, send, error))
            window = timedelta(seconds=self._settings.reconcile_window_seconds)
            requeued = await sends.requeue_unknown(self.account_id, now=now, window=window)
            if account is None or account.is_deleted:
                gone = refusals.account_deleted() if account else refusals.unknown_account()
                for send in await sends.queued_of_account(self.account_id, limit=500):
                    staged.append(mark_failed(events, send, gone))
            await add_events(session, staged)
            await session.flush()
            counts = await sends.count_active(self.account_id)
        if requeued:
            self._log.warning(
                "no status within the reconcile window; sending again", count=requeued
            )
        DISPATCH_QUEUE_DEPTH.labels(str(self.account_id)).set(counts.get("queued", 0))
        self._gauge_set = True
        return bool(counts)

    # --- claim --------------------------------------------------------------------------

    async def _claim(self, room: int) -> _Claim:
        now = datetime.now(UTC)
        ready: list[_Claimed] = []
        staged: list[StagedEvent] = []
        async with unit_of_work(self._deps.sessions) as session:
            account = await self._current_account(session)
            if account is None or account.is_deleted or account.status != "active":
                return _Claim(account, [], 0)
            rate = self._deps.pacer.account_rate(account.throughput_per_second)
            size = max(1, min(room, math.ceil(rate * self._settings.claim_horizon_seconds)))
            repository = SendRepository.from_session(session)
            sends = await repository.claim_due(self.account_id, now=now, limit=size)
            verdicts = await self._deps.checks.review(
                session,
                account,
                sends,
                now=now,
                has_provider=self._deps.registry.for_channel(account.channel) is not None,
            )
            for send in sends:
                verdict = verdicts[send.request_id]
                if isinstance(verdict, ChannelError):
                    staged.append(mark_failed(self._deps.events, send, verdict))
                elif isinstance(verdict, datetime):
                    send.next_attempt_at = verdict
                else:
                    ready.append(_Claimed(send.request_id, send.attempts + 1, request_of(send)))
            await repository.mark_sending([claimed.request_id for claimed in ready], now=now)
            await add_events(session, staged)
        for claimed in ready:
            self._claimed_not_called[claimed.request_id] = claimed.attempts
        return _Claim(account, ready, len(sends))

    async def _current_account(self, session: AsyncSession) -> ChannelAccount | None:
        """The account as of at most a second ago (``wake`` forces a fresh read): a claim
        needs its status, throughput and tier, not a database read for each claim."""
        if time.monotonic() - self._account_checked > _ACCOUNT_FRESH_SECONDS:
            accounts = AccountRepository.from_session(session)
            self._account = await accounts.get(self.account_id)
            if self._account is not None:
                accounts.detach(self._account)
            self._account_checked = time.monotonic()
        return self._account

    # --- calls --------------------------------------------------------------------------

    async def _dispatch(self, account: ChannelAccount, ready: list[_Claimed]) -> None:
        """Reserve the claim's slots and pace its calls in a task of their own; return when
        that task is about to run out, so the next claim is made (and its slots reserved,
        straight after these) while this one still sends. Waiting for a claim to be
        sent through before making the next lost the claim's own time at every turn."""
        entry = self._deps.registry.for_channel(account.channel)
        assert entry is not None
        credentials = self._credentials_of(account, entry)
        if isinstance(credentials, UnusableCredentials):
            await self._pause_unusable(credentials)
            await self._unclaim([claimed.request_id for claimed in ready])
            return
        loop = asyncio.get_running_loop()
        slots = await self._deps.pacer.reserve(
            account.id, account.throughput_per_second, len(ready)
        )
        start = loop.time()
        per_second = self._deps.pacer.calls_per_second(account.throughput_per_second)
        if self._window is None or self._window.limit != per_second:
            self._window = SecondWindow(per_second)
        pacing = asyncio.create_task(
            self._pace(
                entry,
                credentials,
                ready,
                [start + slot for slot in slots],
                self._window,
                1 / self._deps.pacer.account_rate(account.throughput_per_second),
            ),
            name=f"pace:{self.account_id}",
        )
        self._pacing.add(pacing)
        pacing.add_done_callback(self._pacing.discard)
        lead = start + slots[-1] - _CLAIM_LEAD_SECONDS - loop.time()
        if lead > 0:
            await asyncio.wait({pacing}, timeout=lead)

    async def _pace(
        self,
        entry: ProviderEntry,
        credentials: Any,
        ready: list[_Claimed],
        at: list[float],
        window: SecondWindow,
        spacing: float,
    ) -> None:
        loop = asyncio.get_running_loop()
        for claimed, slot in zip(ready, at, strict=True):
            if self._halted():
                break
            # Never before the reserved slot, nor within half a slot of the previous call
            # (a late wake-up catches up at twice the rate, not in one burst); then as soon
            # as the trailing second has room (see ``pacing``).
            wait = max(slot, window.last + spacing / 2) - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if self._halted():
                break
            await window.take()
            self._claimed_not_called.pop(claimed.request_id, None)
            task = asyncio.create_task(
                self._call(entry, credentials, claimed), name=f"send:{claimed.request_id}"
            )
            self._in_flight.add(task)
            IN_FLIGHT.inc()
            task.add_done_callback(self._call_done)
        left = [c.request_id for c in ready if c.request_id in self._claimed_not_called]
        if left:
            await self._unclaim(left)

    def _call_done(self, task: asyncio.Task[None]) -> None:
        self._in_flight.discard(task)
        IN_FLIGHT.dec()
        self._slot_freed.set()

    def _credentials_of(self, account: ChannelAccount, entry: ProviderEntry) -> Any:
        cached = self._credentials
        if cached is not None and cached[0] == account.state_updated_at:
            return cached[1]
        try:
            credentials = entry.credentials(account)
        except UnusableCredentials as unusable:
            self._log.error("account credentials cannot be used", code=unusable.code)
            return unusable
        except Exception as exc:
            self._log.error("account credentials cannot be opened", error=repr(exc))
            return UnusableCredentials(
                "credentials_unreadable",
                "The stored credentials cannot be opened with the platform's key ring; "
                "enter them again.",
            )
        self._credentials = (account.state_updated_at, credentials)
        return credentials

    async def _call(self, entry: ProviderEntry, credentials: Any, claimed: _Claimed) -> None:
        request_id, attempts = claimed.request_id, claimed.attempts
        try:
            accepted = await entry.provider.send(credentials, claimed.request)
            result = CallResult(
                self.account_id,
                request_id,
                attempts,
                external_message_id=accepted.external_message_id,
            )
        except ProviderError as error:
            result = CallResult(self.account_id, request_id, attempts, error=error)
        except OutcomeUnknown as exc:
            result = CallResult(self.account_id, request_id, attempts, detail=exc.detail)
        except asyncio.CancelledError:
            # Cancelled mid-call: the request may have gone out.
            self._recorder.submit(
                CallResult(self.account_id, request_id, attempts, detail="cancelled in the call")
            )
            raise
        except Exception as exc:
            # A bug in a provider client after the request may have left: never resend blindly.
            self._log.exception("provider call failed unexpectedly", request_id=str(request_id))
            result = CallResult(self.account_id, request_id, attempts, detail=repr(exc))
        self._recorder.submit(result)

    async def _unclaim(self, request_ids: list[uuid.UUID] | None = None) -> None:
        """Claimed sends whose call never started go back to the queue, attempt uncounted
        (those of ``request_ids``, or all of them)."""
        ids = list(self._claimed_not_called) if request_ids is None else request_ids
        claimed = {
            request_id: self._claimed_not_called.pop(request_id)
            for request_id in ids
            if request_id in self._claimed_not_called
        }
        if not claimed:
            return
        async with unit_of_work(self._deps.sessions) as session:
            sends = SendRepository.from_session(session)
            for request_id, attempts in claimed.items():
                await sends.transition(
                    request_id,
                    attempts=attempts,
                    from_states=(SendState.SENDING.value,),
                    values={
                        "state": SendState.QUEUED.value,
                        "attempts": attempts - 1,
                        "sending_started_at": None,
                    },
                )

    async def _pause_unusable(self, unusable: UnusableCredentials) -> None:
        """Nothing can be sent with credentials that cannot be used: pause the account and
        tell a person why, until new ones are entered and it is resumed."""
        async with unit_of_work(self._deps.sessions) as session:
            account = await AccountRepository.from_session(session).lock(self.account_id)
            if account is not None:
                await pause_for_provider(
                    session,
                    events=self._deps.events,
                    account=account,
                    kind=ChannelAlertKind.TOKEN_EXPIRED,
                    reason=unusable.detail,
                    details={"code": unusable.code},
                    message=f"{unusable.detail} Sending is paused until then; resume the "
                    "account afterwards.",
                )
        self._paused = True
        self._account_checked = 0.0

    def answered(self, effects: ResultEffects) -> None:
        """What this account's recorded answers mean for dispatching (the recorder's
        writer calls it once they are committed)."""
        if effects.cool_down:
            self._cool_down_until = time.monotonic() + _COOL_DOWN_SECONDS
        if effects.paused:
            self._paused = True
            self.wake()

    # --- stopping -----------------------------------------------------------------------

    async def _wind_down(self) -> None:
        if self._pacing:
            # Halted, each stops at its next slot and puts back what it did not call.
            _, pacing = await asyncio.wait(set(self._pacing), timeout=5)
            for task in pacing:
                task.cancel()
        if self._claimed_not_called:
            with contextlib.suppress(Exception):
                await self._unclaim()
        if self._in_flight:
            # Calls already made are awaited: their answers must be recorded, or they
            # would come back as 'unknown' and wait for reconciliation.
            _, pending = await asyncio.wait(
                set(self._in_flight), timeout=self._settings.provider_timeout_seconds + 5
            )
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending, timeout=2)
        if not await self._recorder.drained(self.account_id):
            # What is left stays 'sending' and becomes 'unknown' at the next take-over.
            self._log.error("provider answers of this account left unrecorded")
