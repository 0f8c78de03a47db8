"""``GET /api/v1/ai/usage``: the tenant's model usage over a range of days, for the
dashboard's totals and chart, with this month's budget. Any user of the tenant reads it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query

from mia_ai_agent.identity import Caller
from mia_ai_agent.usage.budget import month_budget
from mia_ai_agent.usage.errors import UsageRangeInvalid
from mia_ai_agent.usage.repository import GroupBy, UsageRepository, UsageSum
from mia_ai_agent.usage.schemas import BudgetOut, UsageOut, UsagePoint, UsageTotals
from mia_common.db.requests import SessionDep

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/ai", tags=["usage"])

_DEFAULT_DAYS = 30
_MAX_DAYS = 366


@router.get(
    "/usage",
    response_model=UsageOut,
    response_model_by_alias=True,
    summary="Model usage: totals and a series by day, persona, model or purpose",
    description="`from` and `to` are days (UTC), both included; by default the last 30 days."
    " 422 `usage_range_invalid` when `to` is before `from` or the range passes 366 days.",
)
async def read_usage(
    caller: Caller,
    session: SessionDep,
    from_day: Annotated[date | None, Query(alias="from")] = None,
    to_day: Annotated[date | None, Query(alias="to")] = None,
    group_by: GroupBy = "day",
) -> UsageOut:
    now = datetime.now(UTC)
    last = to_day or now.date()
    first = from_day or last - timedelta(days=_DEFAULT_DAYS - 1)
    if last < first or (last - first).days + 1 > _MAX_DAYS:
        raise UsageRangeInvalid(first, last, _MAX_DAYS)
    repository = UsageRepository.from_session(session)
    totals = await repository.totals(caller.tenant_id, first, last)
    sums = await repository.grouped(caller.tenant_id, first, last, group_by)
    if group_by == "day":
        sums = _every_day(sums, first, last)
    budget = await month_budget(session, tenant_id=caller.tenant_id, now=now)
    return UsageOut(
        from_day=first,
        to_day=last,
        group_by=group_by,
        totals=_totals(totals),
        series=[UsagePoint(key=None if s.key is None else str(s.key), **_counts(s)) for s in sums],
        budget=BudgetOut(
            monthly_budget_usd=budget.monthly_budget_usd,
            spent_this_month_usd=budget.spent_usd,
            left_usd=budget.left_usd,
        ),
    )


def _counts(total: UsageSum) -> dict[str, object]:
    return {
        "calls": total.calls,
        "prompt_tokens": total.prompt_tokens,
        "completion_tokens": total.completion_tokens,
        "cost_usd": total.cost_usd,
    }


def _totals(total: UsageSum) -> UsageTotals:
    return UsageTotals.model_validate(_counts(total))


def _every_day(sums: list[UsageSum], first: date, last: date) -> list[UsageSum]:
    """A chart needs the quiet days too."""
    by_day = {s.key: s for s in sums}
    days = (first + timedelta(days=offset) for offset in range((last - first).days + 1))
    return [by_day.get(day) or UsageSum(day, 0, 0, 0, Decimal(0)) for day in days]
