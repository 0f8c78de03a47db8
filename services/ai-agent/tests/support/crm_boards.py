"""A stand-in for the crm's ``GET /api/v1/pipelines`` (the tenant's boards and stages, as
the crm answers them), scoped by the identity token, for lead progression's tests."""

from __future__ import annotations

import uuid
from typing import Any

from aiohttp import web

from mia_common.identity import IDENTITY_HEADER, verify_identity_token

__all__ = ["CrmBoards"]


class CrmBoards:
    def __init__(self, secret: str) -> None:
        self._secret = secret
        self._boards: dict[uuid.UUID, list[dict[str, Any]]] = {}
        self._runner: web.AppRunner | None = None
        self.url = ""

    def board(self, tenant_id: uuid.UUID, *stage_names: str) -> dict[str, uuid.UUID]:
        """A pipeline of these open stages for the tenant; their ids by name."""
        pipeline_id = uuid.uuid4()
        stages = [
            {
                "id": str(uuid.uuid4()),
                "pipeline_id": str(pipeline_id),
                "name": name,
                "color": "#336699",
                "probability": 10 * n,
                "kind": "open",
                "rotting_days": None,
                "position": n,
            }
            for n, name in enumerate(stage_names)
        ]
        self._boards.setdefault(tenant_id, []).append(
            {"id": str(pipeline_id), "name": "Vendas", "stages": stages}
        )
        return {s["name"]: uuid.UUID(s["id"]) for s in stages}

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/api/v1/pipelines", self._pipelines)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _pipelines(self, request: web.Request) -> web.Response:
        try:
            identity = verify_identity_token(
                request.headers.get(IDENTITY_HEADER, ""), secret=self._secret
            )
        except Exception:
            return web.json_response({"title": "Unauthorized"}, status=401)
        return web.json_response(
            {"items": self._boards.get(identity.tenant_id, []), "next_cursor": None}
        )
