"""The API contract checker finds what a generated client would trip over, and only that."""

from __future__ import annotations

from typing import Annotated

import httpx
from fastapi import Depends, FastAPI, Header
from pydantic import BaseModel, Field

from mia_common.errors import Unauthorized, install_problem_handlers
from mia_common.openapi import document_problems
from mia_common.testing.api_contract import check_api_contract
from mia_common.text import ApiStr

TOKEN = "let-me-in"


async def identity(x_test_identity: Annotated[str | None, Header()] = None) -> str:
    if x_test_identity != TOKEN:
        raise Unauthorized("no identity", code="identity_missing")
    return x_test_identity


class Note(BaseModel):
    text: Annotated[ApiStr, Field(min_length=1, max_length=50)]


def notes_app(*, broken: bool) -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/notes", status_code=201, dependencies=[Depends(identity)])
    async def add(note: Note) -> Note:
        if broken and len(note.text) > 3:
            raise RuntimeError("a bug on long notes")
        return note

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    document_problems(app)
    return app


async def check(app: FastAPI) -> list[str]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        failures = await check_api_contract(
            client, headers={"x-test-identity": TOKEN}, public=["GET /healthz"], examples=20
        )
    return [str(failure) for failure in failures]


async def test_a_conforming_api_passes() -> None:
    assert await check(notes_app(broken=False)) == []


async def test_a_server_error_is_found_and_says_what_was_sent() -> None:
    failures = await check(notes_app(broken=True))
    assert failures, "the 500 on long notes is found"
    assert all(failure.startswith("POST /notes: POST /notes") for failure in failures)
    assert any("-> 500" in failure for failure in failures)


async def test_an_operation_open_to_anyone_is_found() -> None:
    app = notes_app(broken=False)
    failures = await check_api_contract(
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t"),
        headers={"x-test-identity": TOKEN},
        examples=2,
    )
    assert [f.operation for f in failures if "without an identity" in f.request] == [
        "GET /healthz"
    ], "healthz answers 200 to anyone: reported unless declared public"
