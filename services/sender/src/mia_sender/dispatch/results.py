"""Recording what provider calls came to: the retry, delay, pause and failure policy.

Every transition is conditional on the send still being in flight at the attempt that was
answered (see ``repository``), so an answer that arrives after a status already settled
the send, or after another replica took the account over, changes nothing.

- accepted: the external id and the accepted outcome (all of a batch in one statement);
- unknown (the answer was lost): 'unknown', to be settled by a status or sent again after
  the reconcile window;
- RETRY (throughput, 5xx): queued again after exponential backoff with full jitter, failed
  with the last error once ``max_attempts`` calls were made; 130429 also cools the whole
  account down for a second;
- DELAY_RECIPIENT (pair rate): queued again after a longer delay for that customer only;
- PAUSE_ACCOUNT (spam limit, token): queued again (it waits for the resume), the account
  paused with its reason, its state republished and a person alerted;
- FAIL / FAIL_NOT_SOON: failed with the provider's error at once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.contracts import ChannelAlertKind, ChannelError
from mia_common.outbox import StagedEvent, add_events
from mia_sender.accounts.repository import AccountRepository
from mia_sender.accounts.service import pause_for_provider
from mia_sender.config import SenderSettings
from mia_sender.dispatch import refusals
from mia_sender.dispatch.backoff import full_jitter
from mia_sender.dispatch.outcomes import outcome_event
from mia_sender.dispatch.recorder import CallResult
from mia_sender.dispatch.repository import SendRepository
from mia_sender.events import SenderEvents
from mia_sender.models import SendState
from mia_sender.providers.base import ErrorAction, ProviderError

__all__ = ["ResultEffects", "ResultWriter"]


@dataclass
class ResultEffects:
    paused: bool = False
    """The account was paused: stop dispatching it."""
    cool_down: bool = False
    """The provider measured the account over its throughput: slow down briefly."""


class ResultWriter:
    def __init__(self, *, settings: SenderSettings, events: SenderEvents) -> None:
        self._settings = settings
        self._events = events

    async def write(
        self, session: AsyncSession, results: list[CallResult]
    ) -> dict[uuid.UUID, ResultEffects]:
        """Record ``results`` (of any accounts) in the caller's transaction, outcomes staged
        with them; what they mean for each account's dispatcher."""
        now = datetime.now(UTC)
        effects: dict[uuid.UUID, ResultEffects] = {}
        sends = SendRepository.from_session(session)
        answered = [
            (r.request_id, r.attempts, r.external_message_id)
            for r in results
            if r.external_message_id is not None
        ]
        staged = [
            outcome_event(self._events, send) for send in await sends.accept_many(answered, now=now)
        ]
        for result in results:
            if result.external_message_id is not None:
                continue
            if result.error is None:
                await self._unknown(sends, result)
            else:
                account_effects = effects.setdefault(result.account_id, ResultEffects())
                await self._refused(
                    session, sends, result, result.error, now, account_effects, staged
                )
        await add_events(session, staged)
        return effects

    async def _unknown(self, sends: SendRepository, result: CallResult) -> None:
        await sends.transition(
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

    async def _refused(
        self,
        session: AsyncSession,
        sends: SendRepository,
        result: CallResult,
        error: ProviderError,
        now: datetime,
        effects: ResultEffects,
        staged: list[StagedEvent],
    ) -> None:
        channel_error = ChannelError(
            code=error.code, title=error.title, detail=error.detail, permanent=error.permanent
        )
        if error.action is ErrorAction.PAUSE_ACCOUNT:
            await self._requeue(sends, result, channel_error, now)
            account = await AccountRepository.from_session(session).lock(result.account_id)
            if account is not None:
                await pause_for_provider(
                    session,
                    events=self._events,
                    account=account,
                    kind=ChannelAlertKind(error.alert_kind or ChannelAlertKind.TOKEN_EXPIRED),
                    reason=f"{error.code}: {error.title}",
                    details={"code": error.code, "title": error.title, "detail": error.detail},
                )
            effects.paused = True
            return
        retryable = error.action in (ErrorAction.RETRY, ErrorAction.DELAY_RECIPIENT)
        if retryable and result.attempts < self._settings.max_attempts:
            await self._requeue(sends, result, channel_error, now + self._delay(result, error))
            if error.code == "130429":
                effects.cool_down = True
            return
        final = (
            refusals.attempts_exhausted(channel_error, result.attempts)
            if retryable
            else channel_error
        )
        send = await sends.transition(
            result.request_id,
            attempts=result.attempts,
            values={
                "state": SendState.FAILED.value,
                "last_error": final.model_dump(),
                "finished_at": now,
            },
        )
        if send is not None:
            staged.append(outcome_event(self._events, send))

    def _delay(self, result: CallResult, error: ProviderError) -> timedelta:
        settings = self._settings
        if error.action is ErrorAction.DELAY_RECIPIENT:
            seconds = full_jitter(
                result.attempts,
                base=settings.pair_retry_seconds,
                cap=max(settings.retry_max_seconds, settings.pair_retry_seconds),
                floor=settings.pair_retry_seconds / 2,
            )
        else:
            seconds = full_jitter(
                result.attempts,
                base=settings.retry_base_seconds,
                cap=settings.retry_max_seconds,
                floor=error.retry_after_seconds or 0.0,
            )
        return timedelta(seconds=seconds)

    @staticmethod
    async def _requeue(
        sends: SendRepository, result: CallResult, error: ChannelError, at: datetime
    ) -> None:
        await sends.transition(
            result.request_id,
            attempts=result.attempts,
            values={
                "state": SendState.QUEUED.value,
                "next_attempt_at": at,
                "last_error": error.model_dump(),
            },
        )
