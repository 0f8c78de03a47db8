"""Recording one call to a model, in the caller's transaction: the day's usage row grows
and an ``AiUsage`` event is staged in the outbox, so a reply rolled back costs nothing in
the figures and the event is published exactly when the call's effects are."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from mia_ai_agent.llm.prices import Prices
from mia_ai_agent.llm.results import ChatResult, TokenUsage
from mia_ai_agent.usage.events import usage_event
from mia_ai_agent.usage.repository import UsageBucket, UsageRepository
from mia_common.contracts.ai import AiUsage
from mia_common.outbox import add_events

__all__ = ["Purpose", "record_usage"]

Purpose = Literal["reply", "lead", "embedding", "console"]
_COST_PLACES = Decimal("0.00000001")  # the column's scale


async def record_usage(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    persona_id: uuid.UUID | None,
    purpose: Purpose,
    result_or_usage: ChatResult | TokenUsage,
    model: str,
    prices: Prices,
    run_id: uuid.UUID,
    topic: str,
    now: datetime,
) -> Decimal:
    """Count the call's tokens and cost for ``now``'s day (UTC); returns the cost."""
    usage = result_or_usage.usage if isinstance(result_or_usage, ChatResult) else result_or_usage
    model = model[:200]  # the column's and the contract's limit
    cost = prices.cost(usage.prompt_tokens, usage.completion_tokens).quantize(_COST_PLACES)
    await UsageRepository.from_session(session).add(
        UsageBucket(tenant_id, now.astimezone(UTC).date(), persona_id, purpose, model),
        calls=usage.calls,
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        cost_usd=cost,
    )
    event = AiUsage(
        run_id=run_id,
        persona_id=persona_id,
        purpose=purpose,
        model=model,
        calls=usage.calls,
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        cost_usd=cost,
        occurred_at=now,
    )
    await add_events(session, [usage_event(topic=topic, tenant_id=tenant_id, usage=event)])
    return cost
