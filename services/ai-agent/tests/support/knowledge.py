"""A knowledge test's world: a tenant's callers and the API calls the tests repeat."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from mia_ai_agent.config import AiAgentSettings
from mia_common.identity import Identity, Role, issue_identity_token
from mia_common.testing import wait_until

__all__ = ["KnowledgeWorld", "TenantCaller"]


@dataclass(frozen=True)
class TenantCaller:
    tenant_id: uuid.UUID
    role: Role
    headers: dict[str, str]


class KnowledgeWorld:
    def __init__(self, *, client: httpx.AsyncClient, settings: AiAgentSettings) -> None:
        self.client = client
        self.settings = settings
        self.tenant_id = uuid.uuid4()
        self.manager = self.caller(Role.manager)
        self.agent = self.caller(Role.agent)

    def caller(
        self, role: Role = Role.manager, *, tenant_id: uuid.UUID | None = None
    ) -> TenantCaller:
        identity = Identity(user_id=uuid.uuid4(), tenant_id=tenant_id or self.tenant_id, role=role)
        token = issue_identity_token(identity, secret=self.settings.identity_token_secret)
        return TenantCaller(identity.tenant_id, role, {"X-Mia-Identity": token})

    def stranger(self) -> TenantCaller:
        return self.caller(Role.owner, tenant_id=uuid.uuid4())

    async def create_base(
        self, name: str | None = None, *, caller: TenantCaller | None = None, **body: Any
    ) -> dict[str, Any]:
        response = await self.client.post(
            "/api/v1/ai/knowledge-bases",
            json={"name": name or f"base {uuid.uuid4().hex[:6]}", **body},
            headers=(caller or self.manager).headers,
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def add_faq(
        self,
        base_id: str,
        pairs: list[tuple[str, str]],
        *,
        caller: TenantCaller | None = None,
        title: str = "FAQ",
    ) -> dict[str, Any]:
        response = await self.client.post(
            f"/api/v1/ai/knowledge-bases/{base_id}/faq",
            json={"title": title, "pairs": [{"question": q, "answer": a} for q, a in pairs]},
            headers=(caller or self.manager).headers,
        )
        assert response.status_code == 202, response.text
        return dict(response.json())

    async def upload(
        self,
        base_id: str,
        filename: str,
        data: bytes,
        content_type: str,
        *,
        caller: TenantCaller | None = None,
    ) -> httpx.Response:
        return await self.client.post(
            f"/api/v1/ai/knowledge-bases/{base_id}/documents",
            files={"file": (filename, data, content_type)},
            headers=(caller or self.manager).headers,
        )

    async def document(
        self, base_id: str, document_id: str, *, caller: TenantCaller | None = None
    ) -> dict[str, Any]:
        response = await self.client.get(
            f"/api/v1/ai/knowledge-bases/{base_id}/documents/{document_id}",
            headers=(caller or self.manager).headers,
        )
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def until_ready(
        self, base_id: str, document_id: str, *, caller: TenantCaller | None = None
    ) -> dict[str, Any]:
        async def ready() -> dict[str, Any] | None:
            document = await self.document(base_id, document_id, caller=caller)
            assert document["status"] != "failed", document
            return document if document["status"] == "ready" else None

        return await wait_until(ready, timeout=60, interval=0.05, message="document ready")

    async def chunks(self, base_id: str, document_id: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        cursor = None
        while True:
            response = await self.client.get(
                f"/api/v1/ai/knowledge-bases/{base_id}/documents/{document_id}/chunks",
                params={"limit": 200, **({"cursor": cursor} if cursor else {})},
                headers=self.manager.headers,
            )
            assert response.status_code == 200, response.text
            page = response.json()
            items.extend(page["items"])
            cursor = page["next_cursor"]
            if cursor is None:
                return items

    async def search(
        self, base_id: str, query: str, *, limit: int = 5, caller: TenantCaller | None = None
    ) -> list[dict[str, Any]]:
        response = await self.client.post(
            f"/api/v1/ai/knowledge-bases/{base_id}/search",
            json={"query": query, "limit": limit},
            headers=(caller or self.agent).headers,
        )
        assert response.status_code == 200, response.text
        return list(response.json()["passages"])
