"""Each account is paced to its own throughput, and a slow account never delays another."""

from __future__ import annotations

import time

from support.world import World


async def test_an_account_never_exceeds_its_throughput_and_does_not_hold_up_another(
    world: World,
) -> None:
    slow = await world.whatsapp_account(throughput=5)
    fast = await world.whatsapp_account(throughput=80)
    slow_requests = [world.request(slow, template="campanha") for _ in range(40)]
    fast_requests = [world.request(fast, template="campanha") for _ in range(20)]

    for request in slow_requests:
        await world.send(request, tenant_id=slow.company.tenant_id)
    published_fast = time.monotonic()
    for request in fast_requests:
        await world.send(request, tenant_id=fast.company.tenant_id)

    for request in fast_requests:
        assert (await world.outcome(request.request_id))["result"] == "accepted"
    fast_done = time.monotonic() - published_fast
    for request in slow_requests:
        outcome = await world.outcome(request.request_id, timeout=30)
        assert outcome["result"] == "accepted"
    slow_done = time.monotonic() - published_fast

    slow_stats = await world.sandbox.client.number_stats(slow.phone_number_id)
    fast_stats = await world.sandbox.client.number_stats(fast.phone_number_id)
    assert slow_stats.accepted == 40
    assert slow_stats.max_per_second <= 5
    assert slow_stats.duplicate_callback_sends == 0
    assert fast_stats.accepted == 20
    assert fast_stats.max_per_second <= 80
    # 40 sends at 5/s take about 8 s; the other account's 20 must not wait for them.
    assert slow_done > 7
    assert fast_done < slow_done / 2, f"the fast account took {fast_done:.1f}s"
