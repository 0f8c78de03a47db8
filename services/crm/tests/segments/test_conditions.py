"""Every condition of the filter language against real rows: each test would fail if the
compiler ignored its condition (the expected set is never "everyone")."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from segments.data import (
    add_consent,
    add_contacts,
    add_conversation,
    add_fields,
    add_lead,
    add_stages,
    add_tag,
    matching,
    preview,
    tag_contacts,
)

from support.world import World


def field(key: str, op: str, value: Any = None, **more: Any) -> dict[str, Any]:
    condition: dict[str, Any] = {"condition": "field", "key": key, "op": op, **more}
    if value is not None:
        condition["value"] = value
    return condition


async def test_tags_match_any_all_or_none_of_the_ids(world: World) -> None:
    a, b, c = await add_contacts(world, {"name": "A"}, {"name": "B"}, {"name": "C"})
    t1 = await add_tag(world, "VIP", a, b)
    t2 = await add_tag(world, "Late payer", a)

    assert await matching(world, {"condition": "tags", "match": "any", "tag_ids": [str(t1)]}) == {
        a,
        b,
    }
    assert await matching(world, {"condition": "tags", "match": "any", "tag_ids": [str(t2)]}) == {a}
    assert await matching(
        world, {"condition": "tags", "match": "all", "tag_ids": [str(t1), str(t2)]}
    ) == {a}
    assert await matching(world, {"condition": "tags", "match": "none", "tag_ids": [str(t1)]}) == {
        c
    }
    # Counted from contact_tags alone: a contact carrying both counts once.
    both = {"condition": "tags", "match": "any", "tag_ids": [str(t1), str(t2)]}
    assert await matching(world, both) == {a, b}
    assert await matching(world, {"all": [{"any": [both]}]}) == {a, b}


async def test_custom_fields_compare_by_their_kind(world: World) -> None:
    await add_fields(world)
    a, b, c = await add_contacts(
        world,
        {
            "name": "A",
            "fields": {
                "plan": "gold",
                "age": 30,
                "born": "1990-05-01",
                "vip": True,
                "city": "São Paulo",
                "langs": ["pt", "en"],
                "work_email": "ana@example.com",
            },
        },
        {
            "name": "B",
            "fields": {
                "plan": "silver",
                "age": 45.5,
                "born": "1980-01-01",
                "vip": False,
                "city": "Rio",
                "langs": ["es"],
            },
        },
        {"name": "C", "fields": {}},
    )

    cases: list[tuple[dict[str, Any], set[uuid.UUID]]] = [
        (field("plan", "eq", "gold"), {a}),
        (field("plan", "neq", "gold"), {b, c}),
        (field("plan", "in", values=["gold", "silver"]), {a, b}),
        (field("age", "eq", 30), {a}),
        (field("age", "gt", 30), {b}),
        (field("age", "gte", 30), {a, b}),
        (field("age", "lt", 45.5), {a}),
        (field("age", "lte", 45.5), {a, b}),
        (field("born", "lt", "1985-01-01"), {b}),
        (field("born", "gte", "1990-05-01"), {a}),
        (field("born", "eq", "1980-01-01"), {b}),
        (field("vip", "eq", True), {a}),
        (field("vip", "eq", False), {b}),
        (field("city", "contains", "PAULO"), {a}),
        (field("city", "eq", "Rio"), {b}),
        (field("langs", "contains", "en"), {a}),
        (field("langs", "in", values=["es", "en"]), {a, b}),
        (field("work_email", "eq", "ANA@example.com"), {a}),
        (field("work_email", "contains", "example"), {a}),
        (field("plan", "is_set"), {a, b}),
        (field("plan", "is_not_set"), {c}),
        # The complement: a contact without the value is among what "not" matches.
        ({"not": field("age", "gt", 30)}, {a, c}),
        ({"not": field("city", "contains", "o")}, {c}),
    ]
    for condition, expected in cases:
        assert await matching(world, condition) == expected, condition


async def test_contains_matches_literal_wildcards_only(world: World) -> None:
    await add_fields(world)
    a, _ = await add_contacts(
        world, {"fields": {"city": "100% certo"}}, {"fields": {"city": "100 e certo"}}
    )

    assert await matching(world, field("city", "contains", "0%")) == {a}
    assert await matching(world, field("city", "contains", "_")) == set()


async def test_lifecycle_stage_in(world: World) -> None:
    a, b, _ = await add_contacts(
        world, {"lifecycle_stage": "lead"}, {"lifecycle_stage": "customer"}, {}
    )

    assert await matching(world, {"condition": "lifecycle_stage", "stages": ["customer"]}) == {b}
    assert await matching(
        world, {"condition": "lifecycle_stage", "stages": ["lead", "customer"]}
    ) == {a, b}
    assert (
        len(await matching(world, {"not": {"condition": "lifecycle_stage", "stages": ["lead"]}}))
        == 2
    )


async def test_pipeline_stage_in_reads_the_contacts_leads(world: World) -> None:
    a, b, _ = await add_contacts(world, {}, {}, {})
    pipeline, (new, qualified, won) = await add_stages(world)
    await add_lead(world, a, pipeline, new)
    await add_lead(world, b, pipeline, won)

    assert await matching(world, {"condition": "pipeline_stage", "stage_ids": [str(new)]}) == {a}
    assert await matching(
        world, {"condition": "pipeline_stage", "stage_ids": [str(new), str(won)]}
    ) == {a, b}
    assert (
        await matching(world, {"condition": "pipeline_stage", "stage_ids": [str(qualified)]})
        == set()
    )


async def test_last_inbound_before_and_after_absolute_or_relative(world: World) -> None:
    now = datetime.now(UTC)
    a, b, c = await add_contacts(
        world,
        {"last_inbound_at": now - timedelta(days=1)},
        {"last_inbound_at": now - timedelta(days=40)},
        {},
    )

    def inbound(op: str, when: dict[str, Any]) -> dict[str, Any]:
        return {"condition": "last_inbound", "op": op, "when": when}

    assert await matching(world, inbound("after", {"days_ago": 30})) == {a}
    assert await matching(world, inbound("before", {"days_ago": 30})) == {b}
    # Who never wrote matches neither, and "not" of either.
    assert await matching(world, {"not": inbound("after", {"days_ago": 30})}) == {b, c}
    at = (now - timedelta(days=10)).isoformat()
    assert await matching(world, inbound("after", {"at": at})) == {a}
    assert await matching(world, inbound("before", {"at": at})) == {b}


async def test_created_before_and_after(world: World) -> None:
    a, b = await add_contacts(
        world,
        {"created_at": datetime(2020, 1, 1, tzinfo=UTC)},
        {"created_at": datetime(2024, 6, 1, tzinfo=UTC)},
    )

    def created(op: str) -> dict[str, Any]:
        return {"condition": "created", "op": op, "when": {"at": "2022-01-01T00:00:00"}}

    assert await matching(world, created("before")) == {a}
    assert await matching(world, created("after")) == {b}
    assert (
        await matching(world, {"condition": "created", "op": "after", "when": {"days_ago": 0}})
        == set()
    )


async def test_channel_is_a_conversation_on_it(world: World) -> None:
    a, b, _ = await add_contacts(world, {}, {}, {})
    await add_conversation(world, a, "whatsapp_cloud")
    await add_conversation(world, b, "sms")

    assert await matching(world, {"condition": "channel", "channels": ["whatsapp"]}) == {a}
    assert await matching(world, {"condition": "channel", "channels": ["sms"]}) == {b}
    assert await matching(world, {"condition": "channel", "channels": ["whatsapp", "sms"]}) == {
        a,
        b,
    }


async def test_consent_opted_in_out_or_no_record_per_channel(world: World) -> None:
    a, b, c = await add_contacts(world, {}, {}, {})
    await add_consent(world, a, "whatsapp", "opted_in")
    await add_consent(world, b, "whatsapp", "opted_out")
    await add_consent(world, c, "sms", "opted_in")

    def consent(channel: str, status: str) -> dict[str, Any]:
        return {"condition": "consent", "channel": channel, "status": status}

    assert await matching(world, consent("whatsapp", "opted_in")) == {a}
    assert await matching(world, consent("whatsapp", "opted_out")) == {b}
    assert await matching(world, consent("whatsapp", "no_record")) == {c}
    assert await matching(world, consent("sms", "no_record")) == {a, b}
    assert await matching(world, consent("email", "opted_in")) == set()


async def test_owner_in_or_none(world: World) -> None:
    u1, u2 = uuid.uuid4(), uuid.uuid4()
    a, b, c = await add_contacts(world, {"owner_user_id": u1}, {"owner_user_id": u2}, {})

    assert await matching(world, {"condition": "owner", "op": "in", "user_ids": [str(u1)]}) == {a}
    assert await matching(
        world, {"condition": "owner", "op": "in", "user_ids": [str(u1), str(u2)]}
    ) == {a, b}
    assert await matching(world, {"condition": "owner", "op": "none"}) == {c}
    assert await matching(
        world, {"not": {"condition": "owner", "op": "in", "user_ids": [str(u1)]}}
    ) == {b, c}


async def test_has_phone_email_or_user_id(world: World) -> None:
    a, b, c = await add_contacts(
        world,
        {"phone": "+5511999990001", "email": "a@example.com"},
        {"phone": "+5511999990002"},
        {"channel_user_id": "BR.123"},
    )

    assert await matching(world, {"condition": "has", "address": "phone"}) == {a, b}
    assert await matching(world, {"condition": "has", "address": "email"}) == {a}
    assert await matching(world, {"condition": "has", "address": "user_id"}) == {c}


async def test_groups_combine_with_and_or_not(world: World) -> None:
    await add_fields(world)
    a, b, c, d = await add_contacts(
        world,
        {"lifecycle_stage": "customer", "fields": {"plan": "gold"}},
        {"lifecycle_stage": "customer", "fields": {"plan": "silver"}},
        {"lifecycle_stage": "lead", "fields": {"plan": "gold"}},
        {"lifecycle_stage": "lead"},
    )
    vip = await add_tag(world, "VIP", d)
    customer = {"condition": "lifecycle_stage", "stages": ["customer"]}
    gold = field("plan", "eq", "gold")
    tagged = {"condition": "tags", "match": "any", "tag_ids": [str(vip)]}

    assert await matching(world, {"all": [customer, gold]}) == {a}
    assert await matching(world, {"any": [customer, gold]}) == {a, b, c}
    assert await matching(world, {"all": [customer, {"not": gold}]}) == {b}
    assert await matching(world, {"any": [{"all": [customer, gold]}, tagged]}) == {a, d}
    assert await matching(world, {"not": {"any": [customer, gold]}}) == {d}
    assert await matching(world, {"all": []}) == {a, b, c, d}


async def test_a_preview_counts_only_the_callers_tenant(world: World) -> None:
    mine = set(await add_contacts(world, {"name": "A"}, {"name": "B"}))
    stranger = world.stranger()
    other = world.caller(tenant_id=stranger.tenant_id)
    # Another tenant's contacts, seen through the same filter.
    original = world.tenant_id
    world.tenant_id = stranger.tenant_id
    try:
        await add_contacts(world, {"name": "Z"})
    finally:
        world.tenant_id = original

    assert await matching(world, {"all": []}) == mine
    theirs = (await preview(world, {"all": []}, other)).json()
    assert theirs["count"] == 1
    assert not {uuid.UUID(c["id"]) for c in theirs["sample"]} & mine


async def test_tag_conditions_side_by_side_keep_their_meaning(world: World) -> None:
    a, b, c = await add_contacts(world, {}, {}, {})
    first = [await add_tag(world, f"A{i}") for i in range(55)]
    second = [await add_tag(world, f"B{i}") for i in range(55)]
    await tag_contacts(world, first[-1], a)
    await tag_contacts(world, second[-1], b)

    def tags(match: str, ids: list[uuid.UUID]) -> dict[str, Any]:
        return {"condition": "tags", "match": match, "tag_ids": [str(i) for i in ids]}

    # 110 ids between them, more than one condition may list.
    assert await matching(world, {"any": [tags("any", first), tags("any", second)]}) == {a, b}
    assert await matching(world, {"all": [tags("none", first), tags("none", second)]}) == {c}
    assert await matching(world, {"all": [tags("any", first), tags("any", second)]}) == set()
    assert await matching(world, {"any": [tags("none", first), tags("none", second)]}) == {a, b, c}


async def test_instants_at_the_ends_of_the_calendar_are_read_in_utc(world: World) -> None:
    (contact,) = await add_contacts(world, {"last_inbound_at": datetime.now(UTC)})

    def inbound(op: str, at: str) -> dict[str, Any]:
        return {"condition": "last_inbound", "op": op, "when": {"at": at}}

    assert await matching(world, inbound("after", "0001-01-01T00:00:00+14:00")) == {contact}
    assert await matching(world, inbound("before", "9999-12-31T23:59:59-14:00")) == {contact}
    assert await matching(world, inbound("before", "0001-01-01T00:00:00+14:00")) == set()
