"""The typing indicator: a read receipt with "typing…" against the customer's message, on
the WhatsApp Cloud API only, inside the window, never retried, and never in the way of the
answer that follows it."""

from __future__ import annotations

import uuid

import httpx

from mia_common.contracts import Channel, SendRequest
from support.fake_twilio import FakeTwilio
from support.sms import sms_account
from support.world import Account, Company, World, customer_phone


def typing(request: SendRequest, wamid: str) -> SendRequest:
    """``request`` (to the same customer, on the same account) as a typing indicator."""
    return SendRequest.model_validate(
        {
            **request.model_dump(),
            "request_id": uuid.uuid4(),
            "content": {"type": "typing"},
            "reply_to_external_id": wamid,
            "origin": "ai",
        }
    )


async def customer_wrote(world: World, account: Account) -> str:
    phone = customer_phone()
    await world.customer_writes(account, phone=phone)
    await world.window_open(account, phone)
    return phone


async def test_typing_is_shown_against_the_customers_message_then_the_answer_goes(
    world: World,
) -> None:
    account = await world.whatsapp_account()
    phone = await customer_wrote(world, account)
    answer = world.request(account, to=phone, text="Temos sim, no tamanho 42.")
    indicator = typing(answer, "wamid.CUSTOMER-1")

    await world.send(indicator, tenant_id=account.company.tenant_id)
    await world.send(answer, tenant_id=account.company.tenant_id)

    shown = await world.outcome(indicator.request_id)
    assert (shown["result"], shown["external_message_id"]) == ("accepted", "wamid.CUSTOMER-1")
    assert (await world.outcome(answer.request_id))["result"] == "accepted"
    [receipt] = await world.sandbox.client.read_receipts(message_id="wamid.CUSTOMER-1")
    assert receipt.typing
    assert receipt.phone_number_id == account.phone_number_id
    [sent] = await world.sent_to_sandbox(answer.request_id)
    assert receipt.at <= sent.accepted_at, "typing shows before the answer arrives"
    assert await world.sent_to_sandbox(indicator.request_id) == [], "no message was sent"


async def test_a_refused_typing_indicator_fails_at_once_and_the_answer_still_goes(
    world: World,
) -> None:
    account = await world.whatsapp_account()
    phone = await customer_wrote(world, account)
    await world.sandbox.client.add_fault(
        "130429", phone_number_id=account.phone_number_id, applies_to="read_receipts"
    )
    answer = world.request(account, to=phone, text="Um momento, já confiro.")
    indicator = typing(answer, "wamid.CUSTOMER-2")

    await world.send(indicator, tenant_id=account.company.tenant_id)
    await world.send(answer, tenant_id=account.company.tenant_id)

    failed = await world.outcome(indicator.request_id)
    assert (failed["result"], failed["attempts"]) == ("failed", 1), "never retried"
    assert failed["error"]["code"] == "130429"
    assert (await world.outcome(answer.request_id))["result"] == "accepted"
    assert await world.sandbox.client.read_receipts(message_id="wamid.CUSTOMER-2") == []


async def test_no_typing_outside_the_customers_window(world: World) -> None:
    account = await world.whatsapp_account()
    indicator = typing(world.request(account), "wamid.OLD")

    await world.send(indicator, tenant_id=account.company.tenant_id)

    refused = await world.outcome(indicator.request_id)
    assert (refused["error"]["code"], refused["attempts"]) == ("outside_window", 0)
    assert await world.sandbox.client.read_receipts(message_id="wamid.OLD") == []


async def test_sms_has_no_typing_indicator(
    world: World, client: httpx.AsyncClient, twilio: FakeTwilio
) -> None:
    company = Company()
    account_id = uuid.UUID(await sms_account(client, twilio, company))
    phone = customer_phone()
    request = world.request(None, to=phone, channel=Channel.SMS, account_id=account_id)
    indicator = typing(request, "SM-anything")

    await world.send(indicator, tenant_id=company.tenant_id)

    refused = await world.outcome(indicator.request_id)
    assert (refused["error"]["code"], refused["attempts"]) == ("recipient_unsupported", 0)
    assert [m for m in twilio.messages if m.to == phone] == []
