"""A customer's erasure in the sender: the finished sends to their addresses lose the
recipient and the content, once; other people's and other tenants' sends keep theirs."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import orjson
from sqlalchemy import select

from mia_common.contracts import Envelope
from mia_common.contracts.contacts import ContactErased
from mia_common.testing import wait_until
from mia_sender.erasure.handlers import erase, handle_contact_record
from mia_sender.models import Send
from support.world import Company, World, customer_phone


def erasure(
    tenant_id: uuid.UUID, *, phones: list[str], user_ids: tuple[str, ...] = ()
) -> Envelope[ContactErased]:
    return Envelope[ContactErased](
        type="contact.erased",
        source="/services/crm",
        tenantid=tenant_id,
        data=ContactErased(
            contact_id=uuid.uuid4(),
            phones=phones,
            channel_user_ids=list(user_ids),
            occurred_at=datetime.now(UTC),
        ),
    )


async def sent(world: World, request_id: uuid.UUID) -> Send:
    async with world.app.state.context.infra.sessions() as session:
        return (await session.scalars(select(Send).where(Send.request_id == request_id))).one()


async def test_the_send_log_forgets_the_erased_person_only(world: World) -> None:
    account = await world.whatsapp_account()
    tenant_id = account.company.tenant_id
    person, other = customer_phone(), customer_phone()
    theirs = world.request(account, to=person, template="pedido")
    kept = world.request(account, to=other, template="pedido")
    for request in (theirs, kept):
        await world.send(request, tenant_id=tenant_id)
        assert (await world.outcome(request.request_id))["result"] == "accepted"
    event = erasure(tenant_id, phones=[person])

    await handle_contact_record(
        world.app.state.context.infra.sessions, orjson.dumps(event.to_json_dict())
    )
    again = await erase(world.app.state.context.infra.sessions, event)

    assert again == 0, "a redelivery changes nothing"
    forgotten = await sent(world, theirs.request_id)
    assert forgotten.recipient is None
    assert forgotten.recipient_key == "erased"
    assert forgotten.content == {"type": "erased"}
    assert forgotten.state == "accepted"
    assert forgotten.external_message_id is not None
    untouched = await sent(world, kept.request_id)
    assert untouched.recipient == other
    assert untouched.content["name"] == "pedido"


async def test_a_further_part_of_an_erasure_carrying_only_media_changes_nothing(
    world: World,
) -> None:
    account = await world.whatsapp_account()
    tenant_id = account.company.tenant_id
    kept = world.request(account, to=customer_phone(), template="pedido")
    await world.send(kept, tenant_id=tenant_id)
    await world.outcome(kept.request_id)
    event = erasure(tenant_id, phones=[])
    media_only = event.model_copy(
        update={"data": event.data.model_copy(update={"part": 2, "parts": 2})}
    )

    assert await erase(world.app.state.context.infra.sessions, media_only) == 0
    assert (await sent(world, kept.request_id)).recipient == kept.to


async def test_another_tenants_sends_to_the_same_number_are_kept(world: World) -> None:
    account = await world.whatsapp_account()
    person = customer_phone()
    request = world.request(account, to=person, template="pedido")
    await world.send(request, tenant_id=account.company.tenant_id)
    await world.outcome(request.request_id)

    emptied = await erase(
        world.app.state.context.infra.sessions, erasure(Company().tenant_id, phones=[person])
    )

    assert emptied == 0
    assert (await sent(world, request.request_id)).recipient == person


async def test_sends_to_a_channel_user_id_are_forgotten_too(world: World) -> None:
    account = await world.whatsapp_account()
    request = world.request(account, to_user_id="BR.1234567890", template="pedido")
    await world.send(request, tenant_id=account.company.tenant_id)
    await world.outcome(request.request_id)

    emptied = await erase(
        world.app.state.context.infra.sessions,
        erasure(account.company.tenant_id, phones=[], user_ids=("BR.1234567890",)),
    )

    assert emptied == 1
    assert (await sent(world, request.request_id)).recipient_user_id is None


async def test_an_erasure_on_the_contacts_topic_empties_the_persons_sends(world: World) -> None:
    account = await world.whatsapp_account()
    person = customer_phone()
    request = world.request(account, to=person, template="pedido")
    await world.send(request, tenant_id=account.company.tenant_id)
    assert (await world.outcome(request.request_id))["result"] == "accepted"
    event = erasure(account.company.tenant_id, phones=[person])

    context = world.app.state.context
    await context.infra.broker.publish(
        event.to_json_dict(),
        context.settings.contacts_topic,
        key=str(event.data.contact_id).encode(),
    )

    async def forgotten() -> bool:
        return (await sent(world, request.request_id)).recipient is None

    await wait_until(forgotten, timeout=30, message="the send log forgot the person")
