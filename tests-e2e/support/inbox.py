"""Reading a tenant's inbox from the crm's API, the way the dashboard does."""

from __future__ import annotations

from typing import Any

import httpx

__all__ = ["all_conversations", "all_messages"]


async def _pages(client: httpx.AsyncClient, path: str, cursor_param: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 100, **({cursor_param: cursor} if cursor else {})}
        page = await client.get(path, params=params)
        assert page.status_code == 200, page.text
        body = page.json()
        items.extend(body["items"])
        cursor = body.get("next_cursor")
        if not cursor:
            return items


async def all_conversations(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    return await _pages(client, "/api/v1/inbox/conversations", "cursor")


async def all_messages(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    """Every message of every conversation of the caller's tenant."""
    messages: list[dict[str, Any]] = []
    for conversation in await all_conversations(client):
        path = f"/api/v1/inbox/conversations/{conversation['id']}/messages"
        messages.extend(await _pages(client, path, "before"))
    return messages
