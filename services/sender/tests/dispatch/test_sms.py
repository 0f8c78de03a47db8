"""SMS accounts send through Twilio: no window, no Meta limits, the request id in the status
callback URL."""

from __future__ import annotations

import uuid

import httpx

from mia_common.contracts import Channel
from support.fake_twilio import FakeTwilio
from support.sms import sms_account
from support.world import Company, World, customer_phone


async def test_an_sms_goes_out_through_twilio_without_any_window(
    world: World, client: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    company = Company()
    account_id = uuid.UUID(await sms_account(client, twilio, company))
    phone = customer_phone()
    request = world.request(
        None,
        to=phone,
        text="Seu código é 4821",
        channel=Channel.SMS,
        account_id=account_id,
    )

    await world.send(request, tenant_id=company.tenant_id)

    outcome = await world.outcome(request.request_id)
    assert outcome["result"] == "accepted"
    assert outcome["channel"] == "sms"
    [message] = [m for m in twilio.messages if m.sid == outcome["external_message_id"]]
    assert message.to == phone
    assert message.body == "Seu código é 4821"
    assert message.status_callback is not None
    assert f"/webhooks/twilio/{account_id}/status" in message.status_callback
    assert str(request.request_id) in message.status_callback


async def test_an_sms_to_a_user_id_is_refused(
    world: World, client: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    company = Company()
    account_id = uuid.UUID(await sms_account(client, twilio, company))
    request = world.request(
        None,
        to_user_id="BR.1234567890",
        channel=Channel.SMS,
        account_id=account_id,
    )

    await world.send(request, tenant_id=company.tenant_id)

    outcome = await world.outcome(request.request_id)
    assert (outcome["error"]["code"], outcome["attempts"]) == ("recipient_unsupported", 0)
