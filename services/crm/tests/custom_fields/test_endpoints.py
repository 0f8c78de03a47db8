"""The custom fields API: definitions per tenant, stable keys, ordering, kinds and options
that change only while no contact holds what would be lost."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

import mia_crm.custom_fields.deletion as field_deletion
from support.bulk_jobs import finished
from support.world import World

URL = "/api/v1/custom-fields"


async def _field(world: World, **body: Any) -> dict[str, Any]:
    response = await world.send("POST", URL, body)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_fields_are_defined_with_a_key_from_the_label_and_listed_in_order(
    world: World,
) -> None:
    birthday = await _field(world, label="Data de nascimento", kind="date")
    plan = await _field(world, key="plan", label="Plano", kind="select", options=["free", "gold"])

    assert birthday["key"] == "data_de_nascimento"
    assert (plan["options"], plan["position"]) == (["free", "gold"], birthday["position"] + 1)
    listed = await world.get(URL)
    assert [f["key"] for f in listed["items"]] == ["data_de_nascimento", "plan"]

    taken = await world.send("POST", URL, {"label": "Data de Nascimento", "kind": "text"})
    assert (taken.status_code, taken.json()["code"]) == (409, "custom_field_key_taken")
    assert taken.json()["custom_field_id"] == birthday["id"]


async def test_options_must_fit_the_kind(world: World) -> None:
    for body in (
        {"label": "Plan", "kind": "select"},
        {"label": "Notes", "kind": "text", "options": ["a"]},
        {"label": "Tags", "kind": "multi_select", "options": ["a", " a "]},
    ):
        refused = await world.send("POST", URL, body)
        assert refused.status_code == 422, body
        assert (refused.json()["code"], refused.json()["field"]) == (
            "invalid_field_definition",
            "options",
        )
    for body in (
        {"label": "x", "kind": "colour"},
        {"key": "Bad Key", "label": "x", "kind": "text"},
    ):
        refused = await world.send("POST", URL, body)
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["loc"][-1] in ("kind", "key")


async def test_fields_are_reordered(world: World) -> None:
    a, b, c = [await _field(world, label=name, kind="text") for name in ("a", "b", "c")]

    reordered = await world.send("PUT", f"{URL}/order", {"ids": [c["id"], a["id"], b["id"]]})

    assert reordered.status_code == 200, reordered.text
    assert [f["key"] for f in reordered.json()["items"]] == ["c", "a", "b"]
    assert [f["key"] for f in (await world.get(URL))["items"]] == ["c", "a", "b"]
    partial = await world.send("PUT", f"{URL}/order", {"ids": [c["id"], a["id"]]})
    assert (partial.status_code, partial.json()["code"]) == (422, "field_order_mismatch")


async def test_the_kind_changes_only_while_no_contact_holds_a_value(world: World) -> None:
    field = await _field(world, label="Score", kind="text")
    url = f"{URL}/{field['id']}"
    relabelled = await world.send("PATCH", url, {"label": "Lead score", "kind": "number"})
    assert relabelled.status_code == 200, relabelled.text
    assert (relabelled.json()["label"], relabelled.json()["kind"]) == ("Lead score", "number")
    assert relabelled.json()["key"] == "score", "the key never changes"

    contact_id = await world.contact_id_of(await world.deliver())
    await world.send("PATCH", f"/api/v1/contacts/{contact_id}", {"fields": {"score": 7}})

    refused = await world.send("PATCH", url, {"kind": "text"})
    assert (refused.status_code, refused.json()["code"]) == (409, "custom_field_in_use")
    assert (await world.get(url))["kind"] == "number"


async def test_an_option_a_contact_holds_cannot_be_removed(world: World) -> None:
    field = await _field(
        world, label="Interests", kind="multi_select", options=["shoes", "bags", "hats"]
    )
    url = f"{URL}/{field['id']}"
    contact_id = await world.contact_id_of(await world.deliver())
    await world.send("PATCH", f"/api/v1/contacts/{contact_id}", {"fields": {"interests": ["bags"]}})

    refused = await world.send("PATCH", url, {"options": ["shoes", "hats"]})
    assert (refused.status_code, refused.json()["code"]) == (409, "option_in_use")
    assert refused.json()["options"] == ["bags"]
    kept = await world.send("PATCH", url, {"options": ["bags", "caps"]})
    assert kept.status_code == 200, kept.text
    assert kept.json()["options"] == ["bags", "caps"]


async def test_deleting_a_field_removes_every_contacts_value(world: World) -> None:
    field = await _field(world, label="Nickname", kind="text")
    other = await _field(world, label="City", kind="text")
    contact_id = await world.contact_id_of(await world.deliver())
    await world.send(
        "PATCH", f"/api/v1/contacts/{contact_id}", {"fields": {"nickname": "Aninha", "city": "Rio"}}
    )

    deleted = await world.send("DELETE", f"{URL}/{field['id']}")
    assert deleted.status_code == 202, deleted.text
    await finished(world, deleted.json()["id"])

    assert (await world.get(f"/api/v1/contacts/{contact_id}"))["fields"] == {"city": "Rio"}
    events = await world.contact_events(
        contact_id, until=lambda e: e["data"]["changed"] == ["fields.nickname"]
    )
    assert events[-1]["data"]["contact"]["fields"] == {"city": "Rio"}
    assert (await world.send("GET", f"{URL}/{field['id']}")).status_code == 404
    assert [f["id"] for f in (await world.get(URL))["items"]] == [other["id"]]


async def test_another_tenants_fields_are_not_found(world: World) -> None:
    field = await _field(world, label="Plan", kind="select", options=["a"])
    stranger = world.stranger()

    for method, path, body in [
        ("GET", f"{URL}/{field['id']}", None),
        ("PATCH", f"{URL}/{field['id']}", {"label": "pwned"}),
        ("DELETE", f"{URL}/{field['id']}", None),
        ("GET", f"{URL}/{uuid.uuid4()}", None),
    ]:
        response = await world.send(method, path, body, caller=stranger)
        assert response.status_code == 404, (method, path)
        assert response.json()["code"] == "custom_field_not_found"
    assert (await world.get(URL, stranger))["items"] == []
    order = await world.send("PUT", f"{URL}/order", {"ids": [field["id"]]}, caller=stranger)
    assert order.status_code == 422
    # Their contacts cannot hold my field either.
    theirs = await world.send(
        "POST",
        "/api/v1/contacts",
        {"phone": "+5511987650999", "fields": {"plan": "a"}},
        caller=stranger,
    )
    assert (theirs.status_code, theirs.json()["field"]) == (422, "plan")
    assert (await world.get(f"{URL}/{field['id']}"))["label"] == "Plan"


async def test_a_field_held_by_many_contacts_is_removed_chunk_by_chunk(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(field_deletion, "BATCH", 2)
    field = await _field(world, label="Plan", kind="text")
    held = []
    for index in range(5):
        contact_id = await world.contact_id_of(
            await world.deliver(phone=f"+55119876506{index:02d}")
        )
        await world.send("PATCH", f"/api/v1/contacts/{contact_id}", {"fields": {"plan": "x"}})
        held.append(contact_id)

    deleted = await world.send("DELETE", f"{URL}/{field['id']}")
    assert deleted.status_code == 202, deleted.text
    job = await finished(world, deleted.json()["id"])
    assert (job["total"], job["processed"], job["result"]["removed"]) == (5, 5, 5)

    for contact_id in held:
        assert (await world.get(f"/api/v1/contacts/{contact_id}"))["fields"] == {}
        await world.contact_events(
            contact_id, until=lambda e: e["data"]["changed"] == ["fields.plan"]
        )
