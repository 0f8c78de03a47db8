"""Erasure: no trace of the person's phone, name or messages is left in any crm table,
the other services are told (contact.erased with the addresses), and only owners and
admins may ask."""

from __future__ import annotations

import random
import uuid
from typing import Any

import orjson
import pytest
from sqlalchemy import text

from mia_common.contracts import ChannelError, MediaRef, MessageKind
from mia_common.identity import Role
from mia_common.messaging.erasure import ERASED_MEDIA_PER_PART
from mia_common.testing import wait_until
from support.consent import contact_events, set_consent
from support.world import World

TEXT_TYPES = ("text", "character varying", "jsonb", "json", "character")


async def traces(world: World, needles: list[str]) -> list[tuple[str, str, str]]:
    """(table, column, needle) for every text or JSON column of every crm table holding one
    of ``needles``, found by reading the database's own catalogue: a table added later is
    searched too."""
    found = []
    async with world.app.state.context.infra.sessions() as session:
        columns = (
            await session.execute(
                text(
                    "SELECT table_name, column_name FROM information_schema.columns"
                    " WHERE table_schema = current_schema() AND data_type = ANY(:types)"
                    " AND table_name <> 'alembic_version'"
                ),
                {"types": list(TEXT_TYPES)},
            )
        ).all()
        assert any(table == "messages" for table, _ in columns)
        for table, column in columns:
            for needle in needles:
                hits = await session.scalar(
                    text(
                        # Names from the database's catalogue, not from input.
                        f'SELECT count(*) FROM "{table}" WHERE "{column}"::text ILIKE :needle'  # noqa: S608
                        # The erasure's own event carries the addresses, by design, for the
                        # other services; nothing else may.
                        + (
                            " AND payload->>'type' <> 'contact.erased'"
                            if table == "outbox_events"
                            else ""
                        )
                    ),
                    {"needle": f"%{needle}%"},
                )
                if hits:
                    found.append((table, column, needle))
    return found


def a_phone() -> str:
    return "+55119" + "".join(random.choices("0123456789", k=8))


async def a_person_with_history(world: World) -> dict[str, Any]:
    """A contact with messages both ways, a note, tags, a custom field, a consent note."""
    marker = uuid.uuid4().hex[:10]
    person = {
        "phone": a_phone(),
        "name": f"Zuleica {marker}",
        "said": f"meu pedido {marker} chegou quebrado",
        "email": f"zuleica.{marker}@example.com",
    }
    inbound = await world.deliver(phone=person["phone"], name=person["name"], text=person["said"])
    conversation = await world.conversation_of(inbound)
    contact_id = conversation["contact"]["id"]
    edited = await world.client.patch(
        f"/api/v1/contacts/{contact_id}",
        json={"email": person["email"]},
        headers=world.agent.headers,
    )
    assert edited.status_code == 200, edited.text
    reply = await world.reply(
        conversation["id"], {"type": "text", "text": f"Sinto muito, {person['name']}!"}
    )
    assert reply.status_code == 202, reply.text
    # The channel's answer, quoting the number (Meta's error texts do).
    await world.outcome(
        message_id=uuid.UUID(reply.json()["id"]),
        external_id=None,
        accepted=False,
        to=person["phone"],
        error=ChannelError(
            code="131026",
            title=f"{person['phone']} is not on WhatsApp",
            detail=f"cannot deliver to {person['phone']}",
            permanent=True,
        ),
    )

    async def failed() -> bool:
        message = await world.message(conversation["id"], reply.json()["id"])
        return bool(message["status"] == "failed")

    await wait_until(failed, timeout=30, message="the reply failed")
    note = await world.client.post(
        f"/api/v1/inbox/conversations/{conversation['id']}/notes",
        json={"text": f"{person['name']} ligou, tel {person['phone']}"},
        headers=world.agent.headers,
    )
    assert note.status_code == 201, note.text
    await set_consent(
        world,
        contact_id,
        {"channel": "whatsapp", "status": "opted_in", "note": f"{person['name']} pediu"},
    )
    pipeline = await world.client.post(
        "/api/v1/pipelines", json={"name": f"Vendas {marker}"}, headers=world.manager.headers
    )
    assert pipeline.status_code == 201, pipeline.text
    lead = await world.client.post(
        "/api/v1/leads",
        json={
            "contact_id": contact_id,
            "pipeline_id": pipeline.json()["id"],
            "title": f"Pedido de {person['name']}",
            "conversation_id": conversation["id"],
        },
        headers=world.agent.headers,
    )
    assert lead.status_code == 201, lead.text
    async with world.app.state.context.infra.sessions() as session, session.begin():
        await session.execute(
            text("UPDATE contacts SET fields = CAST(:fields AS jsonb) WHERE id = :id"),
            {"fields": f'{{"nickname": "{person["name"]}"}}', "id": contact_id},
        )
        tag_id = uuid.uuid4()
        await session.execute(
            text("INSERT INTO tags (id, tenant_id, name, color) VALUES (:id, :t, :n, '#aa0000')"),
            {"id": tag_id, "t": world.tenant_id, "n": f"vip {marker}"},
        )
        await session.execute(
            text("INSERT INTO contact_tags (contact_id, tag_id, tenant_id) VALUES (:c, :tag, :t)"),
            {"c": contact_id, "tag": tag_id, "t": world.tenant_id},
        )
    return {
        **person,
        "contact_id": contact_id,
        "conversation_id": conversation["id"],
        "lead_id": lead.json()["id"],
    }


