"""The internal member stream: NDJSON in contacts.id order, resumable, with the fields a
template asks for, read in keyset batches."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest
from segments.data import add_contacts, add_fields, add_tag

from mia_crm.segments.compiler import contact_condition
from mia_crm.segments.errors import UnknownMemberField
from mia_crm.segments.filters import filter_adapter
from mia_crm.segments.members import check_member_fields, member_lines
from support.world import World


def lines(body: bytes) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in body.splitlines()]


async def saved(world: World, filter_: dict[str, Any]) -> str:
    response = await world.client.post(
        "/api/v1/segments",
        json={"name": uuid.uuid4().hex, "filter": filter_},
        headers=world.agent.headers,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def test_members_stream_in_id_order_and_resume_after_an_id(world: World) -> None:
    ids = await add_contacts(world, *({"lifecycle_stage": "customer"} for _ in range(7)), {})
    segment = await saved(world, {"condition": "lifecycle_stage", "stages": ["customer"]})
    path = f"/internal/v1/segments/{segment}/members"

    response = await world.client.get(path, headers=world.agent.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/x-ndjson"
    every = [uuid.UUID(line["id"]) for line in lines(response.content)]
    assert every == sorted(ids[:7])

    rest = await world.client.get(
        path, params={"after": str(every[2])}, headers=world.agent.headers
    )
    assert [uuid.UUID(line["id"]) for line in lines(rest.content)] == every[3:]
    end = await world.client.get(
        path, params={"after": str(every[-1])}, headers=world.agent.headers
    )
    assert end.status_code == 200
    assert end.content == b""


async def test_a_member_carries_its_addresses_zone_and_the_fields_asked_for(world: World) -> None:
    await add_fields(world)
    zoned, derived, bare = await add_contacts(
        world,
        {
            "name": "Ana",
            "phone": "+5511999990001",
            "email": "ana@example.com",
            "language": "pt-BR",
            "time_zone": "Europe/Lisbon",
            "fields": {"plan": "gold", "age": 30, "city": "Lisboa"},
        },
        {"phone": "+5592999990002", "channel_user_id": "BR.42", "fields": {"plan": "silver"}},
        {"email": "x@example.com"},
    )
    segment = await saved(world, {"all": []})

    response = await world.client.get(
        f"/internal/v1/segments/{segment}/members",
        params={"fields": "plan,age"},
        headers=world.agent.headers,
    )

    assert response.status_code == 200, response.text
    by_id = {line["id"]: line for line in lines(response.content)}
    assert by_id[str(zoned)] == {
        "id": str(zoned),
        "phone": "+5511999990001",
        "channel_user_id": None,
        "email": "ana@example.com",
        "name": "Ana",
        "language": "pt-BR",
        "time_zone": "Europe/Lisbon",
        "last_inbound_at": None,
        "consent": {"whatsapp": None, "sms": None},
        "fields": {"plan": "gold", "age": 30},
    }
    assert by_id[str(derived)]["time_zone"] == "America/Manaus"
    assert by_id[str(derived)]["channel_user_id"] == "BR.42"
    assert by_id[str(derived)]["fields"] == {"plan": "silver", "age": None}
    assert by_id[str(bare)]["time_zone"] is None
    assert by_id[str(bare)]["fields"] == {"plan": None, "age": None}


async def test_a_member_says_when_they_last_wrote(world: World) -> None:
    """What campaigns counts the 24-hour window from (a template is needed outside it)."""
    wrote_at = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    await world.deliver(phone="+5511988880001", name="Bia", sent_at=wrote_at)
    (silent,) = await add_contacts(world, {"phone": "+5511988880002"})
    segment = await saved(world, {"all": []})

    response = await world.client.get(
        f"/internal/v1/segments/{segment}/members", headers=world.agent.headers
    )

    by_phone = {line["phone"]: line for line in lines(response.content)}
    assert datetime.fromisoformat(by_phone["+5511988880001"]["last_inbound_at"]) == wrote_at
    assert by_phone["+5511988880002"]["last_inbound_at"] is None
    assert by_phone["+5511988880002"]["id"] == str(silent)


async def test_unknown_member_fields_are_refused(world: World) -> None:
    await add_fields(world)
    segment = await saved(world, {"all": []})

    response = await world.client.get(
        f"/internal/v1/segments/{segment}/members",
        params={"fields": "plan,shoe_size"},
        headers=world.agent.headers,
    )

    assert response.status_code == 422
    assert response.json()["code"] == "segment_unknown_field"
    assert "shoe_size" in response.json()["detail"]


async def test_the_members_of_a_filter_are_checked_then_streamed(world: World) -> None:
    a, b, _ = await add_contacts(world, {}, {}, {})
    tag = await add_tag(world, "VIP", a, b)
    theirs = await add_tag(world, "Theirs", tenant_id=world.stranger().tenant_id)

    response = await world.client.post(
        "/internal/v1/contacts/members",
        json={"filter": {"condition": "tags", "match": "any", "tag_ids": [str(tag)]}},
        headers=world.agent.headers,
    )
    refused = await world.client.post(
        "/internal/v1/contacts/members",
        json={"filter": {"condition": "tags", "match": "any", "tag_ids": [str(theirs)]}},
        headers=world.agent.headers,
    )

    assert response.status_code == 200, response.text
    assert [uuid.UUID(line["id"]) for line in lines(response.content)] == sorted([a, b])
    assert refused.status_code == 422
    assert refused.json()["code"] == "segment_filter_invalid"


async def test_the_stream_reads_in_keyset_batches(world: World) -> None:
    ids = sorted(await add_contacts(world, *({} for _ in range(5))))
    condition = contact_condition(world.tenant_id, filter_adapter.validate_python({"all": []}))

    chunks = [
        chunk
        async for chunk in member_lines(
            world.app.state.context.infra.sessions,
            condition,
            tenant_id=world.tenant_id,
            after=None,
            keys=[],
            batch=2,
        )
    ]

    assert [len(lines(chunk)) for chunk in chunks] == [2, 2, 1]
    assert [uuid.UUID(line["id"]) for chunk in chunks for line in lines(chunk)] == ids


async def test_a_field_key_no_field_could_have_is_unknown_without_a_query(world: World) -> None:
    async with world.app.state.context.infra.sessions() as session:
        for key in ("e\x00L", "Plan", ""):
            with pytest.raises(UnknownMemberField) as refused:
                await check_member_fields(session, tenant_id=world.tenant_id, keys=[key])
            assert refused.value.extra["field"] == key
