"""A tiny real HTTP webhook receiver: records every delivery byte for byte.

It answers Meta's verification handshake and the signed POSTs; a test can make it
refuse the next deliveries (``fail_next``) to watch the sandbox retry.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Query, Request, Response
from fastapi.responses import PlainTextResponse

from mia_meta_sandbox.testing import free_listener, serve_app

__all__ = ["Received", "WebhookReceiver", "running_receiver"]

# meta-ingest's development default, which the sandbox sends in its handshake.
DEV_VERIFY_TOKEN = "dev-only-meta-verify-token"


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    raw: bytes
    answered: int

    @property
    def body(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.raw)
        return parsed

    def signed_with(self, app_secret: str) -> bool:
        header = self.headers.get("x-hub-signature-256", "")
        expected = hmac.new(app_secret.encode(), self.raw, hashlib.sha256).hexdigest()
        return hmac.compare_digest(header, f"sha256={expected}")

    @property
    def value(self) -> dict[str, Any]:
        value: dict[str, Any] = self.body["entry"][0]["changes"][0]["value"]
        return value


class WebhookReceiver:
    def __init__(self, url: str, *, verify_token: str = DEV_VERIFY_TOKEN) -> None:
        self.url = url
        self.verify_token = verify_token
        self.received: list[Received] = []
        self._refusals: deque[int] = deque()
        self.app = FastAPI()
        self.app.add_api_route("/webhooks/meta", self._verify, methods=["GET"])
        self.app.add_api_route("/webhooks/meta", self._receive, methods=["POST"])

    async def _verify(
        self,
        mode: str = Query(alias="hub.mode"),
        token: str = Query(alias="hub.verify_token"),
        challenge: str = Query(alias="hub.challenge"),
    ) -> Response:
        if mode != "subscribe" or token != self.verify_token:
            return Response(status_code=403)
        return PlainTextResponse(challenge)

    async def _receive(self, request: Request) -> Response:
        raw = await request.body()
        status = self._refusals.popleft() if self._refusals else 200
        self.received.append(Received(dict(request.headers), raw, status))
        return Response(status_code=status)

    def fail_next(self, count: int = 1, *, status: int = 500) -> None:
        self._refusals.extend([status] * count)

    def clear(self) -> None:
        self.received.clear()
        self._refusals.clear()

    def accepted(self) -> list[Received]:
        return [r for r in self.received if r.answered < 300]

    def statuses(self, wamid: str | None = None) -> list[dict[str, Any]]:
        """Status entries of the accepted deliveries, in arrival order."""
        found = [s for r in self.accepted() for s in r.value.get("statuses", [])]
        return [s for s in found if wamid is None or s["id"] == wamid]

    def messages(self) -> list[Received]:
        return [r for r in self.accepted() if r.value.get("messages")]


@asynccontextmanager
async def running_receiver(**options: Any) -> AsyncIterator[WebhookReceiver]:
    listener, base = free_listener()
    receiver = WebhookReceiver(f"{base}/webhooks/meta", **options)
    async with serve_app(receiver.app, listener):
        yield receiver
