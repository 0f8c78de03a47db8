"""What is left of the tenant's monthly budget: the budget minus this calendar month's
(UTC) cost. The conversation code asks before each call and hands off at zero or below;
so one call may overshoot, never a second."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from mia_ai_agent.llm.repository import ModelSettingsRepository
from mia_ai_agent.usage.repository import UsageRepository

__all__ = ["MonthBudget", "budget_left", "month_budget", "month_of"]


@dataclass(frozen=True, slots=True)
class MonthBudget:
    monthly_budget_usd: Decimal | None
    spent_usd: Decimal

    @property
    def left_usd(self) -> Decimal | None:
        if self.monthly_budget_usd is None:
            return None
        return self.monthly_budget_usd - self.spent_usd


def month_of(now: datetime) -> tuple[date, date]:
    """The first and last day of ``now``'s month, in UTC."""
    first = now.astimezone(UTC).date().replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


async def month_budget(
    session: AsyncSession, *, tenant_id: uuid.UUID, now: datetime
) -> MonthBudget:
    settings = await ModelSettingsRepository.from_session(session).get(tenant_id)
    first, last = month_of(now)
    spent = await UsageRepository.from_session(session).cost_between(tenant_id, first, last)
    return MonthBudget(settings.monthly_budget_usd if settings else None, spent)


async def budget_left(
    session: AsyncSession, *, tenant_id: uuid.UUID, now: datetime
) -> Decimal | None:
    """USD left this month; None when the tenant set no budget."""
    settings = await ModelSettingsRepository.from_session(session).get(tenant_id)
    if settings is None or settings.monthly_budget_usd is None:
        return None
    first, last = month_of(now)
    spent = await UsageRepository.from_session(session).cost_between(tenant_id, first, last)
    return settings.monthly_budget_usd - spent
