"""What is checked before a send is called, for a whole claim at once.

In order: a provider exists for the channel; ``not_after`` has not passed; then, for the
WhatsApp Cloud API only (SMS has neither), the 24-hour window (free-form messages need it
open), the daily messaging limit (templates to customers outside their window count
against the portfolio's tier) and the pair rate (hold the customer back, not the account;
a typing indicator is not paced).
Each step is one Redis round trip for the whole claim, not one per send.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.contracts import Channel, ChannelAlertKind, ChannelError
from mia_common.customer_window import channel_has_window, needs_open_window
from mia_sender.alerts import raise_alert
from mia_sender.config import SenderSettings
from mia_sender.dispatch import refusals
from mia_sender.dispatch.limits import DailyLimits, LimitDecision, portfolio_of
from mia_sender.dispatch.pacing import Pacer
from mia_sender.events import SenderEvents
from mia_sender.models import ChannelAccount, Send
from mia_sender.windows.service import CustomerWindows

__all__ = ["SendChecks", "Verdict"]

Verdict = ChannelError | datetime | None
"""A refusal (fail the send), a time to hold it until, or None: it may go now."""


class SendChecks:
    def __init__(
        self,
        *,
        settings: SenderSettings,
        events: SenderEvents,
        windows: CustomerWindows,
        limits: DailyLimits,
        pacer: Pacer,
    ) -> None:
        self._settings = settings
        self._events = events
        self._windows = windows
        self._limits = limits
        self._pacer = pacer

    async def review(
        self,
        session: AsyncSession,
        account: ChannelAccount,
        sends: Sequence[Send],
        *,
        now: datetime,
        has_provider: bool,
    ) -> dict[uuid.UUID, Verdict]:
        verdicts: dict[uuid.UUID, Verdict] = {}
        meta: list[Send] = []
        for send in sends:
            if not has_provider:
                verdicts[send.request_id] = refusals.recipient_unsupported(
                    f"no provider sends on {account.channel}"
                )
            elif send.not_after is not None and send.not_after <= now:
                verdicts[send.request_id] = refusals.expired()
            elif account.channel == Channel.WHATSAPP_CLOUD.value:
                # Meta's own rules: the window, the daily limit and the pair rate.
                meta.append(send)
            else:
                verdicts[send.request_id] = None
        if not meta:
            return verdicts

        open_windows = await self._windows.open_for(
            account.id, [(send.recipient, send.recipient_user_id) for send in meta]
        )
        new_customers: list[Send] = []
        paceable: list[Send] = []
        for send, window_open in zip(meta, open_windows, strict=True):
            if window_open:
                paceable.append(send)
            elif channel_has_window(account.channel) and needs_open_window(
                str(send.content.get("type"))
            ):
                verdicts[send.request_id] = refusals.outside_window()
            else:
                new_customers.append(send)
        paceable.extend(await self._admit(session, account, new_customers, verdicts))

        # A typing indicator is no message to the customer: Meta's pair rate does not
        # count it, and holding it back would only make it late.
        for send in paceable:
            if send.content.get("type") == "typing":
                verdicts[send.request_id] = None
        paceable = [send for send in paceable if send.request_id not in verdicts]
        pairs = await self._pacer.try_recipients(
            account.id, [send.recipient_key for send in paceable]
        )
        for send, pair in zip(paceable, pairs, strict=True):
            verdicts[send.request_id] = (
                None if pair.allowed else now + timedelta(seconds=max(pair.retry_after, 0.05))
            )
        return verdicts

    async def _admit(
        self,
        session: AsyncSession,
        account: ChannelAccount,
        sends: list[Send],
        verdicts: dict[uuid.UUID, Verdict],
    ) -> list[Send]:
        """Count templates to customers outside their window against the daily limit; the
        sends that stay within it. Alerts once a day near the limit and at it."""
        if not sends:
            return []
        limit = self._settings.tier_limit(account.messaging_tier)
        portfolio = portfolio_of(account)
        decisions = await self._limits.admit_many(
            portfolio, [send.recipient_key for send in sends], limit
        )
        admitted: list[Send] = []
        for send, decision in zip(sends, decisions, strict=True):
            if decision.allowed:
                admitted.append(send)
            else:
                assert limit is not None
                verdicts[send.request_id] = refusals.daily_limit_reached(limit)
        if limit is not None:
            await self._alert(session, account, portfolio, limit, decisions)
        return admitted

    async def _alert(
        self,
        session: AsyncSession,
        account: ChannelAccount,
        portfolio: str,
        limit: int,
        decisions: list[LimitDecision],
    ) -> None:
        today = datetime.now(UTC).date().isoformat()
        details = {"portfolio": portfolio, "limit": limit, "used": max(d.count for d in decisions)}
        near = math.ceil(limit * self._settings.daily_limit_near_ratio)
        if any(d.newly_counted and d.count >= near for d in decisions):
            await raise_alert(
                session,
                events=self._events,
                account=account,
                kind=ChannelAlertKind.DAILY_LIMIT_NEAR,
                message=(
                    f"{details['used']} of the {limit} new customers the tier allows per 24 "
                    "hours are used; campaigns may soon be refused."
                ),
                details=details,
                dedupe_key=f"daily_limit_near:{portfolio}:{today}",
            )
        if any(not d.allowed for d in decisions):
            await raise_alert(
                session,
                events=self._events,
                account=account,
                kind=ChannelAlertKind.DAILY_LIMIT_REACHED,
                message=(
                    f"The daily limit of {limit} new customers (tier {account.messaging_tier}) "
                    "is reached: templates to customers outside the 24-hour window fail until "
                    "earlier ones leave the rolling 24 hours."
                ),
                details=details,
                dedupe_key=f"daily_limit_reached:{portfolio}:{today}",
            )
