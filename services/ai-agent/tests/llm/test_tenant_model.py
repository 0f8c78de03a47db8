"""``TenantModel.chat`` through the real ``openai`` SDK against the fake: tools and
structured output round trips, the retries the caps allow, and one ``ModelUnavailable``
for every failure."""

from __future__ import annotations

import dataclasses
import time
import uuid
from decimal import Decimal
from typing import Any

import pytest

from mia_ai_agent.llm.client import TenantModel
from mia_ai_agent.llm.directory import NO_KEY, ModelDirectory
from mia_ai_agent.llm.errors import ModelUnavailable, UnavailableReason
from mia_ai_agent.llm.retries import RetryPolicy
from mia_common.db import unit_of_work
from support.models import ModelWorld

ADD_TAG: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "add_tag",
        "description": "Tag the contact",
        "parameters": {
            "type": "object",
            "properties": {"tag": {"type": "string"}},
            "required": ["tag"],
            "additionalProperties": False,
        },
        "strict": True,
    },
}
VERDICT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "answer": {"type": "string"},
        "confidence": {"type": "number", "minimum": 0, "maximum": 1},
        "handoff": {"type": "boolean"},
    },
    "required": ["answer", "confidence", "handoff"],
    "additionalProperties": False,
}
HELLO = [{"role": "user", "content": "Olá"}]


def with_retry(model: TenantModel, **policy: float) -> TenantModel:
    model.retry = dataclasses.replace(model.retry, **policy)  # type: ignore[arg-type]
    return model


async def test_a_tool_call_and_its_result_round_trip(world: ModelWorld) -> None:
    await world.configure()
    await world.script(
        {"tool_calls": [{"name": "add_tag", "arguments": {"tag": "vip"}}]},
        {"content": "Pronto, marquei você como VIP."},
    )
    model = await world.model()
    messages: list[dict[str, Any]] = [{"role": "user", "content": "Sou cliente VIP"}]

    first = await model.chat(messages=messages, tools=[ADD_TAG], tool_choice="auto")
    [call] = first.tool_calls
    messages += [
        first.assistant_message(),
        {"role": "tool", "tool_call_id": call.id, "content": '{"ok": true}'},
    ]
    second = await model.chat(messages=messages, tools=[ADD_TAG])

    assert first.finish_reason == "tool_calls"
    assert (call.name, call.arguments) == ("add_tag", {"tag": "vip"})
    assert second.content == "Pronto, marquei você como VIP."
    sent = await world.sent()
    assert sent[0]["tools"] == [ADD_TAG]
    assert sent[0]["tool_choice"] == "auto"
    assert sent[1]["messages"][-1] == {
        "role": "tool",
        "tool_call_id": call.id,
        "content": '{"ok": true}',
    }


async def test_structured_output_is_parsed_and_checked_against_the_schema(
    world: ModelWorld,
) -> None:
    await world.configure()
    await world.script({"json": {"answer": "Abrimos às 9h", "confidence": 0.9, "handoff": False}})
    model = await world.model()

    scripted = await model.chat(
        messages=HELLO, json_schema=VERDICT, temperature=0.1, max_tokens=200
    )
    by_default = await model.chat(messages=HELLO, json_schema=VERDICT)

    assert scripted.parsed == {"answer": "Abrimos às 9h", "confidence": 0.9, "handoff": False}
    assert by_default.parsed is not None
    assert set(by_default.parsed) == {"answer", "confidence", "handoff"}
    [first, _] = await world.sent()
    assert first["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "response", "schema": VERDICT, "strict": True},
    }
    assert first["temperature"] == 0.1
    # Not an openai.com host: the limit goes as max_tokens, which every server knows.
    assert first["max_tokens"] == 200


