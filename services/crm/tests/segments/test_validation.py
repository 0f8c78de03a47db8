"""Filters are checked before anything counts or saves them: limits, the tenant's own tags,
fields and stages, and operators and values that suit each field's kind."""

from __future__ import annotations

import uuid
from typing import Any

from segments.data import add_fields, add_stages, add_tag, preview

from support.world import World


async def refusal(world: World, filter_: dict[str, Any]) -> dict[str, Any]:
    response = await preview(world, filter_)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    return body


async def test_another_tenants_tag_is_refused_like_a_tag_nobody_has(world: World) -> None:
    stranger = world.stranger()
    theirs = await add_tag(world, "Theirs", tenant_id=stranger.tenant_id)

    foreign = await refusal(
        world,
        {"all": [{"condition": "tags", "match": "any", "tag_ids": [str(theirs)]}]},
    )
    nobody = await refusal(
        world, {"all": [{"condition": "tags", "match": "any", "tag_ids": [str(uuid.uuid4())]}]}
    )

    assert foreign["code"] == nobody["code"] == "segment_filter_invalid"
    assert foreign["path"] == nobody["path"] == "filter.all[0].tag_ids[0]"
    assert str(theirs) in foreign["detail"]


async def test_another_tenants_stage_is_refused(world: World) -> None:
    stranger = world.stranger()
    _, (stage, *_) = await add_stages(world, tenant_id=stranger.tenant_id)

    body = await refusal(world, {"condition": "pipeline_stage", "stage_ids": [str(stage)]})

    assert body["code"] == "segment_filter_invalid"
    assert body["path"] == "filter.stage_ids[0]"


async def test_fields_must_exist_in_the_tenant(world: World) -> None:
    await add_fields(world, tenant_id=world.stranger().tenant_id)

    body = await refusal(
        world, {"not": {"condition": "field", "key": "plan", "op": "eq", "value": "gold"}}
    )

    assert body["code"] == "segment_filter_invalid"
    assert body["path"] == "filter.not.key"
    assert "plan" in body["detail"]


async def test_operators_and_values_must_suit_the_fields_kind(world: World) -> None:
    await add_fields(world)
    cases = [
        ({"key": "age", "op": "contains", "value": "3"}, "filter.any[0].op"),
        ({"key": "age", "op": "gt", "value": "thirty"}, "filter.any[0].value"),
        ({"key": "born", "op": "lt", "value": "01/02/2020"}, "filter.any[0].value"),
        ({"key": "born", "op": "lt", "value": 2020}, "filter.any[0].value"),
        ({"key": "plan", "op": "eq", "value": "platinum"}, "filter.any[0].value"),
        ({"key": "plan", "op": "in", "values": ["gold", "nope"]}, "filter.any[0].values[1]"),
        ({"key": "plan", "op": "gt", "value": "gold"}, "filter.any[0].op"),
        ({"key": "vip", "op": "eq", "value": "yes"}, "filter.any[0].value"),
        ({"key": "city", "op": "lt", "value": "m"}, "filter.any[0].op"),
        ({"key": "langs", "op": "eq", "value": "pt"}, "filter.any[0].op"),
        ({"key": "langs", "op": "contains", "value": "de"}, "filter.any[0].value"),
        ({"key": "work_email", "op": "eq", "value": "not an address"}, "filter.any[0].value"),
    ]
    for condition, path in cases:
        body = await refusal(world, {"any": [{"condition": "field", **condition}]})
        assert body["code"] == "segment_filter_invalid", condition
        assert body["path"] == path, (condition, body)
        assert condition["key"] in body["detail"] or "option" in body["detail"], body


async def test_limits_on_depth_and_size(world: World) -> None:
    has_phone = {"condition": "has", "address": "phone"}
    deep: dict[str, Any] = has_phone
    for _ in range(6):
        deep = {"all": [deep]}
    too_deep = await refusal(world, deep)
    assert too_deep["code"] == "segment_filter_too_large"
    assert too_deep["path"] == "filter" + ".all[0]" * 5

    five: dict[str, Any] = has_phone
    for _ in range(5):
        five = {"all": [five]}
    assert (await preview(world, five)).status_code == 200

    many = await refusal(world, {"any": [{"all": [has_phone] * 50}, {"all": [has_phone] * 51}]})
    assert many["code"] == "segment_filter_too_large"
    assert many["path"] == "filter.any[1].all[50]"


async def test_malformed_filters_get_a_422_naming_the_place(world: World) -> None:
    for filter_ in (
        {"condition": "nope"},
        {"all": [{"condition": "tags", "match": "some", "tag_ids": [str(uuid.uuid4())]}]},
        {"condition": "last_inbound", "op": "after", "when": {"days_ago": 3, "at": "2020-01-01"}},
        {"condition": "field", "key": "Bad Key", "op": "is_set"},
        {"any": []},
        {"all": [], "any": []},
    ):
        response = await preview(world, filter_)
        assert response.status_code == 422, (filter_, response.text)
        assert response.json()["errors"], filter_
