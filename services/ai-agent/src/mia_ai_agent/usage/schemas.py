"""The HTTP edge of ``/api/v1/ai/usage``: totals, a series for the chart, the budget."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field

from mia_ai_agent.usage.repository import GroupBy

__all__ = ["BudgetOut", "UsageOut", "UsagePoint", "UsageTotals"]


class UsageTotals(BaseModel):
    calls: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: Decimal


class UsagePoint(UsageTotals):
    key: str | None = Field(
        description="the day (YYYY-MM-DD), persona id, model or purpose; null: no persona"
    )


class BudgetOut(BaseModel):
    monthly_budget_usd: Decimal | None
    spent_this_month_usd: Decimal
    left_usd: Decimal | None = Field(description="null: no budget; at or below 0 the bot hands off")


class UsageOut(BaseModel):
    from_day: date = Field(serialization_alias="from")
    to_day: date = Field(serialization_alias="to")
    group_by: GroupBy
    totals: UsageTotals
    series: list[UsagePoint] = Field(description="by day: every day of the range, zeros included")
    budget: BudgetOut
