"""The control API tests drive the fake with, per API key: queue answers (``POST
/_fake/script``), read what was received (``GET /_fake/requests?key=``), forget a key or
everything (``POST /_fake/reset``). Not part of OpenAI's API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from mia_fake_openai.context import FakeOpenAI, fake_of
from mia_fake_openai.script import ReceivedRequest, ScriptIn

__all__ = ["router"]

router = APIRouter(prefix="/_fake", tags=["control"])
FakeDep = Annotated[FakeOpenAI, Depends(fake_of)]


class ScriptOut(BaseModel):
    key: str
    pending: int


class RequestsOut(BaseModel):
    key: str
    requests: list[ReceivedRequest]


@router.post("/script", response_model=ScriptOut, summary="Queue answers for a key's next requests")
async def add_script(body: ScriptIn, fake: FakeDep) -> ScriptOut:
    fake.scripts.add(body.key, body.steps)
    return ScriptOut(key=body.key, pending=fake.scripts.pending(body.key))


@router.get(
    "/requests", response_model=RequestsOut, summary="The requests a key made, oldest first"
)
async def received(fake: FakeDep, key: Annotated[str, Query(min_length=1)]) -> RequestsOut:
    return RequestsOut(key=key, requests=fake.scripts.requests(key))


@router.post(
    "/reset", status_code=204, summary="Forget a key's script and requests (or every key's)"
)
async def reset(fake: FakeDep, key: Annotated[str | None, Query()] = None) -> None:
    fake.scripts.reset(key)
