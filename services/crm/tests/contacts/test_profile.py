"""A contact's profile: owner (a user the gateway knows), lifecycle stage, source, language,
time zone (the phone's until set), custom field values; every change published."""

from __future__ import annotations

import uuid
from typing import Any

from support.world import World


async def _contact(world: World, **fields: Any) -> str:
    return await world.contact_id_of(await world.deliver(**fields))


async def test_the_profile_is_edited_and_shown(world: World) -> None:
    contact_id = await _contact(world, phone="+5511987650201", name="Ana")
    owner = world.caller()

    edited = await world.send(
        "PATCH",
        f"/api/v1/contacts/{contact_id}",
        {
            "owner_user_id": str(owner.user_id),
            "lifecycle_stage": "sales_qualified",
            "source": "  Instagram   ads ",
            "language": "PT-br",
            "time_zone": "america/recife",
        },
        caller=world.manager,  # an agent makes only themselves the owner
    )

    assert edited.status_code == 200, edited.text
    profile = edited.json()
    assert profile["owner_user_id"] == str(owner.user_id)
    assert profile["lifecycle_stage"] == "sales_qualified"
    assert profile["source"] == "Instagram ads"
    assert profile["language"] == "pt-BR"
    assert (profile["time_zone"], profile["time_zone_derived"]) == ("America/Recife", False)
    detail = await world.get(f"/api/v1/contacts/{contact_id}")
    assert {key: detail[key] for key in profile if key != "updated_at"} == {
        key: value for key, value in profile.items() if key != "updated_at"
    }


async def test_the_time_zone_is_the_phones_until_someone_sets_one(world: World) -> None:
    manaus = await _contact(world, phone="+5592987650202")
    nobody_knows = await _contact(world, phone=None, user_id="BR.tz")
    url = f"/api/v1/contacts/{manaus}"

    derived = await world.get(url)
    assert (derived["time_zone"], derived["time_zone_derived"]) == ("America/Manaus", True)
    unknown = await world.get(f"/api/v1/contacts/{nobody_knows}")
    assert (unknown["time_zone"], unknown["time_zone_derived"]) == (None, False)

    set_one = await world.send("PATCH", url, {"time_zone": "Europe/Lisbon"})
    assert (set_one.json()["time_zone"], set_one.json()["time_zone_derived"]) == (
        "Europe/Lisbon",
        False,
    )
    cleared = await world.send("PATCH", url, {"time_zone": None})
    assert (cleared.json()["time_zone"], cleared.json()["time_zone_derived"]) == (
        "America/Manaus",
        True,
    )
    events = await world.contact_events(
        manaus,
        until=lambda e: (
            e["type"] == "contact.updated" and e["data"]["contact"]["time_zone"] == "America/Manaus"
        ),
    )
    updates = [e for e in events if e["type"] == "contact.updated"]
    assert [e["data"]["contact"]["time_zone"] for e in updates] == [
        "Europe/Lisbon",
        "America/Manaus",
    ], "the snapshot carries the time zone in force, set or derived"


async def test_invalid_profile_values_are_refused_naming_the_field(world: World) -> None:
    contact_id = await _contact(world)
    url = f"/api/v1/contacts/{contact_id}"

    for body, field in [
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"lifecycle_stage": "champion"}, "lifecycle_stage"),
        ({"language": "portuguese!"}, "language"),
        ({"source": "x" * 65}, "source"),
    ]:
        refused = await world.send("PATCH", url, body)
        assert refused.status_code == 422, (body, refused.text)
        problem = refused.json()
        named = problem.get("field") or problem["errors"][0]["loc"][-1]
        assert named == field, problem


async def test_the_owner_must_be_an_active_user_of_the_tenant(world: World) -> None:
    contact_id = await _contact(world)
    url = f"/api/v1/contacts/{contact_id}"
    inactive = world.caller(active=False)
    stranger = world.stranger()

    for user_id, code in [
        (uuid.uuid4(), "assignee_unknown"),
        (stranger.user_id, "assignee_unknown"),
        (inactive.user_id, "assignee_inactive"),
    ]:
        refused = await world.send(
            "PATCH", url, {"owner_user_id": str(user_id)}, caller=world.manager
        )
        assert (refused.status_code, refused.json()["code"]) == (422, code)
    assert (await world.get(url))["owner_user_id"] is None
    owner = world.caller()
    assert (
        await world.send("PATCH", url, {"owner_user_id": str(owner.user_id)}, world.manager)
    ).status_code == 200
    listed = await world.get("/api/v1/contacts", owner_user_id=str(owner.user_id))
    assert [c["id"] for c in listed["items"]] == [contact_id]
    cleared = await world.send("PATCH", url, {"owner_user_id": None}, caller=world.manager)
    assert cleared.json()["owner_user_id"] is None