@pytest.mark.parametrize(
    "step",
    [
        {"json": {"answer": "sim", "confidence": 7, "handoff": False}},
        {"content": "Claro! {answer: sim"},
        {"tool_calls": [{"name": "add_tag", "arguments": "{not json"}]},
    ],
)
async def test_an_answer_that_breaks_the_contract_is_bad_output(
    world: ModelWorld, step: dict[str, Any]
) -> None:
    await world.configure()
    await world.script(step)
    model = await world.model()

    with pytest.raises(ModelUnavailable) as failed:
        await model.chat(messages=HELLO, json_schema=VERDICT, tools=[ADD_TAG])

    assert failed.value.reason is UnavailableReason.BAD_OUTPUT
    # The provider charged for it all the same: the caller records these.
    assert failed.value.usage is not None
    assert failed.value.usage.prompt_tokens > 0


async def test_a_429_with_retry_after_is_retried_then_succeeds(world: ModelWorld) -> None:
    await world.configure()
    await world.script({"error": {"status": 429, "retry_after": 1}}, {"content": "Olá!"})
    model = await world.model()

    started = time.monotonic()
    result = await model.chat(messages=HELLO)
    elapsed = time.monotonic() - started

    assert result.content == "Olá!"
    assert len(await world.sent()) == 2
    assert elapsed >= 0.9, "the retry came before the retry-after the provider asked for"


async def test_a_persistent_429_is_rate_limited_within_the_wait_cap(world: ModelWorld) -> None:
    await world.configure()
    await world.script({"error": {"status": 429, "retry_after_ms": 200}, "times": 10})
    model = with_retry(await world.model(), attempts=5, max_wait_seconds=0.5)

    started = time.monotonic()
    with pytest.raises(ModelUnavailable) as failed:
        await model.chat(messages=HELLO)
    elapsed = time.monotonic() - started

    assert failed.value.reason is UnavailableReason.RATE_LIMITED
    assert failed.value.status == 429
    # 200 ms twice fits in the 0.5 s cap, a third wait would not: three attempts.
    assert len(await world.sent()) == 3
    assert elapsed < 2


async def test_a_retry_after_beyond_the_cap_gives_up_at_once(world: ModelWorld) -> None:
    await world.configure()
    await world.script({"error": {"status": 429, "retry_after": 30}})
    model = await world.model()

    with pytest.raises(ModelUnavailable) as failed:
        await model.chat(messages=HELLO)

    assert failed.value.reason is UnavailableReason.RATE_LIMITED
    assert failed.value.retry_after == 30
    assert len(await world.sent()) == 1


async def test_no_credit_left_is_not_retried(world: ModelWorld) -> None:
    await world.configure()
    await world.script(
        {
            "error": {
                "status": 429,
                "code": "insufficient_quota",
                "message": "You exceeded your quota",
            }
        }
    )
    model = await world.model()

    with pytest.raises(ModelUnavailable) as failed:
        await model.chat(messages=HELLO)

    assert failed.value.reason is UnavailableReason.QUOTA
    assert len(await world.sent()) == 1


async def test_a_server_error_is_retried(world: ModelWorld) -> None:
    await world.configure()
    await world.script({"error": {"status": 503}}, {"content": "de volta"})
    model = with_retry(await world.model(), first_backoff_seconds=0.05)

    result = await model.chat(messages=HELLO)

    assert result.content == "de volta"
    assert len(await world.sent()) == 2


async def test_a_refused_key_is_a_clear_auth_failure_without_retries(world: ModelWorld) -> None:
    await world.configure(api_key="sk-invalid-00000000000000000000")
    model = await world.model()

    with pytest.raises(ModelUnavailable) as failed:
        await model.chat(messages=HELLO)

    assert failed.value.reason is UnavailableReason.AUTH
    assert failed.value.status == 401
    assert failed.value.code == "invalid_api_key"
    assert "Incorrect API key provided" in failed.value.detail
    assert "sk-invalid-00000000000000000000" not in str(failed.value)


async def test_a_prompt_too_long_is_a_bad_request(world: ModelWorld) -> None:
    await world.configure(chat_model="gpt-3.5-turbo")
    model = await world.model()

    with pytest.raises(ModelUnavailable) as failed:
        await model.chat(messages=[{"role": "user", "content": "palavra " * 10_000}])

    assert failed.value.reason is UnavailableReason.BAD_REQUEST
    assert failed.value.code == "context_length_exceeded"


