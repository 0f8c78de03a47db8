"""``/api/v1/ai/model``: the company's OpenAI-compatible model. Any user reads the settings
(never the key: whether one is set and its last four characters); managers and above
save, remove and try them."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Response

from mia_ai_agent.context import ContextDep
from mia_ai_agent.identity import Caller, Manager
from mia_ai_agent.llm.schemas import ModelSettingsIn, ModelSettingsOut, ModelTestOut
from mia_ai_agent.llm.service import (
    delete_model_settings,
    read_model_settings,
    save_model_settings,
    try_model,
)
from mia_common.db.requests import SessionDep

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/ai", tags=["llm"])


@router.get(
    "/model",
    response_model=ModelSettingsOut,
    summary="The company's model settings",
    description="404 `model_not_configured`: no model; personas answer from the knowledge base.",
)
async def read(caller: Caller, session: SessionDep) -> ModelSettingsOut:
    return await read_model_settings(session, tenant_id=caller.tenant_id)


@router.put(
    "/model",
    response_model=ModelSettingsOut,
    summary="Point the company at an OpenAI-compatible model",
    description="Replaces the settings; the key is kept when `api_key` is omitted. Prices"
    " left out take the list price of a well-known model. 422 `model_url_refused` (a"
    " private address where the platform allows none); 409 `model_settings_conflict`.",
)
async def save(
    body: ModelSettingsIn, caller: Manager, session: SessionDep, context: ContextDep
) -> ModelSettingsOut:
    return await save_model_settings(
        session,
        tenant_id=caller.tenant_id,
        body=body,
        key_ring=context.key_ring,
        allow_private_networks=context.settings.model_private_networks_allowed,
    )


@router.delete(
    "/model",
    status_code=204,
    response_class=Response,
    summary="Remove the model: personas answer from the knowledge base again",
)
async def remove(caller: Manager, session: SessionDep) -> None:
    await delete_model_settings(session, tenant_id=caller.tenant_id)


@router.post(
    "/model/test",
    response_model=ModelTestOut,
    summary="Try the saved settings with a tiny completion",
    description="404 `model_not_configured`; 502 `model_provider_error` with the endpoint's"
    " own message (a wrong key, an unknown model, an outage); 504 `model_timeout`.",
)
async def try_it(caller: Manager, session: SessionDep, context: ContextDep) -> ModelTestOut:
    return await try_model(
        session,
        tenant_id=caller.tenant_id,
        directory=context.models,
        ai_topic=context.settings.ai_topic,
        now=datetime.now(UTC),
    )
