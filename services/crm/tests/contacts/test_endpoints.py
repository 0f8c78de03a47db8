"""The contacts API: list and search, read with conversations, edit with validation."""

from __future__ import annotations

import uuid

from support.world import World


async def test_contacts_are_listed_newest_first_and_found_by_name_or_phone(world: World) -> None:
    ana = await world.deliver(phone="+5511987650001", name="Ana Paula")
    bruno = await world.deliver(phone="+5521912340002", name="Bruno")
    carla = await world.deliver(phone=None, user_id="BR.carla", name="Carla")
    contact_of = {
        m.external_message_id: (await world.conversation_of(m))["contact"]["id"]
        for m in (ana, bruno, carla)
    }

    first = await world.get("/api/v1/contacts", limit=2)
    rest = await world.get("/api/v1/contacts", limit=2, cursor=first["next_cursor"])
    listed = [c["id"] for c in first["items"] + rest["items"]]
    assert listed == [contact_of[m.external_message_id] for m in (carla, bruno, ana)]
    assert rest["next_cursor"] is None

    async def search(q: str) -> list[str]:
        return [c["name"] for c in (await world.get("/api/v1/contacts", q=q))["items"]]

    assert await search("paula") == ["Ana Paula"]
    assert await search("+55 21 9123") == ["Bruno"]
    assert await search("98765") == ["Ana Paula"]
    assert await search("BR.carla") == ["Carla"]
    assert await search("zzz") == []


async def test_a_contact_is_read_with_its_conversations(world: World) -> None:
    on_one_number = await world.deliver(phone="+5511987650003")
    on_another = await world.deliver(phone="+5511987650003", account_id=uuid.uuid4())
    contact_id = (await world.conversation_of(on_one_number))["contact"]["id"]

    contact = await world.get(f"/api/v1/contacts/{contact_id}")

    assert contact["phone"] == "+5511987650003"
    assert {c["id"] for c in contact["conversations"]} == {
        str(on_one_number.conversation_id),
        str(on_another.conversation_id),
    }


async def test_editing_a_contact_validates_name_and_email(world: World) -> None:
    message = await world.deliver(name="ana")
    contact_id = (await world.conversation_of(message))["contact"]["id"]
    url = f"/api/v1/contacts/{contact_id}"

    edited = await world.client.patch(
        url,
        json={"name": "  Ana   Souza ", "email": "Ana@Example.com"},
        headers=world.agent.headers,
    )
    assert edited.status_code == 200, edited.text
    assert (edited.json()["name"], edited.json()["email"]) == ("Ana Souza", "ana@example.com")
    kept = await world.client.patch(url, json={"email": None}, headers=world.agent.headers)
    assert (kept.json()["name"], kept.json()["email"]) == ("Ana Souza", None)

    for body in ({"email": "not-an-email"}, {"name": "   "}, {"name": "x" * 257}, {"phone": "1"}):
        refused = await world.client.patch(url, json=body, headers=world.agent.headers)
        assert refused.status_code == 422, (body, refused.text)
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["errors"]
    later = await world.deliver(name="Someone Else")
    assert (await world.conversation_of(later))["contact"]["name"] == "Ana Souza", (
        "a name the team gave wins over the profile name"
    )


async def test_unknown_contacts_are_not_found(world: World) -> None:
    response = await world.client.get(
        f"/api/v1/contacts/{uuid.uuid4()}", headers=world.agent.headers
    )
    assert response.status_code == 404
    assert response.json()["code"] == "contact_not_found"
