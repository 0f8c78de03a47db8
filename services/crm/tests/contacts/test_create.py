"""Creating a contact by hand: phone in E.164 with the tenant's country, no duplicates."""

from __future__ import annotations

from support.world import World


async def test_a_contact_is_created_with_its_profile_tags_and_fields(world: World) -> None:
    tag = (await world.send("POST", "/api/v1/tags", {"name": "vip"})).json()
    await world.send(
        "POST", "/api/v1/custom-fields", {"key": "score", "label": "Score", "kind": "number"}
    )
    owner = world.caller()

    created = await world.send(
        "POST",
        "/api/v1/contacts",
        {
            "name": "  Ana  Souza ",
            "phone": "(11) 98765-4301",
            "email": "Ana@Example.com",
            "owner_user_id": str(owner.user_id),
            "lifecycle_stage": "lead",
            "source": "fair",
            "language": "pt-br",
            "fields": {"score": 10},
            "tag_ids": [tag["id"]],
        },
        caller=world.manager,  # an agent names only themselves as the owner
    )

    assert created.status_code == 201, created.text
    contact = created.json()
    assert (contact["name"], contact["phone"], contact["email"]) == (
        "Ana Souza",
        "+5511987654301",
        "ana@example.com",
    )
    assert (contact["language"], contact["fields"]) == ("pt-BR", {"score": 10})
    assert [t["name"] for t in contact["tags"]] == ["vip"]
    assert (contact["time_zone"], contact["time_zone_derived"]) == ("America/Sao_Paulo", True)
    assert (await world.get(f"/api/v1/contacts/{contact['id']}"))["tags"] == contact["tags"]
    [event] = await world.contact_events(
        contact["id"], until=lambda e: e["type"] == "contact.created"
    )
    assert event["data"]["contact"]["tags"] == ["vip"]
    assert {"phone", "fields.score", "tags"} <= set(event["data"]["changed"])

    # A message from that number finds the contact made by hand.
    message = await world.deliver(phone="+5511987654301", name="Profile name")
    assert await world.contact_id_of(message) == contact["id"]


async def test_a_phone_user_id_or_email_already_a_contacts_is_a_conflict(world: World) -> None:
    existing = await world.contact_id_of(await world.deliver(phone="+5511987650301"))
    by_email = (await world.send("POST", "/api/v1/contacts", {"email": "bia@example.com"})).json()[
        "id"
    ]

    for body, contact_id in [
        ({"phone": "11 98765-0301"}, existing),
        ({"phone": "+55 11 98765 0301", "name": "x"}, existing),
        ({"email": "BIA@example.com"}, by_email),
    ]:
        refused = await world.send("POST", "/api/v1/contacts", body)
        assert refused.status_code == 409, body
        assert (refused.json()["code"], refused.json()["contact_id"]) == (
            "contact_exists",
            contact_id,
        )


async def test_a_contact_needs_an_identifier_and_a_phone_some_country_has(world: World) -> None:
    for body, code in [
        ({"name": "nobody"}, "contact_identifier_required"),
        ({"phone": "12"}, "invalid_phone"),
        ({"phone": "+5511987650311", "time_zone": "Nowhere"}, "invalid_time_zone"),
        ({"phone": "+5511987650312", "fields": {"nope": 1}}, "invalid_field_value"),
    ]:
        refused = await world.send("POST", "/api/v1/contacts", body)
        assert (refused.status_code, refused.json()["code"]) == (422, code), body
    assert (await world.get("/api/v1/contacts"))["items"] == []


async def test_another_tenants_contacts_do_not_conflict(world: World) -> None:
    await world.deliver(phone="+5511987650321")
    stranger = world.stranger()

    theirs = await world.send(
        "POST", "/api/v1/contacts", {"phone": "+5511987650321"}, caller=stranger
    )

    assert theirs.status_code == 201, theirs.text


async def test_a_phone_without_country_code_is_read_in_the_tenants_country(world: World) -> None:
    saved = await world.send(
        "PUT", "/api/v1/crm/settings", {"default_country": "US"}, caller=world.manager
    )
    assert saved.status_code == 200, saved.text

    created = await world.send("POST", "/api/v1/contacts", {"phone": "(212) 555-0100"})

    assert created.status_code == 201, created.text
    assert created.json()["phone"] == "+12125550100"
    assert created.json()["time_zone"] == "America/New_York"