async def test_an_endpoint_that_does_not_answer_in_time_is_a_timeout(world: ModelWorld) -> None:
    await world.configure(timeout_seconds=1)
    await world.script({"content": "late", "delay_seconds": 10})
    model = await world.model()

    with pytest.raises(ModelUnavailable) as failed:
        await model.chat(messages=HELLO)

    assert failed.value.reason is UnavailableReason.TIMEOUT
    assert len(await world.sent()) == 1


async def test_an_endpoint_nobody_listens_on_is_unreachable(world: ModelWorld) -> None:
    await world.configure(base_url="http://127.0.0.1:9/v1")
    model = with_retry(await world.model(), attempts=2, first_backoff_seconds=0.01)

    with pytest.raises(ModelUnavailable) as failed:
        await model.chat(messages=HELLO)

    assert failed.value.reason is UnavailableReason.UNREACHABLE


async def test_the_directory_builds_a_model_once_per_settings_version(world: ModelWorld) -> None:
    await world.configure()
    first = await world.model()
    again = await world.model()
    await world.configure(chat_model="gpt-4.1-mini")
    changed = await world.model()

    assert again is first
    assert changed is not first
    assert changed.chat_model == "gpt-4.1-mini"
    assert changed.version == 2


async def test_a_deleted_then_saved_model_is_built_again(world: ModelWorld) -> None:
    await world.configure()
    first = await world.model()
    await world.client.delete("/api/v1/ai/model", headers=world.manager.headers)
    await world.configure(api_key="sk-test-another-key-0000")
    again = await world.model()

    assert again is not first
    assert again.version == 1


async def test_a_policy_passed_to_the_call_overrides_the_directorys(world: ModelWorld) -> None:
    await world.configure()
    await world.script({"error": {"status": 500}}, {"content": "late success"})
    model = await world.model()

    with pytest.raises(ModelUnavailable) as failed:
        await model.chat(messages=HELLO, retry=RetryPolicy(attempts=1))

    assert failed.value.reason is UnavailableReason.SERVER


async def test_a_replaced_client_is_closed_at_the_latest_when_the_directory_closes(
    world: ModelWorld,
) -> None:
    directory = ModelDirectory(world.context.key_ring)
    await world.configure()
    async with unit_of_work(world.context.infra.sessions) as session:
        first = await directory.for_tenant(session, world.tenant_id)
    await world.configure(chat_model="gpt-4.1-nano")
    async with unit_of_work(world.context.infra.sessions) as session:
        second = await directory.for_tenant(session, world.tenant_id)
    assert first is not None
    assert second is not None
    assert not first.client.is_closed()  # calls begun on it may still be running

    await directory.aclose()

    assert first.client.is_closed()
    assert second.client.is_closed()


async def test_the_processs_openai_account_never_reaches_a_tenants_endpoint(
    world: ModelWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_ORG_ID", "org-platform")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj-platform")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-platform-key-0000")
    await world.configure(api_key="")  # an endpoint that needs no key, such as Ollama
    model = await world.model()
    marker = f"hello {uuid.uuid4()}"

    await model.chat(messages=[{"role": "user", "content": marker}])

    assert await world.fake.control.requests("sk-platform-key-0000") == []
    [sent] = [
        request
        for request in await world.fake.control.requests(NO_KEY)
        if request.body["messages"][0]["content"] == marker
    ]
    assert "openai-organization" not in sent.headers
    assert "openai-project" not in sent.headers


async def test_prices_are_the_tenants_for_its_chat_model_and_list_prices_otherwise(
    world: ModelWorld,
) -> None:
    await world.configure(input_price_per_million_usd="9", output_price_per_million_usd="9")
    model = await world.model()

    assert model.prices_for("gpt-4o-mini").input_per_million == 9
    assert model.prices_for("text-embedding-3-large").input_per_million == Decimal("0.13")
    assert model.prices_for("text-embedding-3-small-2025").input_per_million == Decimal("0.02")