async def test_custom_field_values_are_written_checked_and_removed(world: World) -> None:
    for body in (
        {"key": "plan", "label": "Plan", "kind": "select", "options": ["free", "gold"]},
        {"key": "work_phone", "label": "Work phone", "kind": "phone"},
        {"key": "renewal", "label": "Renewal", "kind": "date"},
    ):
        assert (await world.send("POST", "/api/v1/custom-fields", body)).status_code == 201
    contact_id = await _contact(world)
    url = f"/api/v1/contacts/{contact_id}"

    written = await world.send(
        "PATCH",
        url,
        {"fields": {"plan": "gold", "work_phone": "(11) 3333-4444", "renewal": "2027-01-31"}},
    )
    assert written.status_code == 200, written.text
    assert written.json()["fields"] == {
        "plan": "gold",
        "work_phone": "+551133334444",
        "renewal": "2027-01-31",
    }
    removed = await world.send("PATCH", url, {"fields": {"work_phone": None, "renewal": ""}})
    assert removed.json()["fields"] == {"plan": "gold"}

    for fields, named in [
        ({"plan": "platinum"}, "plan"),
        ({"nope": 1}, "nope"),
        ({"work_phone": "123"}, "work_phone"),
        ({"renewal": "31/01/2027"}, "renewal"),
        ({"plan": ["gold"]}, "plan"),
    ]:
        refused = await world.send("PATCH", url, {"fields": fields})
        assert refused.status_code == 422, fields
        problem = refused.json()
        assert (problem["code"], problem["field"]) == ("invalid_field_value", named)
        assert problem["errors"][0]["loc"] == ["body", "fields", named]
    assert (await world.get(url))["fields"] == {"plan": "gold"}


async def test_every_change_is_published_with_what_changed(world: World) -> None:
    await world.send(
        "POST", "/api/v1/custom-fields", {"key": "city", "label": "City", "kind": "text"}
    )
    contact_id = await _contact(world, name="Ana")
    url = f"/api/v1/contacts/{contact_id}"

    await world.send("PATCH", url, {"name": "Ana Souza", "lifecycle_stage": "lead"})
    await world.send("PATCH", url, {"name": "Ana Souza"})  # nothing changes: no event
    await world.send("PATCH", url, {"fields": {"city": "Recife"}})
    await world.send("PATCH", url, {"source": "marker"})

    events = [
        event
        for event in await world.contact_events(
            contact_id, until=lambda e: e["data"]["contact"]["source"] == "marker"
        )
        if event["type"] == "contact.updated"
    ]
    assert [e["data"]["changed"] for e in events] == [
        ["name", "lifecycle_stage"],
        ["fields.city"],
        ["source"],
    ]
    last = events[-1]
    assert (last["type"], last["subject"], last["tenantid"]) == (
        "contact.updated",
        contact_id,
        str(world.tenant_id),
    )
    assert last["data"]["contact"]["fields"] == {"city": "Recife"}
    assert last["data"]["contact"]["name"] == "Ana Souza"
    assert last["data"]["actor_user_id"] == str(world.agent.user_id)


async def test_contacts_are_filtered_by_lifecycle_stage(world: World) -> None:
    lead = await _contact(world, phone="+5511987650211")
    customer = await _contact(world, phone="+5511987650212")
    await _contact(world, phone="+5511987650213")
    await world.send("PATCH", f"/api/v1/contacts/{lead}", {"lifecycle_stage": "lead"})
    await world.send("PATCH", f"/api/v1/contacts/{customer}", {"lifecycle_stage": "customer"})

    one = await world.get("/api/v1/contacts", lifecycle_stage="lead")
    both = await world.get("/api/v1/contacts", lifecycle_stage=["lead", "customer"])

    assert [c["id"] for c in one["items"]] == [lead]
    assert [c["id"] for c in both["items"]] == [customer, lead]


async def test_another_tenant_neither_edits_nor_filters_by_this_tenants_ids(world: World) -> None:
    await world.send(
        "POST", "/api/v1/custom-fields", {"key": "city", "label": "City", "kind": "text"}
    )
    tag = (await world.send("POST", "/api/v1/tags", {"name": "vip"})).json()
    contact_id = await _contact(world, name="Ana")
    await world.send("PUT", f"/api/v1/contacts/{contact_id}/tags/{tag['id']}")
    before = await world.get(f"/api/v1/contacts/{contact_id}")
    stranger = world.stranger()
    their_user = world.caller(tenant_id=stranger.tenant_id)

    for body in (
        {"fields": {"city": "pwned"}},
        {"owner_user_id": str(their_user.user_id)},
        {"lifecycle_stage": "customer", "time_zone": "UTC"},
    ):
        response = await world.send(
            "PATCH", f"/api/v1/contacts/{contact_id}", body, caller=stranger
        )
        assert (response.status_code, response.json()["code"]) == (404, "contact_not_found")
    for params in ({"tag_id": tag["id"]}, {"lifecycle_stage": "lead"}, {}):
        assert (await world.get("/api/v1/contacts", stranger, **params))["items"] == []
    after = await world.get(f"/api/v1/contacts/{contact_id}")
    assert after == before
