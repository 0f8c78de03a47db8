"""Requests that can never be sent are refused with a clear code and no provider call."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import httpx

from mia_common.contracts import Channel, dead_letter_topic
from mia_common.contracts.messages import TemplateContent
from mia_common.testing.kafka import TopicReader
from mia_sender.config import SenderSettings
from support.world import Company, World


async def test_an_unknown_account_fails_the_request(world: World) -> None:
    account = await world.whatsapp_account()
    request = world.request(account, template="oi", account_id=uuid.uuid4())

    await world.send(request, tenant_id=account.company.tenant_id)

    outcome = await world.outcome(request.request_id)
    assert (outcome["result"], outcome["attempts"]) == ("failed", 0)
    assert outcome["error"]["code"] == "unknown_account"


async def test_another_companys_account_reads_as_unknown(world: World) -> None:
    account = await world.whatsapp_account()
    request = world.request(account, template="oi")

    await world.send(request, tenant_id=Company().tenant_id)

    outcome = await world.outcome(request.request_id)
    assert outcome["error"]["code"] == "unknown_account"
    assert await world.sent_to_sandbox(request.request_id) == []


async def test_a_deleted_account_fails_the_request(world: World, client: httpx.AsyncClient) -> None:
    account = await world.whatsapp_account()
    deleted = await client.delete(
        f"/api/v1/channels/accounts/{account.id}", headers=account.company.headers()
    )
    assert deleted.status_code == 204
    request = world.request(account, template="oi")

    await world.send(request, tenant_id=account.company.tenant_id)

    assert (await world.outcome(request.request_id))["error"]["code"] == "account_deleted"


async def test_a_request_past_its_not_after_is_dropped(world: World) -> None:
    account = await world.whatsapp_account()
    request = world.request(
        account, template="oi", not_after=datetime.now(UTC) - timedelta(seconds=1)
    )

    await world.send(request, tenant_id=account.company.tenant_id)

    outcome = await world.outcome(request.request_id)
    assert (outcome["error"]["code"], outcome["attempts"]) == ("expired", 0)


async def test_a_request_naming_another_channel_than_the_accounts_fails(world: World) -> None:
    account = await world.whatsapp_account()
    request = world.request(account, text="Oi", channel=Channel.SMS)

    await world.send(request, tenant_id=account.company.tenant_id)

    assert (await world.outcome(request.request_id))["error"]["code"] == "channel_mismatch"


async def test_a_paused_account_holds_sends_until_resumed_or_their_not_after(
    world: World, client: httpx.AsyncClient
) -> None:
    account = await world.whatsapp_account()
    headers = account.company.headers()
    paused = await client.post(
        f"/api/v1/channels/accounts/{account.id}/pause",
        json={"reason": "revisão da campanha"},
        headers=headers,
    )
    assert paused.status_code == 200
    assert paused.json()["status_reason"] == "revisão da campanha"
    held = world.request(account, template="oi")
    short = world.request(
        account, template="oi", not_after=datetime.now(UTC) + timedelta(seconds=1.5)
    )

    await world.send(held, tenant_id=account.company.tenant_id)
    await world.send(short, tenant_id=account.company.tenant_id)

    expired = await world.outcome(short.request_id)
    assert (expired["error"]["code"], expired["attempts"]) == ("account_paused", 0)
    assert expired["error"]["detail"] == "revisão da campanha"
    assert world.outcomes_of(held.request_id) == []
    assert (await world.send_row(held.request_id)).state == "queued"

    await client.post(f"/api/v1/channels/accounts/{account.id}/resume", headers=headers)

    assert (await world.outcome(held.request_id))["result"] == "accepted"


async def test_a_record_that_is_not_a_send_request_goes_to_the_dead_letter_topic(
    world: World, sender_settings: SenderSettings
) -> None:
    account = await world.whatsapp_account()
    marker = uuid.uuid4().hex
    broken = json.dumps({"specversion": "1.0", "type": "messages.send.v1", "marker": marker})

    await world.broker.publish(broken.encode(), sender_settings.send_topic, key=b"broken")
    after = world.request(account, template="oi")
    await world.send(after, tenant_id=account.company.tenant_id)

    assert (await world.outcome(after.request_id))["result"] == "accepted"
    async with TopicReader(
        sender_settings.kafka_bootstrap_servers, dead_letter_topic(sender_settings.send_topic)
    ) as dead:
        [record] = await dead.wait_for(
            lambda r: r.envelope.get("marker") == marker, message="the dead letter"
        )
    assert record.key == b"broken"


async def test_a_nul_in_a_template_variable_fails_that_request_alone_naming_where(
    world: World,
) -> None:
    account = await world.whatsapp_account()
    template = TemplateContent(
        name="pedido_enviado",
        language="pt_BR",
        components=[{"type": "body", "parameters": [{"type": "text", "text": "Ana\x00"}]}],
    )
    bad = world.request(account).model_copy(update={"content": template})
    good = world.request(account, template="pedido_enviado")

    await world.send(bad, tenant_id=account.company.tenant_id)
    await world.send(good, tenant_id=account.company.tenant_id)

    refused = await world.outcome(bad.request_id)
    assert (refused["result"], refused["attempts"]) == ("failed", 0)
    assert refused["error"]["code"] == "text_with_nul"
    assert refused["error"]["detail"] == "content.components.0.parameters.0.text holds U+0000"
    assert (await world.outcome(good.request_id))["result"] == "accepted"
    stored = await world.send_row(bad.request_id)
    assert stored.content["components"][0]["parameters"][0]["text"] == "Ana\ufffd"
    assert await world.sent_to_sandbox(bad.request_id) == []
