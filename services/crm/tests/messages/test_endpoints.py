"""The thread API: a conversation's messages, newest first, paged backwards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from support.world import World


async def test_the_thread_pages_backwards_with_before(world: World) -> None:
    start = datetime.now(UTC) - timedelta(minutes=5)
    messages = [
        await world.deliver(text=f"message {index}", sent_at=start + timedelta(minutes=index))
        for index in range(5)
    ]
    url = f"/api/v1/inbox/conversations/{messages[0].conversation_id}/messages"

    newest = await world.get(url, limit=3)
    older = await world.get(url, limit=3, cursor=newest["next_cursor"])

    texts = [m["text"] for m in newest["items"] + older["items"]]
    assert texts == [f"message {index}" for index in (4, 3, 2, 1, 0)]
    assert older["next_cursor"] is None


async def test_another_tenants_thread_is_not_found_whatever_the_cursor(world: World) -> None:
    message = await world.deliver(text="secret")
    url = f"/api/v1/inbox/conversations/{message.conversation_id}/messages"
    stranger = world.stranger()

    for params in ({}, {"cursor": "garbage"}):
        response = await world.client.get(url, params=params, headers=stranger.headers)
        assert response.status_code == 404, (params, response.text)
        assert response.json()["code"] == "conversation_not_found"
    ours = await world.client.get(url, params={"cursor": "garbage"}, headers=world.agent.headers)
    assert ours.status_code == 400
    assert ours.json()["code"] == "invalid_cursor"
