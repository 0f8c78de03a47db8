"""``GET /v1/models`` and ``GET /v1/models/{id}``: the catalogue, as OpenAI lists models."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from mia_fake_openai.auth import api_key_of
from mia_fake_openai.catalog import ModelCard
from mia_fake_openai.context import FakeOpenAI, fake_of
from mia_fake_openai.errors import model_not_found
from mia_fake_openai.responses import openai_headers

__all__ = ["router"]

router = APIRouter()
FakeDep = Annotated[FakeOpenAI, Depends(fake_of)]
_CREATED = 1_700_000_000


def _model(card: ModelCard) -> dict[str, Any]:
    return {"id": card.id, "object": "model", "created": _CREATED, "owned_by": card.owned_by}


@router.get("/v1/models")
async def list_models(request: Request, fake: FakeDep) -> JSONResponse:
    api_key_of(request)
    return JSONResponse(
        {"object": "list", "data": [_model(card) for card in fake.catalog.all()]},
        headers=openai_headers(),
    )


@router.get("/v1/models/{model_id:path}")
async def read_model(model_id: str, request: Request, fake: FakeDep) -> JSONResponse:
    api_key_of(request)
    card = fake.catalog.get(model_id)
    if card is None:
        raise model_not_found(model_id)
    return JSONResponse(_model(card), headers=openai_headers())