async def test_erasure_leaves_no_trace_of_the_persons_phone_name_or_messages(
    world: World,
) -> None:
    person = await a_person_with_history(world)
    needles = [
        person["phone"],
        person["phone"][1:],
        person["name"],
        person["said"],
        person["email"],
    ]
    assert len(await traces(world, needles)) >= 5, "the person is there before"

    response = await world.client.post(
        f"/api/v1/contacts/{person['contact_id']}/erase", headers=world.caller(Role.admin).headers
    )

    assert response.status_code == 202, response.text
    assert response.json()["messages"] == 2
    assert response.json()["leads"] == 1
    assert await traces(world, needles) == []
    contact = await world.get(f"/api/v1/contacts/{person['contact_id']}")
    assert contact["name"] is None
    assert contact["phone"] is None
    thread = await world.messages(person["conversation_id"])
    assert len(thread) == 2
    assert all(message["text"] is None for message in thread)
    lead = await world.get(f"/api/v1/leads/{person['lead_id']}")
    assert lead["title"] == "(erased)"
    assert lead["contact_id"] == person["contact_id"], "the deal stays on the board"
    notes = await world.get(f"/api/v1/inbox/conversations/{person['conversation_id']}/notes")
    assert notes["items"] == []
    consent = await world.get(f"/api/v1/contacts/{person['contact_id']}/consent")
    [entry] = consent["history"]["items"]
    assert entry["status"] == "opted_in"
    assert entry["note"] is None


async def test_erasure_tells_the_other_services_with_the_addresses(world: World) -> None:
    person = await a_person_with_history(world)
    admin = world.caller(Role.owner)

    response = await world.client.post(
        f"/api/v1/contacts/{person['contact_id']}/erase", headers=admin.headers
    )
    assert response.status_code == 202, response.text

    def erased(envelope: dict[str, Any]) -> bool:
        return envelope["type"] == "contact.erased"

    [event] = [e for e in await contact_events(world, until=erased) if erased(e)]
    assert event["subject"] == person["contact_id"]
    assert event["data"]["contact_id"] == person["contact_id"]
    assert event["data"]["phones"] == [person["phone"]]
    assert event["data"]["emails"] == [person["email"]]
    assert event["data"]["requested_by_user_id"] == str(admin.user_id)


async def test_a_customer_writing_again_after_erasure_is_a_new_contact(world: World) -> None:
    person = await a_person_with_history(world)
    await world.client.post(
        f"/api/v1/contacts/{person['contact_id']}/erase", headers=world.caller(Role.admin).headers
    )

    again = await world.deliver(phone=person["phone"], text="oi de novo")

    conversation = await world.conversation_of(again)
    assert conversation["contact"]["id"] != person["contact_id"]


