"""``/api/v1/ai/model``: managers point the company at a model, anyone reads it, the key
stays sealed and unseen, and no other tenant sees or changes it."""

from __future__ import annotations

import logging
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from mia_ai_agent.llm.secrets import open_api_key
from mia_common.db import unit_of_work
from support.models import ModelWorld

MODEL_PATH = "/api/v1/ai/model"


async def test_a_manager_saves_the_model_and_an_agent_reads_it_without_the_key(
    world: ModelWorld,
) -> None:
    saved = await world.configure()

    read = await world.client.get(MODEL_PATH, headers=world.agent.headers)

    assert read.status_code == 200
    assert read.json() == saved
    assert saved["base_url"] == world.fake.base_url
    assert saved["has_key"] is True
    assert saved["key_last4"] == world.api_key[-4:]
    assert saved["chat_model"] == "gpt-4o-mini"
    assert saved["version"] == 1
    # gpt-4o-mini's list price, as nobody gave one
    assert saved["input_price_per_million_usd"] == "0.1500"
    assert saved["output_price_per_million_usd"] == "0.6000"
    assert saved["monthly_budget_usd"] is None
    assert world.api_key not in read.text


async def test_the_key_is_sealed_in_the_database(world: ModelWorld, db_engine: AsyncEngine) -> None:
    await world.configure()

    async with db_engine.connect() as connection:
        sealed, last4 = (
            await connection.execute(
                text(
                    "SELECT api_key_sealed, api_key_last4 FROM model_settings WHERE tenant_id = :t"
                ),
                {"t": world.tenant_id},
            )
        ).one()

    assert world.api_key not in sealed
    assert sealed.startswith(f"v1.{world.context.key_ring.active_key_id}.")
    assert last4 == world.api_key[-4:]
    assert open_api_key(world.context.key_ring, world.tenant_id, sealed) == world.api_key
    with pytest.raises(Exception, match="failed authentication"):
        # Bound to its tenant: copied into another tenant's row it no longer opens.
        open_api_key(world.context.key_ring, uuid.uuid4(), sealed)


async def test_every_change_bumps_the_version_and_an_omitted_key_is_kept(world: ModelWorld) -> None:
    await world.configure()
    body = world.body(chat_model="gpt-4o", monthly_budget_usd="25.00")
    del body["api_key"]

    changed = await world.client.put(MODEL_PATH, json=body, headers=world.manager.headers)
    removed = await world.configure(api_key="")

    assert changed.status_code == 200
    assert changed.json()["version"] == 2
    assert changed.json()["has_key"] is True
    assert changed.json()["input_price_per_million_usd"] == "2.5000"
    assert changed.json()["monthly_budget_usd"] == "25.00"
    assert removed["version"] == 3
    assert removed["has_key"] is False
    assert removed["key_last4"] is None


async def test_prices_given_replace_the_defaults(world: ModelWorld) -> None:
    saved = await world.configure(
        chat_model="llama3.1",
        input_price_per_million_usd="0.5",
        output_price_per_million_usd="1.25",
    )
    unknown = await world.configure(chat_model="my-own-model")

    assert saved["input_price_per_million_usd"] == "0.5000"
    assert saved["output_price_per_million_usd"] == "1.2500"
    assert unknown["input_price_per_million_usd"] == "0.0000"


@pytest.mark.parametrize(
    "base_url",
    ["ftp://models.example.com/v1", "file:///etc/passwd", "not a url", "https://user:pw@x.io/v1"],
)
async def test_the_base_url_must_be_http_or_https(world: ModelWorld, base_url: str) -> None:
    response = await world.client.put(
        MODEL_PATH, json=world.body(base_url=base_url), headers=world.manager.headers
    )

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert world.api_key not in response.text


async def test_an_agent_may_read_but_not_change_the_model(world: ModelWorld) -> None:
    put = await world.client.put(MODEL_PATH, json=world.body(), headers=world.agent.headers)
    delete = await world.client.delete(MODEL_PATH, headers=world.agent.headers)
    test = await world.client.post(f"{MODEL_PATH}/test", headers=world.agent.headers)

    assert [put.status_code, delete.status_code, test.status_code] == [403, 403, 403]


