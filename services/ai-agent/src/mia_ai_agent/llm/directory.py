"""Every tenant's model, built once per version of its settings.

``for_tenant`` reads the settings row (one primary-key read: the call it precedes takes
a thousand times longer) and answers the cached ``TenantModel`` while the row's version
is the one it was built from; otherwise it opens the key again and builds a new client.
The key is decrypted once per version, never logged, and lives only inside the SDK
client. A replaced client is closed once calls still using it had time to end.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime
from typing import cast

import openai
from sqlalchemy.ext.asyncio import AsyncSession

from mia_ai_agent.llm.client import TenantModel
from mia_ai_agent.llm.prices import Prices, default_prices
from mia_ai_agent.llm.repository import ModelSettingsRepository
from mia_ai_agent.llm.retries import RetryPolicy
from mia_ai_agent.llm.secrets import open_api_key
from mia_ai_agent.models.provider import ModelSettings
from mia_common.crypto import KeyRing

__all__ = ["NO_KEY", "ModelDirectory"]

# Sent when the endpoint needs no key (Ollama, a local vLLM): the SDK insists on one and
# would otherwise read OPENAI_API_KEY from this process's environment for a tenant.
NO_KEY = "no-key"
_CLOSE_GRACE_SECONDS = 5.0
# The SDK would add OPENAI_ORG_ID and OPENAI_PROJECT_ID from this process's environment to
# every tenant's calls (and OpenAI refuses a key outside the organization named): omitted.
_NO_PROCESS_ACCOUNT = cast(
    "dict[str, str]", {"OpenAI-Organization": openai.omit, "OpenAI-Project": openai.omit}
)


class ModelDirectory:
    def __init__(self, key_ring: KeyRing, *, retry: RetryPolicy | None = None) -> None:
        self._ring = key_ring
        self._retry = retry or RetryPolicy()
        self._models: dict[uuid.UUID, tuple[tuple[int, datetime], TenantModel]] = {}
        # Replaced clients waiting to be closed, by the task that will close them.
        self._retiring: dict[asyncio.Task[None], TenantModel] = {}

    async def for_tenant(self, session: AsyncSession, tenant_id: uuid.UUID) -> TenantModel | None:
        """The tenant's model, or None when it has none (personas answer extractively)."""
        row = await ModelSettingsRepository.from_session(session).get(tenant_id)
        cached = self._models.get(tenant_id)
        if row is None:
            if cached is not None:
                self._retire(self._models.pop(tenant_id)[1])
            return None
        # The version restarts at 1 after a delete; the update time tells those apart.
        stamp = (row.version, row.updated_at)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        model = self.build(row)
        self._models[tenant_id] = (stamp, model)
        if cached is not None:
            self._retire(cached[1])
        return model

    def build(self, row: ModelSettings) -> TenantModel:
        """A model for ``row`` without caching it."""
        api_key = (
            open_api_key(self._ring, row.tenant_id, row.api_key_sealed)
            if row.api_key_sealed
            else NO_KEY
        )
        client = openai.AsyncOpenAI(
            base_url=row.base_url,
            api_key=api_key,
            timeout=row.timeout_seconds,
            max_retries=0,
            default_headers=_NO_PROCESS_ACCOUNT,
        )
        return TenantModel(
            tenant_id=row.tenant_id,
            client=client,
            chat_model=row.chat_model,
            embedding_model=row.embedding_model,
            prices=Prices(row.input_price_per_million, row.output_price_per_million),
            embedding_prices=default_prices(row.embedding_model or ""),
            version=row.version,
            retry=self._retry,
        )

    def _retire(self, model: TenantModel) -> None:
        timeout = model.client.timeout
        seconds = float(timeout) if isinstance(timeout, float | int) else 60.0

        async def close_later() -> None:
            # Calls begun on the old client end within its timeout; then it may go.
            await asyncio.sleep(seconds + _CLOSE_GRACE_SECONDS)
            await model.client.close()

        task = asyncio.get_running_loop().create_task(close_later())
        self._retiring[task] = model
        task.add_done_callback(lambda done: self._retiring.pop(done, None))

    async def aclose(self) -> None:
        retiring = list(self._retiring.items())
        self._retiring.clear()
        for task, model in retiring:
            task.cancel()
            await model.client.close()
        for _, model in self._models.values():
            await model.client.close()
        self._models.clear()
