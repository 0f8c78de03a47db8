"""An inbound message from a Brazilian mobile written the other way finds the contact."""

from __future__ import annotations

from support.world import World


async def test_a_mobile_without_its_ninth_digit_reaches_the_contact_that_has_it(
    world: World,
) -> None:
    first = await world.deliver(phone="+5511987650001", name="Ana", text="com nove")

    # WhatsApp reports older accounts by the eight-digit form (wa_id 551187650001).
    second = await world.deliver(phone="+551187650001", name="Ana", text="sem nove")

    assert second.conversation_id == first.conversation_id
    contacts = (await world.get("/api/v1/contacts"))["items"]
    assert [c["phone"] for c in contacts] == ["+5511987650001"], "the contact keeps its form"


async def test_a_mobile_with_its_ninth_digit_reaches_the_contact_known_without_it(
    world: World,
) -> None:
    first = await world.deliver(phone="+552187650002", text="sem nove")

    second = await world.deliver(phone="+5521987650002", text="com nove")

    assert second.conversation_id == first.conversation_id
    assert len((await world.get("/api/v1/contacts"))["items"]) == 1


async def test_a_landline_and_a_nine_digit_number_are_two_people(world: World) -> None:
    landline = await world.deliver(phone="+551134560003", text="fixo")

    mobile = await world.deliver(phone="+5511934560003", text="celular")

    assert mobile.conversation_id != landline.conversation_id
    assert len((await world.get("/api/v1/contacts"))["items"]) == 2


async def test_a_batch_with_both_forms_makes_one_contact(world: World) -> None:
    await world.publish_together(
        world.settings.inbound_topic,
        [
            (world.inbound(phone="+5531987650004", text="one"), str(world.tenant_id)),
            (world.inbound(phone="+553187650004", text="two"), str(world.tenant_id)),
        ],
    )
    last = world.inbound(phone="+553187650004", text="three")
    await world.publish(world.settings.inbound_topic, last)
    stored = await world.stored(last.data.external_message_id)

    assert len(await world.messages(stored.conversation_id)) == 3
    assert len((await world.get("/api/v1/contacts"))["items"]) == 1
