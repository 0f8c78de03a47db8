"""A send request goes to Meta exactly once and its outcome comes back."""

from __future__ import annotations

from mia_common.contracts import SendOrigin
from support.world import World, customer_phone


async def test_a_send_request_reaches_meta_once_with_our_request_id_and_is_accepted(
    world: World,
) -> None:
    account = await world.whatsapp_account()
    phone = customer_phone()
    await world.customer_writes(account, phone=phone)
    await world.window_open(account, phone)
    request = world.request(account, to=phone, text="Seu pedido #123 foi enviado")

    await world.send(request, tenant_id=account.company.tenant_id)

    outcome = await world.outcome(request.request_id)
    sent = await world.sent_to_sandbox(request.request_id)
    assert len(sent) == 1
    assert sent[0].phone_number_id == account.phone_number_id
    assert sent[0].body["text"]["body"] == "Seu pedido #123 foi enviado"
    assert sent[0].biz_opaque_callback_data == str(request.request_id)
    assert outcome["result"] == "accepted"
    assert outcome["external_message_id"] == sent[0].wamid
    assert outcome["attempts"] == 1
    assert outcome["origin"] == "campaign"
    assert outcome["origin_ref"] == request.origin_ref
    assert outcome["to"] == phone


async def test_a_request_of_the_platform_itself_is_sent_and_its_outcome_says_system(
    world: World,
) -> None:
    """The crm's confirmation of an opt-out keyword: origin system, no user behind it."""
    account = await world.whatsapp_account()
    phone = customer_phone()
    await world.customer_writes(account, phone=phone)
    await world.window_open(account, phone)
    request = world.request(account, to=phone, text="Pronto, você não receberá mais mensagens.")
    request = request.model_copy(
        update={"origin": SendOrigin.SYSTEM, "origin_ref": str(request.request_id)}
    )

    await world.send(request, tenant_id=account.company.tenant_id)

    outcome = await world.outcome(request.request_id)
    [sent] = await world.sent_to_sandbox(request.request_id)
    assert sent.body["text"]["body"] == "Pronto, você não receberá mais mensagens."
    assert outcome["result"] == "accepted"
    assert outcome["origin"] == "system"
    assert outcome["origin_ref"] == str(request.request_id)


async def test_a_redelivered_request_or_a_new_event_with_the_same_request_id_sends_once(
    world: World,
) -> None:
    account = await world.whatsapp_account()
    request = world.request(account, template="pedido_enviado")
    tenant = account.company.tenant_id

    event_id = await world.send(request, tenant_id=tenant)
    await world.send(request, tenant_id=tenant, event_id=event_id)  # the same event again
    await world.send(request, tenant_id=tenant)  # a new event, the same request id
    await world.outcome(request.request_id)
    # A fourth copy after the send ended must not start it again either.
    await world.send(request, tenant_id=tenant)
    later = world.request(account, template="pedido_enviado")
    await world.send(later, tenant_id=tenant)
    await world.outcome(later.request_id)  # everything before it on the partition was seen

    assert len(await world.sent_to_sandbox(request.request_id)) == 1
    assert len(world.outcomes_of(request.request_id)) == 1


async def test_sends_are_counted_in_the_metrics(world: World) -> None:
    account = await world.whatsapp_account()
    request = world.request(account, template="pedido_enviado")
    await world.send(request, tenant_id=account.company.tenant_id)
    await world.outcome(request.request_id)

    metrics = (await world.client.get("/metrics")).text

    assert 'mia_sender_sends_total{channel="whatsapp_cloud",code="",result="accepted"}' in metrics
    assert "mia_sender_provider_call_seconds_bucket" in metrics
