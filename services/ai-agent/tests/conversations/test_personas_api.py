"""The personas API: one persona per number, knowledge of the same company, stale edits
refused, and nothing of another company reachable."""

from __future__ import annotations

import uuid

from support.bots import BotWorld


async def test_a_persona_is_created_read_changed_and_deleted(world: BotWorld) -> None:
    persona = await world.persona(guidelines=["Use o nome do cliente"], tone="formal")
    url = f"/api/v1/ai/personas/{persona['id']}"

    read = await world.client.get(url, headers=world.agent.headers)
    assert read.status_code == 200
    assert (read.json()["tone"], read.json()["guidelines"]) == ("formal", ["Use o nome do cliente"])

    changed = await world.client.patch(
        url, json={"version": 1, "answer_threshold": 0.7}, headers=world.manager.headers
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["answer_threshold"], changed.json()["version"]) == (0.7, 2)

    stale = await world.client.patch(
        url, json={"version": 1, "tone": "casual"}, headers=world.manager.headers
    )
    assert stale.status_code == 409
    assert stale.json()["code"] == "persona_version_stale"

    deleted = await world.client.delete(url, headers=world.manager.headers)
    assert deleted.status_code == 204
    assert (await world.client.get(url, headers=world.agent.headers)).status_code == 404


async def test_a_number_has_one_persona(world: BotWorld) -> None:
    await world.persona(name="Sofia")

    second = await world.client.post(
        "/api/v1/ai/personas",
        json={"name": "Bruno", "channel_account_ids": [str(world.account_id)]},
        headers=world.manager.headers,
    )

    assert second.status_code == 409
    assert second.json()["code"] == "channel_account_taken"
    disabled = await world.client.post(
        "/api/v1/ai/personas",
        json={"name": "Bruno", "enabled": False, "channel_account_ids": [str(world.account_id)]},
        headers=world.manager.headers,
    )
    assert disabled.status_code == 201, "a disabled one may wait on the number"


async def test_bad_settings_get_clear_errors(world: BotWorld) -> None:
    for body, where in (
        ({"name": "X", "min_delay_seconds": 5, "max_delay_seconds": 1}, "min_delay"),
        (
            {
                "name": "X",
                "business_hours": {
                    "time_zone": "Mars/Olympus",
                    "days": [0],
                    "start": "09:00",
                    "end": "18:00",
                },
            },
            "time zone",
        ),
        ({"name": "X", "answer_threshold": 1.5}, "answer_threshold"),
    ):
        response = await world.client.post(
            "/api/v1/ai/personas", json=body, headers=world.manager.headers
        )
        assert response.status_code == 422, body
        assert response.headers["content-type"].startswith("application/problem+json")
        assert where in response.text, (where, response.text)


async def test_agents_read_but_only_managers_write(world: BotWorld) -> None:
    response = await world.client.post(
        "/api/v1/ai/personas", json={"name": "Sofia"}, headers=world.agent.headers
    )
    assert response.status_code == 403


async def test_another_companys_personas_and_knowledge_are_out_of_reach(world: BotWorld) -> None:
    persona = await world.persona()
    theirs = await world.create_base("deles", caller=world.stranger())
    stranger = world.stranger()
    url = f"/api/v1/ai/personas/{persona['id']}"

    for method, path, body in (
        ("GET", url, None),
        ("PATCH", url, {"tone": "casual"}),
        ("DELETE", url, None),
        ("POST", f"{url}/console", {"messages": [{"author": "customer", "text": "oi"}]}),
    ):
        response = await world.client.request(method, path, json=body, headers=stranger.headers)
        assert response.status_code == 404, (method, path, response.text)
    listed = await world.client.get("/api/v1/ai/personas", headers=stranger.headers)
    assert persona["id"] not in {p["id"] for p in listed.json()["items"]}

    borrowed = await world.client.patch(
        url, json={"knowledge_base_ids": [theirs["id"]]}, headers=world.manager.headers
    )
    assert borrowed.status_code == 422
    assert borrowed.json()["code"] == "knowledge_base_unknown"
    assert (
        await world.client.get(f"/api/v1/ai/runs/{uuid.uuid4()}", headers=stranger.headers)
    ).status_code == 404
