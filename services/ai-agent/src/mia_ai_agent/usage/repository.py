"""All SQL of usage: the daily upsert, the month's cost, and the dashboard's sums."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from mia_ai_agent.models.usage import UsageDay

__all__ = ["GroupBy", "UsageBucket", "UsageRepository", "UsageSum"]

GroupBy = Literal["day", "persona", "model", "purpose"]


@dataclass(frozen=True, slots=True)
class UsageBucket:
    tenant_id: uuid.UUID
    day: date
    persona_id: uuid.UUID | None
    purpose: str
    model: str


@dataclass(frozen=True, slots=True)
class UsageSum:
    key: Any
    calls: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: Decimal


_SUMS = (
    func.coalesce(func.sum(UsageDay.calls), 0),
    func.coalesce(func.sum(UsageDay.prompt_tokens), 0),
    func.coalesce(func.sum(UsageDay.completion_tokens), 0),
    func.coalesce(func.sum(UsageDay.cost_usd), 0),
)
_GROUPS = {
    "day": UsageDay.day,
    "persona": UsageDay.persona_id,
    "model": UsageDay.model,
    "purpose": UsageDay.purpose,
}


class UsageRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @classmethod
    def from_session(cls, session: AsyncSession) -> UsageRepository:
        return cls(session)

    async def add(
        self,
        bucket: UsageBucket,
        *,
        calls: int,
        prompt_tokens: int,
        completion_tokens: int,
        cost_usd: Decimal,
    ) -> None:
        """Add to the day's row, creating it: concurrent calls of one bucket add up, since
        the conflict takes the row's lock and adds to what the other committed."""
        statement = insert(UsageDay).values(
            tenant_id=bucket.tenant_id,
            day=bucket.day,
            persona_id=bucket.persona_id,
            purpose=bucket.purpose,
            model=bucket.model,
            calls=calls,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            cost_usd=cost_usd,
        )
        await self.session.execute(
            statement.on_conflict_do_update(
                constraint="uq_usage_days_bucket",
                set_={
                    "calls": UsageDay.calls + statement.excluded.calls,
                    "prompt_tokens": UsageDay.prompt_tokens + statement.excluded.prompt_tokens,
                    "completion_tokens": UsageDay.completion_tokens
                    + statement.excluded.completion_tokens,
                    "cost_usd": UsageDay.cost_usd + statement.excluded.cost_usd,
                },
            )
        )

    async def cost_between(self, tenant_id: uuid.UUID, first: date, last: date) -> Decimal:
        """The cost from ``first`` to ``last``, both included."""
        total = await self.session.scalar(
            select(func.coalesce(func.sum(UsageDay.cost_usd), 0)).where(
                UsageDay.tenant_id == tenant_id, UsageDay.day >= first, UsageDay.day <= last
            )
        )
        return Decimal(total or 0)

    async def totals(self, tenant_id: uuid.UUID, first: date, last: date) -> UsageSum:
        row = (
            await self.session.execute(
                select(*_SUMS).where(
                    UsageDay.tenant_id == tenant_id, UsageDay.day >= first, UsageDay.day <= last
                )
            )
        ).one()
        return UsageSum(None, int(row[0]), int(row[1]), int(row[2]), Decimal(row[3]))

    async def grouped(
        self, tenant_id: uuid.UUID, first: date, last: date, group_by: GroupBy
    ) -> list[UsageSum]:
        column = _GROUPS[group_by]
        rows = await self.session.execute(
            select(column, *_SUMS)
            .where(UsageDay.tenant_id == tenant_id, UsageDay.day >= first, UsageDay.day <= last)
            .group_by(column)
            .order_by(column.asc().nulls_first())
        )
        return [
            UsageSum(key, int(calls), int(prompt), int(completion), Decimal(cost))
            for key, calls, prompt, completion, cost in rows
        ]
