"""A model test's world: a tenant pointed at the fake OpenAI under a key of its own, its
callers, and the calls the tests repeat."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from fastapi import FastAPI

from mia_ai_agent.config import AiAgentSettings
from mia_ai_agent.context import AiAgentContext
from mia_ai_agent.llm.client import TenantModel
from mia_common.db import unit_of_work
from mia_common.identity import Identity, Role, issue_identity_token
from mia_fake_openai.testing import FakeOpenAIHandle
from support.knowledge import TenantCaller

__all__ = ["ModelWorld"]


class ModelWorld:
    def __init__(
        self,
        *,
        app: FastAPI,
        client: httpx.AsyncClient,
        settings: AiAgentSettings,
        fake: FakeOpenAIHandle,
    ) -> None:
        self.app = app
        self.client = client
        self.settings = settings
        self.fake = fake
        self.tenant_id = uuid.uuid4()
        self.manager = self.caller(Role.manager)
        self.agent = self.caller(Role.agent)
        # Long enough that last4 shows, unique so parallel tests never share a script.
        self.api_key = f"sk-test-{uuid.uuid4().hex}"

    @property
    def context(self) -> AiAgentContext:
        context: AiAgentContext = self.app.state.context
        return context

    def caller(
        self, role: Role = Role.manager, *, tenant_id: uuid.UUID | None = None
    ) -> TenantCaller:
        identity = Identity(user_id=uuid.uuid4(), tenant_id=tenant_id or self.tenant_id, role=role)
        token = issue_identity_token(identity, secret=self.settings.identity_token_secret)
        return TenantCaller(identity.tenant_id, role, {"X-Mia-Identity": token})

    def stranger(self) -> TenantCaller:
        return self.caller(Role.owner, tenant_id=uuid.uuid4())

    def body(self, **overrides: Any) -> dict[str, Any]:
        return {
            "base_url": self.fake.base_url,
            "api_key": self.api_key,
            "chat_model": "gpt-4o-mini",
            "timeout_seconds": 5,
            **overrides,
        }

    async def configure(
        self, *, caller: TenantCaller | None = None, **overrides: Any
    ) -> dict[str, Any]:
        response = await self.client.put(
            "/api/v1/ai/model",
            json=self.body(**overrides),
            headers=(caller or self.manager).headers,
        )
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def script(self, *steps: dict[str, Any]) -> None:
        await self.fake.control.script(self.api_key, *steps)

    async def sent(self) -> list[dict[str, Any]]:
        """The bodies the fake received under this world's key, oldest first."""
        return [request.body for request in await self.fake.control.requests(self.api_key)]

    async def model(self) -> TenantModel:
        async with unit_of_work(self.context.infra.sessions) as session:
            model = await self.context.models.for_tenant(session, self.tenant_id)
        assert model is not None
        return model
