"""Two contacts found to be one person: the survivor takes the absorbed one's consent,
an opt-out winning over an opt-in, with the whole ledger."""

from __future__ import annotations

import uuid

from mia_common.db import unit_of_work
from mia_crm.consent.service import merge_consent
from support.consent import contact_events, set_consent
from support.world import World


async def contact_of(world: World, phone: str) -> str:
    message = await world.deliver(phone=phone)
    return str((await world.conversation_of(message))["contact"]["id"])


async def test_the_survivor_takes_the_absorbed_consent_and_an_opt_out_wins(world: World) -> None:
    survivor = await contact_of(world, "+5511911110001")
    absorbed = await contact_of(world, "+5511911110002")
    await set_consent(world, survivor, {"channel": "whatsapp", "status": "opted_in"})
    await set_consent(world, absorbed, {"channel": "whatsapp", "status": "opted_out"})
    await set_consent(world, absorbed, {"channel": "sms", "status": "opted_in"})
    await set_consent(world, survivor, {"channel": "email", "status": "opted_in"})

    async with unit_of_work(world.app.state.context.infra.sessions) as session:
        await merge_consent(
            session,
            tenant_id=world.tenant_id,
            survivor_id=uuid.UUID(survivor),
            absorbed_id=uuid.UUID(absorbed),
            contacts_topic=world.settings.contacts_topic,
        )

    consent = await world.get(f"/api/v1/contacts/{survivor}/consent")
    assert {c["channel"]: c["status"] for c in consent["channels"]} == {
        "whatsapp": "opted_out",
        "sms": "opted_in",
        "email": "opted_in",
    }
    # The four changes of both, and the two the merge made.
    assert len(consent["history"]["items"]) == 6
    assert (await world.get(f"/api/v1/contacts/{absorbed}/consent"))["history"]["items"] == []

    def survivor_opted_out(envelope: dict[str, object]) -> bool:
        data = envelope["data"]
        assert isinstance(data, dict)
        return (
            data.get("contact_id") == survivor
            and data.get("channel") == "whatsapp"
            and data.get("status") == "opted_out"
        )

    assert await contact_events(world, until=survivor_opted_out)
