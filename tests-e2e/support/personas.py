"""A persona on a connected number, through the gateway: an indexed FAQ knowledge base and
a persona quick to answer (half a second of debounce, no humanized delay to speak of)."""

from __future__ import annotations

from typing import Any

import httpx

from mia_common.testing import wait_until

__all__ = ["persona_on_the_number"]


async def persona_on_the_number(
    gateway: httpx.AsyncClient,
    *,
    account_id: str,
    faq: list[dict[str, str]],
    name: str,
    indexed_seconds: float = 60.0,
    **fields: Any,
) -> dict[str, Any]:
    """``fields`` override the persona's (its delays, its handoff rule)."""
    base = await gateway.post("/api/v1/ai/knowledge-bases", json={"name": "Loja"})
    assert base.status_code == 201, base.text
    base_id = base.json()["id"]
    added = await gateway.post(
        f"/api/v1/ai/knowledge-bases/{base_id}/faq", json={"title": "FAQ", "pairs": faq}
    )
    assert added.status_code == 202, added.text
    path = f"/api/v1/ai/knowledge-bases/{base_id}/documents/{added.json()['id']}"

    async def indexed() -> bool:
        return bool((await gateway.get(path)).json()["status"] == "ready")

    await wait_until(indexed, timeout=indexed_seconds, message="the FAQ indexed")
    persona = await gateway.post(
        "/api/v1/ai/personas",
        json={
            "name": name,
            "channel_account_ids": [account_id],
            "knowledge_base_ids": [base_id],
            "debounce_seconds": 0.5,
            "min_delay_seconds": 0,
            "max_delay_seconds": 0.5,
            **fields,
        },
    )
    assert persona.status_code == 201, persona.text
    return dict(persona.json())
