"""Each kind of Meta refusal leads to its own action: retry, delay one customer, pause the
account and alert a person, or fail at once."""

from __future__ import annotations

import httpx

from mia_common.testing.kafka import TopicReader
from support.world import Account, World, customer_phone


async def fault(world: World, account: Account, code: str, **options: object) -> None:
    await world.sandbox.client.add_fault(code, phone_number_id=account.phone_number_id, **options)  # type: ignore[arg-type]


async def test_throughput_limit_once_then_success_is_retried_and_accepted(world: World) -> None:
    account = await world.whatsapp_account()
    await fault(world, account, "130429", count=1)
    request = world.request(account, template="pedido_enviado")

    await world.send(request, tenant_id=account.company.tenant_id)

    outcome = await world.outcome(request.request_id)
    assert outcome["result"] == "accepted"
    assert outcome["attempts"] == 2
    assert len(await world.sent_to_sandbox(request.request_id)) == 1
    stats = await world.sandbox.client.number_stats(account.phone_number_id)
    assert stats.refused == {"130429": 1}


async def test_a_server_error_is_retried(world: World) -> None:
    account = await world.whatsapp_account()
    await fault(world, account, "500", count=2)
    request = world.request(account, template="pedido_enviado")

    await world.send(request, tenant_id=account.company.tenant_id)

    outcome = await world.outcome(request.request_id)
    assert (outcome["result"], outcome["attempts"]) == ("accepted", 3)


async def test_errors_outlasting_the_attempts_fail_with_the_last_error(world: World) -> None:
    account = await world.whatsapp_account()
    await fault(world, account, "500")
    request = world.request(account, template="pedido_enviado")

    await world.send(request, tenant_id=account.company.tenant_id)

    outcome = await world.outcome(request.request_id)
    assert outcome["result"] == "failed"
    assert outcome["attempts"] == world.settings.max_attempts
    assert outcome["error"]["code"] == "2"  # Graph's "service temporarily unavailable"
    assert outcome["error"]["permanent"] is True


async def test_pair_rate_limit_delays_that_customer_while_others_go_through(
    world: World,
) -> None:
    account = await world.whatsapp_account()
    busy, other = customer_phone(), customer_phone()
    await fault(world, account, "131056", recipient=busy, count=1)
    delayed = world.request(account, to=busy, template="pedido_enviado")
    free = world.request(account, to=other, template="pedido_enviado")

    await world.send(delayed, tenant_id=account.company.tenant_id)
    await world.send(free, tenant_id=account.company.tenant_id)

    free_outcome = await world.outcome(free.request_id)
    delayed_outcome = await world.outcome(delayed.request_id)
    assert free_outcome["result"] == "accepted"
    assert free_outcome["attempts"] == 1
    assert delayed_outcome["result"] == "accepted"
    assert delayed_outcome["attempts"] == 2
    delayed_sent = (await world.sent_to_sandbox(delayed.request_id))[0].accepted_at
    free_sent = (await world.sent_to_sandbox(free.request_id))[0].accepted_at
    # Held back at least half the configured delay (full jitter above a floor).
    assert (delayed_sent - free_sent).total_seconds() >= world.settings.pair_retry_seconds / 2


async def test_spam_limit_pauses_the_account_alerts_a_person_and_waits_for_resume(
    world: World, client: httpx.AsyncClient, alerts: TopicReader, states: TopicReader
) -> None:
    account = await world.whatsapp_account()
    await fault(world, account, "131048", count=1)
    request = world.request(account, template="pedido_enviado")

    await world.send(request, tenant_id=account.company.tenant_id)

    [alert] = await alerts.wait_for(
        lambda r: r.data["channel_account_id"] == str(account.id), message="the spam alert"
    )
    assert alert.data["kind"] == "spam_limit"
    assert alert.envelope["tenantid"] == str(account.company.tenant_id)
    assert alert.key == str(account.id).encode()
    await states.wait_for(
        lambda r: r.data["channel_account_id"] == str(account.id) and r.data["status"] == "paused",
        message="the paused state",
    )
    shown = await client.get(
        f"/api/v1/channels/accounts/{account.id}", headers=account.company.headers()
    )
    assert shown.json()["status"] == "paused"
    assert "131048" in shown.json()["status_reason"]
    assert world.outcomes_of(request.request_id) == []  # waiting, not failed
    row = await world.send_row(request.request_id)
    assert row.state == "queued"

    resumed = await client.post(
        f"/api/v1/channels/accounts/{account.id}/resume", headers=account.company.headers()
    )

    assert resumed.status_code == 200
    outcome = await world.outcome(request.request_id)
    assert (outcome["result"], outcome["attempts"]) == ("accepted", 2)
    kinds = [
        r.data["kind"]
        for r in await alerts.wait_for(
            lambda r: r.data["channel_account_id"] == str(account.id), count=2
        )
    ]
    assert kinds == ["spam_limit", "resumed"]


async def test_an_expired_token_pauses_the_account_with_a_token_alert(
    world: World, alerts: TopicReader, states: TopicReader
) -> None:
    account = await world.whatsapp_account()
    await fault(world, account, "190", count=1)
    request = world.request(account, template="pedido_enviado")

    await world.send(request, tenant_id=account.company.tenant_id)

    [alert] = await alerts.wait_for(
        lambda r: r.data["channel_account_id"] == str(account.id), message="the token alert"
    )
    assert alert.data["kind"] == "token_expired"
    [state] = await states.wait_for(
        lambda r: r.data["channel_account_id"] == str(account.id) and r.data["status"] == "paused"
    )
    assert "190" in state.data["status_reason"]


async def test_undeliverable_and_reengagement_fail_at_once_with_metas_code(
    world: World,
) -> None:
    for code in ("131026", "131047"):
        account = await world.whatsapp_account()
        await fault(world, account, code)
        request = world.request(account, template="pedido_enviado")

        await world.send(request, tenant_id=account.company.tenant_id)

        outcome = await world.outcome(request.request_id)
        assert outcome["result"] == "failed"
        assert outcome["attempts"] == 1
        assert outcome["error"]["code"] == code
        assert outcome["error"]["permanent"] is True
        stats = await world.sandbox.client.number_stats(account.phone_number_id)
        assert stats.refused == {code: 1}


async def test_marketing_limit_fails_without_retrying(world: World) -> None:
    account = await world.whatsapp_account()
    await fault(world, account, "131049")
    request = world.request(account, template="promocao_de_natal")

    await world.send(request, tenant_id=account.company.tenant_id)

    outcome = await world.outcome(request.request_id)
    assert (outcome["result"], outcome["attempts"]) == ("failed", 1)
    assert outcome["error"]["code"] == "131049"
    stats = await world.sandbox.client.number_stats(account.phone_number_id)
    assert stats.refused == {"131049": 1}
