"""The rules of the tenant's model settings: save (sealing the key, defaulting prices,
bumping the version), read (never the key), remove, and try the endpoint."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from mia_ai_agent.llm.destinations import check_destination
from mia_ai_agent.llm.directory import ModelDirectory
from mia_ai_agent.llm.errors import (
    ModelNotConfigured,
    ModelProviderError,
    ModelProviderTimeout,
    ModelSettingsConflict,
    ModelUnavailable,
    UnavailableReason,
)
from mia_ai_agent.llm.prices import default_prices
from mia_ai_agent.llm.repository import ModelSettingsRepository
from mia_ai_agent.llm.retries import RetryPolicy
from mia_ai_agent.llm.schemas import ModelSettingsIn, ModelSettingsOut, ModelTestOut
from mia_ai_agent.llm.secrets import last4, seal_api_key
from mia_ai_agent.models.provider import ModelSettings
from mia_ai_agent.usage.recorder import record_usage
from mia_common.crypto import KeyRing

__all__ = ["delete_model_settings", "read_model_settings", "save_model_settings", "try_model"]

# The console's check: one attempt, a few tokens. The manager waits for the verdict.
_TEST_RETRY = RetryPolicy(attempts=1, max_wait_seconds=0)
_TEST_PROMPT = "Reply with the single word OK."
_PRICE_PLACES = Decimal("0.0001")
_CENTS = Decimal("0.01")


def _price(given: Decimal | None, default: Decimal) -> Decimal:
    return (default if given is None else given).quantize(_PRICE_PLACES, rounding=ROUND_HALF_UP)


def settings_out(row: ModelSettings) -> ModelSettingsOut:
    return ModelSettingsOut(
        base_url=row.base_url,
        has_key=row.api_key_sealed is not None,
        key_last4=row.api_key_last4,
        chat_model=row.chat_model,
        embedding_model=row.embedding_model,
        timeout_seconds=row.timeout_seconds,
        input_price_per_million_usd=row.input_price_per_million,
        output_price_per_million_usd=row.output_price_per_million,
        monthly_budget_usd=row.monthly_budget_usd,
        version=row.version,
        updated_at=row.updated_at,
    )


async def read_model_settings(session: AsyncSession, *, tenant_id: uuid.UUID) -> ModelSettingsOut:
    row = await ModelSettingsRepository.from_session(session).get(tenant_id)
    if row is None:
        raise ModelNotConfigured()
    return settings_out(row)


async def save_model_settings(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    body: ModelSettingsIn,
    key_ring: KeyRing,
    allow_private_networks: bool,
) -> ModelSettingsOut:
    await check_destination(body.base_url, allow_private_networks=allow_private_networks)
    repository = ModelSettingsRepository.from_session(session)
    row = await repository.get(tenant_id, for_update=True)
    if row is None:
        row = ModelSettings(tenant_id=tenant_id, version=0)
        repository.add(row)
    prices = default_prices(body.chat_model)
    row.base_url = body.base_url
    row.chat_model = body.chat_model
    row.embedding_model = body.embedding_model
    row.timeout_seconds = body.timeout_seconds
    # Quantized to the columns' scale: the answer reads as a later GET will.
    row.input_price_per_million = _price(body.input_price_per_million_usd, prices.input_per_million)
    row.output_price_per_million = _price(
        body.output_price_per_million_usd, prices.output_per_million
    )
    row.monthly_budget_usd = (
        None
        if body.monthly_budget_usd is None
        else body.monthly_budget_usd.quantize(_CENTS, rounding=ROUND_HALF_UP)
    )
    if body.api_key is not None:
        key = body.api_key.get_secret_value().strip()
        row.api_key_sealed = seal_api_key(key_ring, tenant_id, key) if key else None
        row.api_key_last4 = last4(key) if key else None
    row.version += 1
    # updated_at is the transaction's time; set here so it reads back without a refresh.
    row.updated_at = datetime.now(UTC)
    try:
        await repository.flush()
    except IntegrityError:
        # Two first saves at once: the other one's row exists now.
        raise ModelSettingsConflict() from None
    return settings_out(row)


async def delete_model_settings(session: AsyncSession, *, tenant_id: uuid.UUID) -> None:
    await ModelSettingsRepository.from_session(session).delete(tenant_id)


async def try_model(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    directory: ModelDirectory,
    ai_topic: str,
    now: datetime,
) -> ModelTestOut:
    """A tiny completion through the saved settings; the provider's refusal as 502 (504
    on a timeout). Its tokens count as the tenant's ``console`` usage."""
    model = await directory.for_tenant(session, tenant_id)
    if model is None:
        raise ModelNotConfigured()
    started = time.monotonic()
    try:
        result = await model.chat(
            messages=[{"role": "user", "content": _TEST_PROMPT}], max_tokens=5, retry=_TEST_RETRY
        )
    except ModelUnavailable as failure:
        if failure.reason is UnavailableReason.TIMEOUT:
            raise ModelProviderTimeout(failure) from None
        raise ModelProviderError(failure) from None
    latency_ms = int((time.monotonic() - started) * 1000)
    await record_usage(
        session,
        tenant_id=tenant_id,
        persona_id=None,
        purpose="console",
        result_or_usage=result,
        model=model.chat_model,
        prices=model.prices,
        run_id=uuid.uuid4(),
        topic=ai_topic,
        now=now,
    )
    return ModelTestOut(
        model=result.model,
        reply=result.content,
        latency_ms=latency_ms,
        prompt_tokens=result.usage.prompt_tokens,
        completion_tokens=result.usage.completion_tokens,
    )
