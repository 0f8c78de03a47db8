"""The notes API: the team's internal notes on a conversation, newest first."""

from __future__ import annotations

from support.world import World


async def test_notes_are_kept_newest_first_with_their_author(world: World) -> None:
    message = await world.deliver()
    url = f"/api/v1/inbox/conversations/{message.conversation_id}/notes"
    for text in ("called, no answer", "call again at 3pm"):
        created = await world.client.post(url, json={"text": text}, headers=world.agent.headers)
        assert created.status_code == 201, created.text
        assert created.json()["author_user_id"] == str(world.agent.user_id)
    blank = await world.client.post(url, json={"text": "  "}, headers=world.agent.headers)
    assert blank.status_code == 422

    first = await world.get(url, limit=1)
    rest = await world.get(url, limit=1, cursor=first["next_cursor"])

    assert [n["text"] for n in first["items"] + rest["items"]] == [
        "call again at 3pm",
        "called, no answer",
    ]
    assert rest["next_cursor"] is None