async def test_erasure_names_each_file_the_person_sent_with_its_channel_account(
    world: World,
) -> None:
    person = await a_person_with_history(world)
    photo, voice, other_number = (f"media.{uuid.uuid4().hex}" for _ in range(3))

    def image(media_id: str) -> MediaRef:
        return MediaRef(media_id=media_id, mime_type="image/jpeg", caption="a foto")

    for media_id in (photo, photo, voice):
        await world.deliver(
            phone=person["phone"], kind=MessageKind.IMAGE, text=None, media=image(media_id)
        )
    # The same person on the tenant's second number: another conversation.
    second_account = uuid.uuid4()
    await world.deliver(
        phone=person["phone"],
        account_id=second_account,
        kind=MessageKind.IMAGE,
        text=None,
        media=image(other_number),
    )
    # A file the team sent (meta-ingest keeps no copy of it; others may have got it too).
    sent = await world.reply(
        person["conversation_id"], {"type": "media", "kind": "image", "media_id": "catalogue-1"}
    )
    assert sent.status_code == 202, sent.text
    # Another customer's file stays out of it.
    await world.deliver(
        phone=a_phone(), kind=MessageKind.IMAGE, text=None, media=image("someone-else")
    )

    response = await world.client.post(
        f"/api/v1/contacts/{person['contact_id']}/erase", headers=world.caller(Role.admin).headers
    )
    assert response.status_code == 202, response.text

    def erased(envelope: dict[str, Any]) -> bool:
        return bool(
            envelope["type"] == "contact.erased" and envelope["subject"] == person["contact_id"]
        )

    [event] = [e for e in await contact_events(world, until=erased) if erased(e)]
    listed = {(item["channel_account_id"], item["media_id"]) for item in event["data"]["media"]}
    assert listed == {
        (str(world.account_id), photo),
        (str(world.account_id), voice),
        (str(second_account), other_number),
    }
    assert len(event["data"]["media"]) == len(listed), "each file once"
    thread = await world.messages(person["conversation_id"])
    assert all(message["media"] is None for message in thread), "read before emptied"


@pytest.mark.parametrize("role", [Role.agent, Role.manager])
async def test_only_owners_and_admins_may_erase(world: World, role: Role) -> None:
    person = await a_person_with_history(world)

    response = await world.client.post(
        f"/api/v1/contacts/{person['contact_id']}/erase", headers=world.caller(role).headers
    )

    assert response.status_code == 403
    assert (await world.get(f"/api/v1/contacts/{person['contact_id']}"))["name"] == person["name"]


async def test_another_tenant_cannot_erase_a_contact(world: World) -> None:
    person = await a_person_with_history(world)

    response = await world.client.post(
        f"/api/v1/contacts/{person['contact_id']}/erase", headers=world.stranger(Role.owner).headers
    )

    assert response.status_code == 404
    assert response.json()["code"] == "contact_not_found"
    assert (await world.get(f"/api/v1/contacts/{person['contact_id']}"))["name"] == person["name"]


async def test_a_person_with_thousands_of_files_is_announced_in_several_small_records(
    world: World,
) -> None:
    person = await a_person_with_history(world)
    many = ERASED_MEDIA_PER_PART + 10
    # Their files, as the inbound path stores them (straight in: thousands of deliveries
    # would only be slow).
    async with world.app.state.context.infra.sessions() as session, session.begin():
        await session.execute(
            text(
                "INSERT INTO messages (id, tenant_id, conversation_id, channel_account_id,"
                " direction, kind, media, extra, status_timeline, occurred_at, created_at,"
                " updated_at)"
                " SELECT gen_random_uuid(), c.tenant_id, c.id, c.channel_account_id, 'in',"
                " 'image', jsonb_build_object('media_id', 'media.' || n, 'mime_type',"
                " 'image/jpeg'), '{}', '[]', now(), now(), now()"
                " FROM conversations c, generate_series(1, :many) n WHERE c.id = :conversation"
            ),
            {"many": many, "conversation": uuid.UUID(person["conversation_id"])},
        )

    response = await world.client.post(
        f"/api/v1/contacts/{person['contact_id']}/erase", headers=world.caller(Role.admin).headers
    )
    assert response.status_code == 202, response.text

    def erased(envelope: dict[str, Any]) -> bool:
        return bool(
            envelope["type"] == "contact.erased" and envelope["subject"] == person["contact_id"]
        )

    def last_part(envelope: dict[str, Any]) -> bool:
        return erased(envelope) and envelope["data"]["part"] == envelope["data"]["parts"]

    parts = [e["data"] for e in await contact_events(world, until=last_part) if erased(e)]
    assert [(p["part"], p["parts"]) for p in parts] == [(1, 2), (2, 2)]
    assert parts[0]["phones"] == [person["phone"]]
    assert parts[1]["phones"] == []
    listed = [item["media_id"] for p in parts for item in p["media"]]
    assert sorted(listed) == sorted(f"media.{n}" for n in range(1, many + 1))
    assert all(len(orjson.dumps(p)) < 512 * 1024 for p in parts)
