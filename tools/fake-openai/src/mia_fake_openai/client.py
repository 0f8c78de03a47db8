"""A typed client of the control API, for tests of the fake and of code that calls it."""

from __future__ import annotations

from types import TracebackType
from typing import Any, Self

import httpx

from mia_fake_openai.script import ReceivedRequest, ScriptedStep

__all__ = ["FakeOpenAIControl"]


class FakeOpenAIControl:
    def __init__(self, url: str) -> None:
        self._http = httpx.AsyncClient(base_url=url, timeout=10.0)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def script(self, key: str, *steps: ScriptedStep | dict[str, Any]) -> int:
        """Queue answers for ``key``'s next requests; returns how many are pending."""
        payload = [
            step.model_dump(mode="json", by_alias=True, exclude_defaults=True)
            if isinstance(step, ScriptedStep)
            else step
            for step in steps
        ]
        response = await self._http.post("/_fake/script", json={"key": key, "steps": payload})
        response.raise_for_status()
        pending: int = response.json()["pending"]
        return pending

    async def requests(self, key: str) -> list[ReceivedRequest]:
        response = await self._http.get("/_fake/requests", params={"key": key})
        response.raise_for_status()
        return [ReceivedRequest.model_validate(item) for item in response.json()["requests"]]

    async def reset(self, key: str | None = None) -> None:
        response = await self._http.post("/_fake/reset", params={} if key is None else {"key": key})
        response.raise_for_status()
