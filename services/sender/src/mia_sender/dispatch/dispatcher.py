"""One account's dispatcher: claims its due sends in order, paces them, calls the provider.

At most one dispatcher runs per account across all replicas (``Lease``). Its loop:

1. **claim** (one transaction): lock the account's next due sends, oldest first and only
   the head of each customer's queue; refuse those that cannot go (expired, outside the
   24-hour window, over the daily limit), hold back customers over the pair rate, and mark
   the rest 'sending' with their attempt counted. The claim is small (about
   ``claim_horizon_seconds`` of the account's throughput) because whatever a crash leaves
   in 'sending' must wait for reconciliation.
2. **call**: for each claimed send, wait for the account's token, then call the provider
   in a task of its own (at most ``max_in_flight_per_account`` at once).
3. **record**: answers are written in small batches by the ``ResultRecorder``, each send
   through a conditional transition with its outcome in the same transaction.

Every second it also does its **maintenance**: fails queued sends past ``not_after``, sends
'unknown' ones back to the queue once the reconcile window passed without a status, and
fails what is left of a deleted account.

Stopping (shutdown, lost lease, a pause) never leaves a send in doubt: claimed sends not yet
called go back to 'queued' (they were never called), calls in flight are awaited and
recorded. Only a crash leaves 'sending' rows, and the next dispatcher turns them 'unknown'.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from mia_common.contracts import Channel, ChannelAlertKind, ChannelError, SendRequest
from mia_common.db import unit_of_work
from mia_sender.accounts.repository import get_account, lock_account
from mia_sender.accounts.service import pause_for_provider
from mia_sender.alerts import raise_alert
from mia_sender.config import SenderSettings
from mia_sender.dispatch import refusals
from mia_sender.dispatch.backoff import full_jitter
from mia_sender.dispatch.lease import Lease
from mia_sender.dispatch.outcomes import mark_failed, publish_outcome, request_of
from mia_sender.dispatch.pacing import Pacer
from mia_sender.dispatch.recorder import CallResult, ResultRecorder
from mia_sender.dispatch.repository import (
    claim_due,
    count_active,
    expired_queued,
    queued_of_account,
    requeue_unknown,
    take_over,
    transition,
)
from mia_sender.events import EventWriter
from mia_sender.limits import DailyLimits, portfolio_of
from mia_sender.metrics import DISPATCH_QUEUE_DEPTH, IN_FLIGHT
from mia_sender.models import ChannelAccount, Send, SendState
from mia_sender.providers.base import ErrorAction, OutcomeUnknown, ProviderError
from mia_sender.providers.registry import ProviderEntry, ProviderRegistry
from mia_sender.window import CustomerWindows

__all__ = ["AccountDispatcher", "DispatchDeps"]

logger = structlog.get_logger(__name__)
_MAINTENANCE_SECONDS = 1.0
_FREE_FORM = ("text", "media")


@dataclass(frozen=True, slots=True)
class DispatchDeps:
    """What every dispatcher of the process shares."""

    settings: SenderSettings
    session_factory: async_sessionmaker[AsyncSession]
    events: EventWriter
    registry: ProviderRegistry
    pacer: Pacer
    windows: CustomerWindows
    limits: DailyLimits
    after_commit: Callable[[], None]
    """Called after a transaction that wrote events (wakes the outbox relay)."""


@dataclass(slots=True)
class _Claimed:
    send: Send
    request: SendRequest


@dataclass(slots=True)
class _Batch:
    account: ChannelAccount | None
    ready: list[_Claimed]
    touched: int
    """Rows the claim looked at (ready, refused or held back): 0 means nothing was due."""


class AccountDispatcher:
    def __init__(self, *, account_id: uuid.UUID, deps: DispatchDeps, lease: Lease) -> None:
        self.account_id = account_id
        self._deps = deps
        self._settings = deps.settings
        self._lease = lease
        self._wake = asyncio.Event()
        self._stopping = False
        self._lease_lost = False
        self._halted_by_pause = False
        self._in_flight: set[asyncio.Task[None]] = set()
        self._slot_freed = asyncio.Event()
        self._claimed_not_called: dict[uuid.UUID, int] = {}
        self._cooldown_until = 0.0
        self._credentials: tuple[datetime, Any] | None = None
        self._gauge_set = False
        self._recorder = ResultRecorder(self._write_results, name=f"record:{account_id}")
        self._log = logger.bind(channel_account_id=str(account_id))

    # --- control ---------------------------------------------------------------------

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    @property
    def stopping(self) -> bool:
        return self._stopping or self._lease_lost

    def _halted(self) -> bool:
        return self._stopping or self._lease_lost or self._halted_by_pause

    # --- the loop ----------------------------------------------------------------------

    async def run(self) -> None:
        renewer = asyncio.create_task(self._keep_lease(), name=f"lease:{self.account_id}")
        self._recorder.start()
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
        while not self.stopping:
            now = time.monotonic()
            if now >= next_maintenance:
                active = await self._maintain()
                next_maintenance = now + _MAINTENANCE_SECONDS
                if not active and not self._in_flight:
                    self._stopping = True
                    break  # nothing queued, sending or unknown is left for this account
            if now < self._cooldown_until:
                await self._sleep(self._cooldown_until - now)
                continue
            free = self._settings.max_in_flight_per_account - len(self._in_flight)
            if free <= 0:
                self._slot_freed.clear()
                await self._wait(self._slot_freed, self._settings.poll_seconds)
                continue
            self._halted_by_pause = False
            batch = await self._claim(free)
            if batch.account is None or batch.account.status != "active":
                if time.monotonic() - idle_since > self._settings.dispatcher_idle_seconds:
                    self._stopping = True
                    break  # paused: the scheduler comes back when it is resumed
                await self._sleep(max(self._settings.poll_seconds, _MAINTENANCE_SECONDS))
                continue
            if batch.touched:
                idle_since = time.monotonic()
            if batch.ready:
                await self._dispatch(batch.account, batch.ready)
                continue
            if (
                not self._in_flight
                and time.monotonic() - idle_since > self._settings.dispatcher_idle_seconds
            ):
                self._stopping = True
                break  # idle: give the account back; the scheduler restarts it when due
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
            except Exception as exc:  # Redis blip: try again before the lease runs out
                self._log.warning("lease renewal failed", error=repr(exc))
                continue
            if not held:
                self._log.warning("dispatch lease lost; stopping")
                self._lease_lost = True
                self._wake.set()
                return

    # --- take-over and maintenance ------------------------------------------------------

    async def _take_over(self) -> None:
        async with unit_of_work(self._deps.session_factory) as session:
            doubtful = await take_over(session, self.account_id)
        if doubtful:
            self._log.warning(
                "sends left 'sending' by a previous dispatcher are now unknown", count=doubtful
            )

    async def _maintain(self) -> bool:
        """Expiry, reconcile-window requeue, a deleted account's leftovers; True while the
        account still has queued, sending or unknown sends."""
        now = datetime.now(UTC)
        wrote = False
        async with unit_of_work(self._deps.session_factory) as session:
            account = await get_account(session, self.account_id)
            held = account is not None and not account.is_deleted and account.status != "active"
            for send in await expired_queued(session, self.account_id, now=now, limit=500):
                error = (
                    refusals.account_paused(account.status_reason if account else None)
                    if held
                    else refusals.expired()
                )
                await mark_failed(session, self._deps.events, send, error)
                wrote = True
            window = timedelta(seconds=self._settings.reconcile_window_seconds)
            requeued = await requeue_unknown(session, self.account_id, now=now, window=window)
            if requeued:
                self._log.warning(
                    "no status within the reconcile window; sending again", count=requeued
                )
            if account is None or account.is_deleted:
                for send in await queued_of_account(session, self.account_id, limit=500):
                    await mark_failed(
                        session,
                        self._deps.events,
                        send,
                        refusals.account_deleted()
                        if account is not None
                        else refusals.unknown_account(),
                    )
                    wrote = True
            counts = await count_active(session, self.account_id)
        if wrote:
            self._deps.after_commit()
        DISPATCH_QUEUE_DEPTH.labels(str(self.account_id)).set(counts.get("queued", 0))
        self._gauge_set = True
        return bool(counts)

    # --- claim --------------------------------------------------------------------------

    async def _claim(self, room: int) -> _Batch:
        now = datetime.now(UTC)
        wrote = False
        ready: list[_Claimed] = []
        async with unit_of_work(self._deps.session_factory) as session:
            account = await get_account(session, self.account_id)
            if account is None or account.is_deleted or account.status != "active":
                return _Batch(account, [], 0)
            rate = self._deps.pacer.account_rate(account.throughput_per_second)
            size = max(1, min(room, math.ceil(rate * self._settings.claim_horizon_seconds)))
            sends = await claim_due(session, self.account_id, now=now, limit=size)
            entry = self._deps.registry.for_channel(account.channel)
            for send in sends:
                refusal, hold_until = await self._check(session, account, send, now, entry)
                if refusal is not None:
                    await mark_failed(session, self._deps.events, send, refusal)
                    wrote = True
                elif hold_until is not None:
                    send.next_attempt_at = hold_until
                else:
                    send.state = SendState.SENDING.value
                    send.attempts += 1
                    send.sending_started_at = now
                    ready.append(_Claimed(send, request_of(send)))
            touched = len(sends)
        for claimed in ready:
            self._claimed_not_called[claimed.send.request_id] = claimed.send.attempts
        if wrote:
            self._deps.after_commit()
        return _Batch(account, ready, touched)

    async def _check(
        self,
        session: AsyncSession,
        account: ChannelAccount,
        send: Send,
        now: datetime,
        entry: ProviderEntry | None,
    ) -> tuple[ChannelError | None, datetime | None]:
        """Why ``send`` must not go now: a refusal (fail it) or a time to hold it until."""
        if entry is None:
            return refusals.recipient_unsupported(f"no provider sends on {account.channel}"), None
        if send.not_after is not None and send.not_after <= now:
            return refusals.expired(), None
        if account.channel != Channel.WHATSAPP_CLOUD.value:
            return None, None  # SMS has neither a service window nor Meta's limits
        window_open = await self._deps.windows.is_open(
            account.id, phone=send.recipient, user_id=send.recipient_user_id
        )
        if not window_open and send.content.get("type") in _FREE_FORM:
            return refusals.outside_window(), None
        if not window_open:
            refusal = await self._admit_new_customer(session, account, send)
            if refusal is not None:
                return refusal, None
        pair = await self._deps.pacer.try_recipient(account.id, send.recipient_key)
        if not pair.allowed:
            return None, now + timedelta(seconds=max(pair.retry_after, 0.05))
        return None, None

    async def _admit_new_customer(
        self, session: AsyncSession, account: ChannelAccount, send: Send
    ) -> ChannelError | None:
        """Count the customer against the portfolio's daily limit, alerting near and at it."""
        limit = self._settings.tier_limit(account.messaging_tier)
        portfolio = portfolio_of(account)
        decision = await self._deps.limits.admit(portfolio, send.recipient_key, limit)
        today = datetime.now(UTC).date().isoformat()
        if not decision.allowed:
            assert limit is not None
            await raise_alert(
                session,
                self._deps.events,
                account=account,
                kind=ChannelAlertKind.DAILY_LIMIT_REACHED,
                message=(
                    f"The daily limit of {limit} new customers (tier {account.messaging_tier}) "
                    "is reached: templates to customers outside the 24-hour window fail until "
                    "earlier ones leave the rolling 24 hours."
                ),
                details={"portfolio": portfolio, "limit": limit, "used": decision.count},
                dedupe_key=f"daily_limit_reached:{portfolio}:{today}",
            )
            return refusals.daily_limit_reached(limit)
        if (
            limit is not None
            and decision.newly_counted
            and decision.count >= math.ceil(limit * self._settings.daily_limit_near_ratio)
        ):
            await raise_alert(
                session,
                self._deps.events,
                account=account,
                kind=ChannelAlertKind.DAILY_LIMIT_NEAR,
                message=(
                    f"{decision.count} of the {limit} new customers the tier allows per "
                    "24 hours are used; campaigns may soon be refused."
                ),
                details={"portfolio": portfolio, "limit": limit, "used": decision.count},
                dedupe_key=f"daily_limit_near:{portfolio}:{today}",
            )
        return None

    # --- calls --------------------------------------------------------------------------

    async def _dispatch(self, account: ChannelAccount, ready: list[_Claimed]) -> None:
        entry = self._deps.registry.for_channel(account.channel)
        assert entry is not None
        credentials = self._credentials_of(account, entry)
        for claimed in ready:
            if self._halted() or credentials is None:
                break
            await self._deps.pacer.wait_for_account(account.id, account.throughput_per_second)
            if self._halted():
                break
            request_id = claimed.send.request_id
            self._claimed_not_called.pop(request_id, None)
            task = asyncio.create_task(
                self._call(entry, credentials, claimed), name=f"send:{request_id}"
            )
            self._in_flight.add(task)
            IN_FLIGHT.inc()
            task.add_done_callback(self._call_done)
        if credentials is None:
            await self._pause_unreadable(account)
        if self._claimed_not_called:
            await self._unclaim()

    def _call_done(self, task: asyncio.Task[None]) -> None:
        self._in_flight.discard(task)
        IN_FLIGHT.dec()
        self._slot_freed.set()

    def _credentials_of(self, account: ChannelAccount, entry: ProviderEntry) -> Any:
        cached = self._credentials
        if cached is not None and cached[0] == account.updated_at:
            return cached[1]
        try:
            credentials = entry.credentials(account)
        except Exception as exc:
            self._log.error("account credentials cannot be opened", error=repr(exc))
            return None
        self._credentials = (account.updated_at, credentials)
        return credentials

    async def _call(self, entry: ProviderEntry, credentials: Any, claimed: _Claimed) -> None:
        send = claimed.send
        try:
            accepted = await entry.provider.send(credentials, claimed.request)
            result = CallResult.accepted(send, accepted.external_message_id)
        except ProviderError as error:
            result = CallResult.refused(send, error)
        except OutcomeUnknown as exc:
            result = CallResult.unknown(send, exc.detail)
        except asyncio.CancelledError:
            # Cancelled mid-call: it may have gone out.
            self._recorder.submit(CallResult.unknown(send, "cancelled during the call"))
            raise
        except Exception as exc:
            # A bug in a provider client after the request may have left: never resend blindly.
            self._log.exception(
                "provider call failed unexpectedly", request_id=str(send.request_id)
            )
            result = CallResult.unknown(send, repr(exc))
        self._recorder.submit(result)

    async def _unclaim(self) -> None:
        """Claimed sends whose call never started go back to the queue, attempt uncounted."""
        claimed, self._claimed_not_called = self._claimed_not_called, {}
        async with unit_of_work(self._deps.session_factory) as session:
            for request_id, attempts in claimed.items():
                await transition(
                    session,
                    request_id,
                    attempts=attempts,
                    from_states=(SendState.SENDING.value,),
                    values={
                        "state": SendState.QUEUED.value,
                        "attempts": attempts - 1,
                        "sending_started_at": None,
                    },
                )

    async def _pause_unreadable(self, account: ChannelAccount) -> None:
        async with unit_of_work(self._deps.session_factory) as session:
            locked = await lock_account(session, account.id)
            if locked is not None:
                await pause_for_provider(
                    session,
                    self._deps.events,
                    locked,
                    kind=ChannelAlertKind.TOKEN_EXPIRED,
                    reason="the stored credentials cannot be opened with the key ring",
                    details={"code": "credentials_unreadable"},
                )
        self._halted_by_pause = True
        self._deps.after_commit()

    # --- recording ----------------------------------------------------------------------

    async def _write_results(self, results: list[CallResult]) -> None:
        paused = False
        async with unit_of_work(self._deps.session_factory) as session:
            for result in results:
                paused |= await self._apply(session, result)
        self._deps.after_commit()
        if paused:
            self._halted_by_pause = True
            self._wake.set()

    async def _apply(self, session: AsyncSession, result: CallResult) -> bool:
        """Write one call's result; True when it paused the account."""
        now = datetime.now(UTC)
        events = self._deps.events
        if result.external_message_id is not None:
            row = await transition(
                session,
                result.request_id,
                attempts=result.attempts,
                values={
                    "state": SendState.ACCEPTED.value,
                    "external_message_id": result.external_message_id,
                    "finished_at": now,
                    "last_error": None,
                },
            )
            if row is not None:
                await publish_outcome(session, events, row)
            return False
        if result.error is None:
            await transition(
                session,
                result.request_id,
                attempts=result.attempts,
                from_states=(SendState.SENDING.value,),
                values={
                    "state": SendState.UNKNOWN.value,
                    "last_error": {
                        "code": "outcome_unknown",
                        "title": "the provider's answer was lost",
                        "detail": result.detail,
                        "permanent": False,
                    },
                },
            )
            return False
        error = result.error
        channel_error = ChannelError(
            code=error.code, title=error.title, detail=error.detail, permanent=error.permanent
        )
        if error.action is ErrorAction.PAUSE_ACCOUNT:
            await transition(
                session,
                result.request_id,
                attempts=result.attempts,
                values={
                    "state": SendState.QUEUED.value,
                    "next_attempt_at": now,
                    "last_error": channel_error.model_dump(),
                },
            )
            account = await lock_account(session, self.account_id)
            if account is not None:
                await pause_for_provider(
                    session,
                    events,
                    account,
                    kind=ChannelAlertKind(error.alert_kind or ChannelAlertKind.TOKEN_EXPIRED),
                    reason=f"{error.code}: {error.title}",
                    details={"code": error.code, "title": error.title, "detail": error.detail},
                )
            return True
        retryable = error.action in (ErrorAction.RETRY, ErrorAction.DELAY_RECIPIENT)
        if retryable and result.attempts < self._settings.max_attempts:
            if error.action is ErrorAction.DELAY_RECIPIENT:
                delay = full_jitter(
                    result.attempts,
                    base=self._settings.pair_retry_seconds,
                    cap=max(self._settings.retry_max_seconds, self._settings.pair_retry_seconds),
                    floor=self._settings.pair_retry_seconds / 2,
                )
            else:
                delay = full_jitter(
                    result.attempts,
                    base=self._settings.retry_base_seconds,
                    cap=self._settings.retry_max_seconds,
                    floor=error.retry_after_seconds or 0.0,
                )
                if error.code == "130429":
                    # The provider measured the account over its throughput: slow down the
                    # whole account briefly, not just this send.
                    self._cooldown_until = time.monotonic() + 1.0
            await transition(
                session,
                result.request_id,
                attempts=result.attempts,
                values={
                    "state": SendState.QUEUED.value,
                    "next_attempt_at": now + timedelta(seconds=delay),
                    "last_error": channel_error.model_dump(),
                },
            )
            return False
        final = (
            refusals.attempts_exhausted(channel_error, result.attempts)
            if retryable
            else channel_error
        )
        row = await transition(
            session,
            result.request_id,
            attempts=result.attempts,
            values={
                "state": SendState.FAILED.value,
                "last_error": final.model_dump(),
                "finished_at": now,
            },
        )
        if row is not None:
            await publish_outcome(session, events, row)
        return False

    # --- stopping -----------------------------------------------------------------------

    async def _wind_down(self) -> None:
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
        await self._recorder.close()
