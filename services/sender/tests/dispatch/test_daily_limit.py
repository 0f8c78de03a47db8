"""Meta's daily messaging limit: new customers outside the window per portfolio per 24 h.

The session's settings shrink tier 250 to 5 customers, so the test needs only a few sends.
"""

from __future__ import annotations

import httpx
from conftest import SMALL_TIER

from mia_common.testing.kafka import TopicReader
from support.world import World, customer_phone, meta_id


async def test_near_alert_then_new_customers_past_the_tier_fail_without_a_call(
    world: World, client: httpx.AsyncClient, alerts: TopicReader
) -> None:
    account = await world.whatsapp_account(tier="250", business_id=meta_id())
    tenant = account.company.tenant_id
    customers = [customer_phone() for _ in range(SMALL_TIER)]
    for phone in customers:
        request = world.request(account, to=phone, template="promo")
        await world.send(request, tenant_id=tenant)
        assert (await world.outcome(request.request_id))["result"] == "accepted"

    one_too_many = world.request(account, template="promo")
    another = world.request(account, template="promo")
    await world.send(one_too_many, tenant_id=tenant)
    await world.send(another, tenant_id=tenant)

    refused = await world.outcome(one_too_many.request_id)
    assert refused["result"] == "failed"
    assert refused["error"]["code"] == "daily_limit_reached"
    assert refused["attempts"] == 0
    assert await world.sent_to_sandbox(one_too_many.request_id) == []
    assert (await world.outcome(another.request_id))["error"]["code"] == "daily_limit_reached"

    # A customer already counted today is not new: templates to them still go out.
    again = world.request(account, to=customers[0], template="promo")
    await world.send(again, tenant_id=tenant)
    assert (await world.outcome(again.request_id))["result"] == "accepted"
    # Replies inside a customer's window do not count at all.
    replying = customer_phone()
    await world.customer_writes(account, phone=replying)
    await world.window_open(account, replying)
    reply = world.request(account, to=replying, text="Obrigado por escrever!")
    await world.send(reply, tenant_id=tenant)
    assert (await world.outcome(reply.request_id))["result"] == "accepted"

    kinds = [
        r.data["kind"]
        for r in alerts.matching(lambda r: r.data["channel_account_id"] == str(account.id))
    ]
    assert kinds == ["daily_limit_near", "daily_limit_reached"]  # each once

    limits = await client.get(
        f"/api/v1/channels/accounts/{account.id}/limits", headers=account.company.headers()
    )
    assert limits.status_code == 200
    body = limits.json()
    assert (body["tier"], body["limit"], body["used"], body["remaining"]) == (
        "250",
        SMALL_TIER,
        SMALL_TIER,
        0,
    )
    assert body["resets_at"] is not None


async def test_the_limit_is_shared_by_every_number_of_the_portfolio(world: World) -> None:
    portfolio = meta_id()
    first = await world.whatsapp_account(tier="250", business_id=portfolio)
    second = await world.whatsapp_account(first.company, tier="250", business_id=portfolio)
    tenant = first.company.tenant_id
    for index in range(SMALL_TIER):
        account = first if index % 2 else second
        request = world.request(account, template="promo")
        await world.send(request, tenant_id=tenant)
        assert (await world.outcome(request.request_id))["result"] == "accepted"

    request = world.request(second, template="promo")
    await world.send(request, tenant_id=tenant)

    assert (await world.outcome(request.request_id))["error"]["code"] == "daily_limit_reached"
