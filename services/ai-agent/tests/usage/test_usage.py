"""Usage and budgets: every recorded call grows the day's row and publishes ``AiUsage`` in
the caller's transaction; the month's cost eats the budget; the dashboard reads the sums,
its tenant's only."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Coroutine
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from mia_ai_agent.llm.prices import Prices
from mia_ai_agent.llm.results import TokenUsage
from mia_ai_agent.models.usage import UsageDay
from mia_ai_agent.usage.budget import budget_left
from mia_ai_agent.usage.recorder import Purpose, record_usage
from mia_common.contracts.campaigns import EVENT_TYPE_HEADER
from mia_common.db import unit_of_work
from mia_common.testing import TopicReader
from support.models import ModelWorld

USAGE_PATH = "/api/v1/ai/usage"
PRICES = Prices(Decimal("2.50"), Decimal("10"))  # gpt-4o's
NOW = datetime(2026, 11, 18, 15, 30, tzinfo=UTC)
ReaderFactory = Callable[..., Coroutine[Any, Any, TopicReader]]


async def record(
    world: ModelWorld,
    *,
    prompt: int,
    completion: int = 0,
    persona_id: uuid.UUID | None = None,
    purpose: Purpose = "reply",
    model: str = "gpt-4o",
    now: datetime = NOW,
    tenant_id: uuid.UUID | None = None,
    run_id: uuid.UUID | None = None,
) -> Decimal:
    async with unit_of_work(world.context.infra.sessions) as session:
        return await record_usage(
            session,
            tenant_id=tenant_id or world.tenant_id,
            persona_id=persona_id,
            purpose=purpose,
            result_or_usage=TokenUsage(prompt_tokens=prompt, completion_tokens=completion),
            model=model,
            prices=PRICES,
            run_id=run_id or uuid.uuid4(),
            topic=world.settings.ai_topic,
            now=now,
        )


async def left(world: ModelWorld, now: datetime = NOW) -> Decimal | None:
    async with unit_of_work(world.context.infra.sessions) as session:
        return await budget_left(session, tenant_id=world.tenant_id, now=now)


async def test_a_recorded_call_grows_the_days_row_and_publishes_ai_usage(
    world: ModelWorld, topic_reader: ReaderFactory
) -> None:
    reader = await topic_reader(world.settings.ai_topic, start="end")
    persona_id, run_id = uuid.uuid4(), uuid.uuid4()

    first = await record(world, prompt=1000, completion=200, persona_id=persona_id, run_id=run_id)
    await record(world, prompt=500, completion=100, persona_id=persona_id)

    assert first == Decimal("0.00450000")  # 1,000 x 2.50 / 1M + 200 x 10 / 1M
    async with unit_of_work(world.context.infra.sessions) as session:
        [row] = (
            await session.scalars(select(UsageDay).where(UsageDay.tenant_id == world.tenant_id))
        ).all()
    assert (row.day, row.persona_id, row.purpose, row.model) == (
        date(2026, 11, 18),
        persona_id,
        "reply",
        "gpt-4o",
    )
    assert (row.calls, row.prompt_tokens, row.completion_tokens) == (2, 1500, 300)
    assert row.cost_usd == Decimal("0.00675000")
    ours = await reader.wait_for(lambda r: r.envelope["tenantid"] == str(world.tenant_id), count=2)
    event = next(r for r in ours if r.data["run_id"] == str(run_id))
    assert event.header(EVENT_TYPE_HEADER) == "ai.usage"
    assert event.key == str(persona_id).encode()
    assert event.data == {
        "type": "ai.usage",
        "run_id": str(run_id),
        "persona_id": str(persona_id),
        "purpose": "reply",
        "model": "gpt-4o",
        "calls": 1,
        "prompt_tokens": 1000,
        "completion_tokens": 200,
        "cost_usd": "0.00450000",
        "occurred_at": "2026-11-18T15:30:00Z",
    }


async def test_a_rolled_back_call_counts_nothing_and_publishes_nothing(
    world: ModelWorld, topic_reader: ReaderFactory
) -> None:
    reader = await topic_reader(world.settings.ai_topic, start="end")

    class Abandoned(Exception):
        pass

    try:
        async with unit_of_work(world.context.infra.sessions) as session:
            await record_usage(
                session,
                tenant_id=world.tenant_id,
                persona_id=None,
                purpose="reply",
                result_or_usage=TokenUsage(prompt_tokens=10),
                model="gpt-4o",
                prices=PRICES,
                run_id=uuid.uuid4(),
                topic=world.settings.ai_topic,
                now=NOW,
            )
            raise Abandoned
    except Abandoned:
        pass

    published = await reader.up_to_marker()
    assert [r for r in published if r.envelope["tenantid"] == str(world.tenant_id)] == []
    async with unit_of_work(world.context.infra.sessions) as session:
        rows = (
            await session.scalars(select(UsageDay).where(UsageDay.tenant_id == world.tenant_id))
        ).all()
    assert rows == []


async def test_calls_without_a_persona_share_one_row_a_day(world: ModelWorld) -> None:
    for _ in range(3):
        await record(world, prompt=10, purpose="console")

    async with unit_of_work(world.context.infra.sessions) as session:
        rows = (
            await session.scalars(select(UsageDay).where(UsageDay.tenant_id == world.tenant_id))
        ).all()
    assert [(row.persona_id, row.calls) for row in rows] == [(None, 3)]


async def test_budget_left_reaches_zero_once_the_months_cost_passes_the_budget(
    world: ModelWorld,
) -> None:
    assert await left(world) is None  # no model settings: no budget
    await world.configure(monthly_budget_usd="0.01")
    # Last month's spending is last month's: it leaves this month's budget whole.
    await record(world, prompt=100_000, now=NOW.replace(month=10))
    assert await left(world) == Decimal("0.01")

    await record(world, prompt=2_000)  # $0.005
    halfway = await left(world)
    await record(world, prompt=2_000, completion=200)  # $0.007
    spent = await left(world)

    assert halfway == Decimal("0.005")
    assert spent is not None
    assert spent <= 0
    assert spent == Decimal("-0.002")
    await world.configure(monthly_budget_usd=None)
    assert await left(world) is None


async def test_the_usage_endpoint_sums_by_day_persona_model_and_purpose(world: ModelWorld) -> None:
    persona = uuid.uuid4()
    today = datetime.now(UTC)
    yesterday = today - timedelta(days=1)
    await record(world, prompt=1000, completion=100, persona_id=persona, now=today)
    await record(world, prompt=1000, persona_id=persona, now=yesterday)
    await record(world, prompt=400, purpose="embedding", model="text-embedding-3-small", now=today)
    await world.configure(monthly_budget_usd="50")
    first = (yesterday - timedelta(days=1)).date()

    answers = {
        group: await world.client.get(
            USAGE_PATH,
            params={"from": str(first), "to": str(today.date()), "group_by": group},
            headers=world.agent.headers,
        )
        for group in ("day", "persona", "model", "purpose")
    }

    by_day = answers["day"].json()
    assert answers["day"].status_code == 200, answers["day"].text
    assert by_day["from"] == str(first)
    assert by_day["to"] == str(today.date())
    assert by_day["totals"]["calls"] == 3
    assert by_day["totals"]["prompt_tokens"] == 2400
    assert by_day["totals"]["completion_tokens"] == 100
    assert [point["key"] for point in by_day["series"]] == [
        str(first),
        str(yesterday.date()),
        str(today.date()),
    ]
    assert [point["calls"] for point in by_day["series"]] == [0, 1, 2]
    assert by_day["budget"]["monthly_budget_usd"] == "50.00"
    by_persona = {p["key"]: p["calls"] for p in answers["persona"].json()["series"]}
    assert by_persona == {None: 1, str(persona): 2}
    by_model = {p["key"]: p["prompt_tokens"] for p in answers["model"].json()["series"]}
    assert by_model == {"gpt-4o": 2000, "text-embedding-3-small": 400}
    by_purpose = {p["key"]: p["calls"] for p in answers["purpose"].json()["series"]}
    assert by_purpose == {"embedding": 1, "reply": 2}


async def test_the_usage_endpoint_shows_another_tenant_nothing(world: ModelWorld) -> None:
    await record(world, prompt=1000, now=datetime.now(UTC))
    await world.configure(monthly_budget_usd="10")

    response = await world.client.get(USAGE_PATH, headers=world.stranger().headers)

    assert response.status_code == 200
    assert response.json()["totals"]["calls"] == 0
    assert all(point["calls"] == 0 for point in response.json()["series"])
    assert response.json()["budget"]["monthly_budget_usd"] is None


async def test_a_backwards_or_too_long_range_is_refused(world: ModelWorld) -> None:
    backwards = await world.client.get(
        USAGE_PATH, params={"from": "2026-11-10", "to": "2026-11-01"}, headers=world.agent.headers
    )
    too_long = await world.client.get(
        USAGE_PATH, params={"from": "2024-01-01", "to": "2026-11-01"}, headers=world.agent.headers
    )

    assert backwards.status_code == too_long.status_code == 422
    assert backwards.json()["code"] == "usage_range_invalid"


async def test_trying_the_model_counts_as_console_usage(world: ModelWorld) -> None:
    await world.configure(monthly_budget_usd="1")
    await world.script({"content": "OK", "usage": {"prompt_tokens": 12, "completion_tokens": 1}})

    tried = await world.client.post("/api/v1/ai/model/test", headers=world.manager.headers)
    usage = await world.client.get(
        USAGE_PATH, params={"group_by": "purpose"}, headers=world.agent.headers
    )

    assert tried.status_code == 200
    [console] = usage.json()["series"]
    assert console["key"] == "console"
    assert (console["calls"], console["prompt_tokens"], console["completion_tokens"]) == (1, 12, 1)
    # gpt-4o-mini's list price: 12 x 0.15 / 1M + 1 x 0.60 / 1M
    assert Decimal(console["cost_usd"]) == Decimal("0.0000024")
