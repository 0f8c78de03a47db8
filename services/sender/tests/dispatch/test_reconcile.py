"""A send whose provider answer was lost is never called again blindly: it waits, as
'unknown', for a status naming its request id, and is sent again only if none comes
within the reconcile window."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from mia_common.contracts import SendRequest
from mia_common.testing import wait_until
from mia_sender.dispatch.intake import recipient_key
from mia_sender.models import Send
from support.world import Account, World


async def left_sending(world: World, account: Account, request: SendRequest) -> datetime:
    """The row a dispatcher killed right after marking the send 'sending' leaves behind."""
    started = datetime.now(UTC)
    async with world.session_factory() as session, session.begin():
        session.add(
            Send(
                request_id=request.request_id,
                tenant_id=account.company.tenant_id,
                channel_account_id=account.id,
                channel="whatsapp_cloud",
                recipient=request.to,
                recipient_key=recipient_key(request.to, request.to_user_id),
                content=request.content.model_dump(mode="json"),
                origin=request.origin.value,
                origin_ref=request.origin_ref,
                state="sending",
                attempts=1,
                next_attempt_at=started,
                sending_started_at=started,
            )
        )
    world.app.state.context.scheduler.notify(account.id)
    return started


async def state_of(world: World, request_id: uuid.UUID) -> str:
    row = await world.send_row(request_id)
    return "" if row is None else str(row.state)


async def test_a_send_left_sending_becomes_unknown_and_a_status_settles_it_unsent(
    world: World,
) -> None:
    account = await world.whatsapp_account()
    request = world.request(account, template="pedido_enviado")
    await left_sending(world, account, request)

    await _wait_state(world, request.request_id, "unknown")
    assert await world.sent_to_sandbox(request.request_id) == []

    await world.status(
        account, wamid="wamid.settled-by-status", request_id=request.request_id, to=request.to or ""
    )

    outcome = await world.outcome(request.request_id)
    assert outcome["result"] == "accepted"
    assert outcome["external_message_id"] == "wamid.settled-by-status"
    assert outcome["attempts"] == 1
    assert await world.sent_to_sandbox(request.request_id) == []


async def test_without_a_status_within_the_window_the_send_goes_again_once(
    world: World,
) -> None:
    account = await world.whatsapp_account()
    request = world.request(account, template="pedido_enviado")
    started = await left_sending(world, account, request)
    await _wait_state(world, request.request_id, "unknown")
    assert await world.sent_to_sandbox(request.request_id) == []

    outcome = await world.outcome(request.request_id, timeout=30)

    assert (outcome["result"], outcome["attempts"]) == ("accepted", 2)
    [sent] = await world.sent_to_sandbox(request.request_id)
    waited = (sent.accepted_at - started).total_seconds()
    assert waited >= world.settings.reconcile_window_seconds
    assert len(world.outcomes_of(request.request_id)) == 1


async def test_a_call_that_hangs_past_the_timeout_is_not_resent_and_its_status_settles_it(
    world: World,
) -> None:
    account = await world.whatsapp_account()
    # Meta takes the message but answers after our client gave up.
    await world.sandbox.client.add_fault(
        "timeout",
        phone_number_id=account.phone_number_id,
        hold_seconds=world.settings.provider_timeout_seconds + 1,
        accept_after_hold=True,
        count=1,
    )
    request = world.request(account, template="pedido_enviado")

    await world.send(request, tenant_id=account.company.tenant_id)

    await _wait_state(world, request.request_id, "unknown")
    [sent] = await world.sandbox.client.wait_for(
        lambda: world.sent_to_sandbox(request.request_id), message="Meta accepted it late"
    )
    # What meta-ingest publishes when Meta's 'sent' status webhook arrives.
    await world.status(
        account, wamid=sent.wamid, request_id=request.request_id, to=request.to or ""
    )

    outcome = await world.outcome(request.request_id)
    assert outcome["result"] == "accepted"
    assert outcome["external_message_id"] == sent.wamid
    assert outcome["attempts"] == 1
    row = await world.send_row(request.request_id)
    assert row.state == "accepted"  # terminal: the reconcile window can no longer resend it
    assert len(await world.sent_to_sandbox(request.request_id)) == 1


async def test_a_status_for_someone_elses_callback_data_is_ignored(world: World) -> None:
    account = await world.whatsapp_account()
    sent = world.request(account, template="pedido_enviado")
    await world.send(sent, tenant_id=account.company.tenant_id)
    first = await world.outcome(sent.request_id)

    # A later status of the same message (delivered) settles nothing more.
    await world.status(
        account, wamid=first["external_message_id"], request_id=sent.request_id, to=sent.to or ""
    )
    context = world.app.state.context
    from mia_common.contracts import Envelope, MessageStatus
    from mia_sender.dispatch.handlers import handle_statuses

    status = MessageStatus(
        channel="whatsapp_cloud",
        channel_account_id=account.id,
        external_message_id="wamid.x",
        recipient="+5511999990000",
        status="sent",
        occurred_at=datetime.now(UTC),
        send_request_id="not-a-uuid-from-another-integration",
    )
    envelope = Envelope[MessageStatus](
        type="messages.status.v1",
        source="/tests",
        tenantid=account.company.tenant_id,
        data=status,
    )
    assert await handle_statuses(context, [envelope]) == 0
    assert len(world.outcomes_of(sent.request_id)) == 1


async def _is(world: World, request_id: uuid.UUID, state: str) -> bool:
    return await state_of(world, request_id) == state


async def _wait_state(world: World, request_id: uuid.UUID, state: str) -> None:
    await wait_until(lambda: _is(world, request_id, state), message=f"the send in state {state!r}")
