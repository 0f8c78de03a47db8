"""The tenant's board stages, asked of the crm (``GET /api/v1/pipelines`` with a short
identity token of the tenant) and kept a minute: lead progression names a stage by its id,
and the model chooses among the stages' names."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import httpx

from mia_common.identity import IDENTITY_HEADER, Identity, Role, issue_identity_token

__all__ = ["CrmStages", "Stage"]

# Who the ai-agent is when it asks the crm for a tenant's stages (no person: a fixed id).
_AGENT_USER = uuid.UUID("00000000-0000-7000-8000-00000000a1a1")


@dataclass(frozen=True, slots=True)
class Stage:
    id: uuid.UUID
    name: str
    pipeline: str
    kind: str


class CrmStages:
    def __init__(self, *, base_url: str, secret: str, ttl_seconds: float = 60.0) -> None:
        self._base_url = base_url.rstrip("/")
        self._secret = secret
        self._ttl = ttl_seconds
        self._cache: dict[uuid.UUID, tuple[float, list[Stage]]] = {}
        self._http: httpx.AsyncClient | None = None

    async def of_tenant(self, tenant_id: uuid.UUID) -> list[Stage]:
        cached = self._cache.get(tenant_id)
        if cached is not None and time.monotonic() - cached[0] < self._ttl:
            return cached[1]
        token = issue_identity_token(
            Identity(user_id=_AGENT_USER, tenant_id=tenant_id, role=Role.agent),
            secret=self._secret,
            ttl_seconds=60,
        )
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=5.0)
        response = await self._http.get(
            f"{self._base_url}/api/v1/pipelines",
            params={"limit": 20},
            headers={IDENTITY_HEADER: token},
        )
        response.raise_for_status()
        stages = [
            Stage(uuid.UUID(s["id"]), s["name"], pipeline["name"], s["kind"])
            for pipeline in response.json()["items"]
            for s in pipeline["stages"]
        ]
        self._cache[tenant_id] = (time.monotonic(), stages)
        return stages

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None
