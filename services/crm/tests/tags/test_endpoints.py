"""The tags API: per tenant, coloured, one name per tenant whatever its case; on contacts."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

import mia_crm.tags.deletion as tag_deletion
from support.bulk_jobs import finished
from support.world import World


async def _tag(world: World, name: str, color: str = "#22C55E") -> dict[str, Any]:
    response = await world.send("POST", "/api/v1/tags", {"name": name, "color": color})
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_tags_are_created_listed_by_name_and_searched(world: World) -> None:
    made = [await _tag(world, name) for name in ("vip", "Atacado", "b2b", "Black Friday")]
    assert made[0]["color"] == "#22c55e", "colours are answered in lower case"

    first = await world.get("/api/v1/tags", limit=3)
    rest = await world.get("/api/v1/tags", limit=3, cursor=first["next_cursor"])
    names = [t["name"] for t in first["items"] + rest["items"]]
    assert names == ["Atacado", "b2b", "Black Friday", "vip"]
    assert rest["next_cursor"] is None
    found = await world.get("/api/v1/tags", q="fri")
    assert [t["name"] for t in found["items"]] == ["Black Friday"]


async def test_a_tag_name_is_unique_in_a_tenant_whatever_its_case(world: World) -> None:
    vip = await _tag(world, "VIP")

    again = await world.send("POST", "/api/v1/tags", {"name": " vip "})
    assert again.status_code == 409
    assert again.json()["code"] == "tag_name_taken"
    assert again.json()["tag_id"] == vip["id"]
    other = await _tag(world, "gold")
    clash = await world.send("PATCH", f"/api/v1/tags/{other['id']}", {"name": "Vip"})
    assert (clash.status_code, clash.json()["tag_id"]) == (409, vip["id"])
    # Another tenant may have its own "VIP".
    stranger = world.stranger()
    theirs = await world.send("POST", "/api/v1/tags", {"name": "VIP"}, caller=stranger)
    assert theirs.status_code == 201


async def test_invalid_tags_are_refused_naming_the_field(world: World) -> None:
    for body in ({"name": "  "}, {"name": "x" * 65}, {"name": "a", "color": "green"}):
        refused = await world.send("POST", "/api/v1/tags", body)
        assert refused.status_code == 422, body
        assert refused.json()["errors"][0]["loc"][-1] in ("name", "color")


async def test_a_tag_is_renamed_and_recoloured(world: World) -> None:
    tag = await _tag(world, "lead quente")

    edited = await world.send(
        "PATCH", f"/api/v1/tags/{tag['id']}", {"name": "Lead Quente", "color": "#FF0000"}
    )

    assert edited.status_code == 200, edited.text
    assert (edited.json()["name"], edited.json()["color"]) == ("Lead Quente", "#ff0000")
    assert (await world.get(f"/api/v1/tags/{tag['id']}"))["name"] == "Lead Quente"


async def test_tags_are_put_on_and_taken_off_a_contact(world: World) -> None:
    contact_id = await world.contact_id_of(await world.deliver(name="Ana"))
    vip, gold, silver = [await _tag(world, name) for name in ("vip", "gold", "silver")]

    one = await world.send("PUT", f"/api/v1/contacts/{contact_id}/tags/{vip['id']}")
    assert one.status_code == 200, one.text
    many = await world.send(
        "POST", f"/api/v1/contacts/{contact_id}/tags", {"tag_ids": [gold["id"], vip["id"]]}
    )
    assert [t["name"] for t in many.json()["tags"]] == ["gold", "vip"]
    off = await world.send("DELETE", f"/api/v1/contacts/{contact_id}/tags/{vip['id']}")
    assert [t["name"] for t in off.json()["tags"]] == ["gold"]

    detail = await world.get(f"/api/v1/contacts/{contact_id}")
    assert detail["tags"] == [{"id": gold["id"], "name": "gold", "color": "#22c55e"}]
    listed = await world.get("/api/v1/contacts", tag_id=[gold["id"], silver["id"]])
    assert [c["id"] for c in listed["items"]] == [contact_id]
    assert (await world.get("/api/v1/contacts", tag_id=silver["id"]))["items"] == []


async def test_tag_changes_are_published_and_a_no_op_is_not(world: World) -> None:
    contact_id = await world.contact_id_of(await world.deliver(name="Ana"))
    vip = await _tag(world, "vip")
    url = f"/api/v1/contacts/{contact_id}/tags/{vip['id']}"

    assert (await world.send("PUT", url)).status_code == 200
    assert (await world.send("PUT", url)).status_code == 200  # already there: no event
    assert (await world.send("DELETE", url)).status_code == 200
    marker = await world.send("PATCH", f"/api/v1/contacts/{contact_id}", {"source": "marker"})
    assert marker.status_code == 200

    events = [
        event
        for event in await world.contact_events(
            contact_id, until=lambda e: e["data"]["contact"]["source"] == "marker"
        )
        if event["type"] != "contact.created"  # the customer's first message announced it
    ]
    tagged = [(e["data"]["changed"], e["data"]["contact"]["tags"]) for e in events]
    assert tagged == [(["tags"], ["vip"]), (["tags"], []), (["source"], [])]
    assert events[0]["type"] == "contact.updated"
    assert events[0]["data"]["actor_user_id"] == str(world.agent.user_id)


async def test_renaming_a_tag_announces_the_contacts_carrying_it(world: World) -> None:
    contact_id = await world.contact_id_of(await world.deliver(name="Ana"))
    vip = await _tag(world, "vip")
    await world.send("PUT", f"/api/v1/contacts/{contact_id}/tags/{vip['id']}")

    await world.send("PATCH", f"/api/v1/tags/{vip['id']}", {"name": "VIP Ouro"})

    events = await world.contact_events(
        contact_id, until=lambda e: e["data"]["contact"]["tags"] == ["VIP Ouro"]
    )
    assert events[-1]["data"]["changed"] == ["tags"]


async def test_deleting_a_tag_takes_it_off_every_contact(world: World) -> None:
    ana = await world.contact_id_of(await world.deliver(phone="+5511987650101", name="Ana"))
    bia = await world.contact_id_of(await world.deliver(phone="+5511987650102", name="Bia"))
    vip, gold = await _tag(world, "vip"), await _tag(world, "gold")
    for contact_id in (ana, bia):
        await world.send(
            "POST", f"/api/v1/contacts/{contact_id}/tags", {"tag_ids": [vip["id"], gold["id"]]}
        )

    deleted = await world.send("DELETE", f"/api/v1/tags/{vip['id']}")

    assert deleted.status_code == 202, deleted.text
    assert (await world.send("GET", f"/api/v1/tags/{vip['id']}")).status_code == 404
    await finished(world, deleted.json()["id"])
    for contact_id in (ana, bia):
        detail = await world.get(f"/api/v1/contacts/{contact_id}")
        assert [t["name"] for t in detail["tags"]] == ["gold"]
        await world.contact_events(
            contact_id, until=lambda e: e["data"]["contact"]["tags"] == ["gold"]
        )


async def test_another_tenants_tags_are_not_found(world: World) -> None:
    contact_id = await world.contact_id_of(await world.deliver(name="Ana"))
    mine = await _tag(world, "vip")
    stranger = world.stranger()
    theirs = (await world.send("POST", "/api/v1/tags", {"name": "theirs"}, caller=stranger)).json()

    for method, path, body in [
        ("GET", f"/api/v1/tags/{mine['id']}", None),
        ("PATCH", f"/api/v1/tags/{mine['id']}", {"name": "pwned"}),
        ("DELETE", f"/api/v1/tags/{mine['id']}", None),
        ("PUT", f"/api/v1/contacts/{contact_id}/tags/{mine['id']}", None),
        ("DELETE", f"/api/v1/contacts/{contact_id}/tags/{mine['id']}", None),
        ("POST", f"/api/v1/contacts/{contact_id}/tags", {"tag_ids": [mine["id"]]}),
    ]:
        response = await world.send(method, path, body, caller=stranger)
        assert response.status_code == 404, (method, path, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    # My contact with their tag: the tag is nobody's here.
    for method, path, body in [
        ("PUT", f"/api/v1/contacts/{contact_id}/tags/{theirs['id']}", None),
        ("POST", f"/api/v1/contacts/{contact_id}/tags", {"tag_ids": [theirs["id"]]}),
        ("PUT", f"/api/v1/contacts/{contact_id}/tags/{uuid.uuid4()}", None),
    ]:
        response = await world.send(method, path, body)
        assert (response.status_code, response.json()["code"]) == (404, "tag_not_found")
    assert (await world.get(f"/api/v1/tags/{mine['id']}"))["name"] == "vip"
    assert (await world.get("/api/v1/tags", stranger))["items"][0]["name"] == "theirs"
    assert (await world.get(f"/api/v1/contacts/{contact_id}"))["tags"] == []


async def test_a_tag_on_many_contacts_is_deleted_chunk_by_chunk(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tag_deletion, "BATCH", 2)
    vip = await _tag(world, "vip")
    held = []
    for index in range(5):
        contact_id = await world.contact_id_of(
            await world.deliver(phone=f"+55119876507{index:02d}")
        )
        await world.send("PUT", f"/api/v1/contacts/{contact_id}/tags/{vip['id']}")
        held.append(contact_id)

    deleted = await world.send("DELETE", f"/api/v1/tags/{vip['id']}")
    assert deleted.status_code == 202, deleted.text
    job = await finished(world, deleted.json()["id"])
    assert (job["total"], job["processed"], job["result"]["removed"]) == (5, 5, 5)

    for contact_id in held:
        assert (await world.get(f"/api/v1/contacts/{contact_id}"))["tags"] == []
        events = await world.contact_events(
            contact_id, until=lambda e: e["data"]["contact"]["tags"] == []
        )
        assert events[-1]["data"]["changed"] == ["tags"]