async def test_removing_the_model_goes_back_to_none(world: ModelWorld) -> None:
    await world.configure()
    assert await world.model() is not None

    removed = await world.client.delete(MODEL_PATH, headers=world.manager.headers)
    read = await world.client.get(MODEL_PATH, headers=world.agent.headers)

    assert removed.status_code == 204
    assert read.status_code == 404
    assert read.json()["code"] == "model_not_configured"
    async with unit_of_work(world.context.infra.sessions) as session:
        assert await world.context.models.for_tenant(session, world.tenant_id) is None


async def test_another_tenant_never_sees_or_changes_the_model(world: ModelWorld) -> None:
    await world.configure()
    stranger = world.stranger()

    read = await world.client.get(MODEL_PATH, headers=stranger.headers)
    tried = await world.client.post(f"{MODEL_PATH}/test", headers=stranger.headers)
    removed = await world.client.delete(MODEL_PATH, headers=stranger.headers)
    own = await world.client.put(
        MODEL_PATH,
        json=world.body(api_key="sk-stranger-000000000000", chat_model="gpt-4.1"),
        headers=stranger.headers,
    )
    ours = await world.client.get(MODEL_PATH, headers=world.agent.headers)

    assert read.status_code == 404
    assert tried.status_code == 404
    assert removed.status_code == 204
    assert own.json()["version"] == 1
    assert ours.json()["chat_model"] == "gpt-4o-mini"
    assert ours.json()["key_last4"] == world.api_key[-4:]
    assert ours.json()["version"] == 1


async def test_trying_the_model_answers_with_its_reply(world: ModelWorld) -> None:
    await world.configure()
    await world.script({"content": "OK"})

    response = await world.client.post(f"{MODEL_PATH}/test", headers=world.manager.headers)

    assert response.status_code == 200, response.text
    assert response.json()["ok"] is True
    assert response.json()["reply"] == "OK"
    assert response.json()["model"] == "gpt-4o-mini"
    [sent] = await world.sent()
    assert sent["model"] == "gpt-4o-mini"
    assert sent["max_tokens"] == 5


async def test_trying_without_a_model_is_a_404(world: ModelWorld) -> None:
    response = await world.client.post(f"{MODEL_PATH}/test", headers=world.manager.headers)

    assert response.status_code == 404
    assert response.json()["code"] == "model_not_configured"


@pytest.mark.parametrize(
    ("overrides", "step", "reason", "words"),
    [
        ({"api_key": "sk-invalid-0000000000000000"}, None, "auth", "Incorrect API key"),
        ({"chat_model": "gpt-9-ultra"}, None, "not_found", "does not exist"),
        ({}, {"error": {"status": 503}}, "server", "overloaded"),
        ({}, {"error": {"status": 429, "retry_after": 20}}, "rate_limited", "Rate limit"),
    ],
)
async def test_trying_passes_the_providers_refusal_on_as_a_502(
    world: ModelWorld,
    overrides: dict[str, str],
    step: dict[str, object] | None,
    reason: str,
    words: str,
) -> None:
    await world.configure(**overrides)
    if step is not None:
        await world.script(step)

    response = await world.client.post(f"{MODEL_PATH}/test", headers=world.manager.headers)

    assert response.status_code == 502, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "model_provider_error"
    assert problem["reason"] == reason
    assert words in problem["detail"]
    assert overrides.get("api_key", world.api_key) not in response.text


async def test_trying_a_model_that_does_not_answer_in_time_is_a_504(world: ModelWorld) -> None:
    await world.configure(timeout_seconds=1)
    await world.script({"content": "late", "delay_seconds": 10})

    response = await world.client.post(f"{MODEL_PATH}/test", headers=world.manager.headers)

    assert response.status_code == 504
    assert response.json()["code"] == "model_timeout"


async def test_the_key_never_reaches_a_response_or_a_log_line(
    world: ModelWorld, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    answers = [await world.configure()]
    await world.script({"content": "OK"}, {"error": {"status": 500}})
    for _ in range(2):
        answers.append(
            (await world.client.post(f"{MODEL_PATH}/test", headers=world.manager.headers)).json()
        )
    answers.append((await world.client.get(MODEL_PATH, headers=world.agent.headers)).json())
    model = await world.model()
    await world.script({"error": {"status": 401, "message": "bad key"}})
    with pytest.raises(Exception, match="bad key"):
        await model.chat(messages=[{"role": "user", "content": "hi"}])

    logged = caplog.text + "".join(f"{record.msg}{record.args}" for record in caplog.records)
    assert caplog.records, "nothing was logged: the capture did not work"
    assert world.api_key not in logged
    assert world.api_key not in repr(answers)
    assert world.api_key not in repr(model)
