"""The 24-hour customer-service window: free-form messages only after the customer wrote;
templates always."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from support.world import World, customer_phone


async def test_free_form_to_a_customer_who_did_not_write_fails_outside_window_uncalled(
    world: World,
) -> None:
    account = await world.whatsapp_account()
    request = world.request(account, text="Oi! Temos novidades.")

    await world.send(request, tenant_id=account.company.tenant_id)

    outcome = await world.outcome(request.request_id)
    assert outcome["result"] == "failed"
    assert outcome["error"]["code"] == "outside_window"
    assert "template" in outcome["error"]["title"]
    assert outcome["attempts"] == 0
    assert await world.sent_to_sandbox(request.request_id) == []


async def test_a_template_goes_out_whether_or_not_the_window_is_open(world: World) -> None:
    account = await world.whatsapp_account()
    request = world.request(account, template="boas_vindas")

    await world.send(request, tenant_id=account.company.tenant_id)

    assert (await world.outcome(request.request_id))["result"] == "accepted"


async def test_once_the_customer_writes_free_form_replies_go_out(world: World) -> None:
    account = await world.whatsapp_account()
    phone = customer_phone()
    await world.customer_writes(account, phone=phone)
    await world.window_open(account, phone)
    request = world.request(account, to=phone, text="Claro, temos sim!")

    await world.send(request, tenant_id=account.company.tenant_id)

    assert (await world.outcome(request.request_id))["result"] == "accepted"


async def test_a_customer_known_by_user_id_is_reached_by_it_inside_their_window(
    world: World,
) -> None:
    account = await world.whatsapp_account()
    user_id = "BR.13491208655302741918"
    await world.customer_writes(account, user_id=user_id)
    windows = world.app.state.context.windows

    async def learned() -> bool:
        return bool(await windows.is_open(account.id, phone=None, user_id=user_id))

    await world.sandbox.client.wait_for(learned, message="the user id's window")
    request = world.request(account, to_user_id=user_id, text="Olá!")

    await world.send(request, tenant_id=account.company.tenant_id)

    assert (await world.outcome(request.request_id))["result"] == "accepted"
    [sent] = await world.sent_to_sandbox(request.request_id)
    assert sent.recipient == user_id
    assert sent.to is None


async def test_a_message_older_than_a_day_opens_no_window(world: World) -> None:
    account = await world.whatsapp_account()
    phone = customer_phone()
    yesterday = datetime.now(UTC) - timedelta(hours=25)
    await world.customer_writes(account, phone=phone, at=yesterday)
    # A later, fresh message on the same partition proves the old one was consumed.
    other = customer_phone()
    await world.customer_writes(account, phone=other)
    await world.window_open(account, other)
    request = world.request(account, to=phone, text="Oi?")

    await world.send(request, tenant_id=account.company.tenant_id)

    assert (await world.outcome(request.request_id))["error"]["code"] == "outside_window"
