"""Chat completions through the real ``openai`` SDK: default and scripted answers, tools,
structured output, and the checks OpenAI itself makes."""

from __future__ import annotations

import json
import uuid
from typing import Any

import jsonschema
import openai
import pytest

from mia_fake_openai.testing import FakeOpenAIHandle

MODEL = "gpt-4o-mini"
WEATHER_TOOL: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "The weather in a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}, "days": {"type": "integer", "minimum": 1}},
            "required": ["city", "days"],
            "additionalProperties": False,
        },
        "strict": True,
    },
}


async def test_without_a_script_it_quotes_the_last_user_message(sdk: openai.AsyncOpenAI) -> None:
    completion = await sdk.chat.completions.create(
        model=MODEL,
        messages=[
            {"role": "system", "content": "You are helpful."},
            {"role": "user", "content": "Qual o horário de vocês?"},
        ],
    )

    choice = completion.choices[0]
    assert choice.message.content == 'You said: "Qual o horário de vocês?"'
    assert choice.finish_reason == "stop"
    assert completion.id.startswith("chatcmpl-")
    assert completion.model == MODEL
    assert completion.usage is not None
    assert (
        completion.usage.total_tokens
        == completion.usage.prompt_tokens + completion.usage.completion_tokens
    )
    assert completion.usage.prompt_tokens > 0
    assert completion.usage.completion_tokens > 0


async def test_without_a_script_it_quotes_the_first_context_passage(
    sdk: openai.AsyncOpenAI,
) -> None:
    completion = await sdk.chat.completions.create(
        model=MODEL,
        messages=[
            {
                "role": "system",
                "content": "Answer from the context.\n\nContext:\n"
                "[1] We open at 9am, Monday to Friday.\n\n[2] Parking is free.",
            },
            {"role": "user", "content": "When do you open?"},
        ],
    )

    assert completion.choices[0].message.content == "We open at 9am, Monday to Friday."


async def test_scripted_content_is_answered_once_then_the_default_again(
    sdk: openai.AsyncOpenAI, fake: FakeOpenAIHandle, api_key: str
) -> None:
    await fake.control.script(api_key, {"content": "Olá! Posso ajudar?"})
    messages: list[Any] = [{"role": "user", "content": "oi"}]

    first = await sdk.chat.completions.create(model=MODEL, messages=messages)
    second = await sdk.chat.completions.create(model=MODEL, messages=messages)

    assert first.choices[0].message.content == "Olá! Posso ajudar?"
    assert second.choices[0].message.content == 'You said: "oi"'


async def test_a_named_tool_choice_calls_the_tool_with_arguments_its_schema_accepts(
    sdk: openai.AsyncOpenAI,
) -> None:
    completion = await sdk.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": "Weather in Recife?"}],
        tools=[WEATHER_TOOL],
        tool_choice={"type": "function", "function": {"name": "get_weather"}},
    )

    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content is None
    [call] = choice.message.tool_calls or []
    assert call.type == "function"
    assert call.function.name == "get_weather"
    arguments = json.loads(call.function.arguments)
    jsonschema.validate(arguments, WEATHER_TOOL["function"]["parameters"])


async def test_a_scripted_tool_call_then_its_result_round_trip(
    sdk: openai.AsyncOpenAI, fake: FakeOpenAIHandle, api_key: str
) -> None:
    await fake.control.script(
        api_key,
        {"tool_calls": [{"name": "get_weather", "arguments": {"city": "Recife", "days": 2}}]},
        {"content": "Sunny in Recife."},
    )
    messages: list[Any] = [{"role": "user", "content": "Weather in Recife?"}]

    first = await sdk.chat.completions.create(model=MODEL, messages=messages, tools=[WEATHER_TOOL])
    [call] = first.choices[0].message.tool_calls or []
    messages += [
        first.choices[0].message.model_dump(exclude_none=True),
        {"role": "tool", "tool_call_id": call.id, "content": '{"forecast": "sun"}'},
    ]
    second = await sdk.chat.completions.create(model=MODEL, messages=messages, tools=[WEATHER_TOOL])

    assert json.loads(call.function.arguments) == {"city": "Recife", "days": 2}
    assert second.choices[0].message.content == "Sunny in Recife."
    sent = await fake.control.requests(api_key)
    assert [request.body["messages"][-1]["role"] for request in sent] == ["user", "tool"]
    assert sent[1].body["messages"][-1]["tool_call_id"] == call.id
    assert sent[0].body["tools"] == [WEATHER_TOOL]


async def test_a_tool_result_without_its_call_is_refused_as_openai_does(
    sdk: openai.AsyncOpenAI,
) -> None:
    with pytest.raises(openai.BadRequestError) as refused:
        await sdk.chat.completions.create(
            model=MODEL,
            messages=[
                {"role": "user", "content": "hi"},
                {"role": "tool", "tool_call_id": "call_nowhere", "content": "{}"},
            ],
        )

    assert "must be a response to a preceeding message with 'tool_calls'" in refused.value.message


async def test_strict_structured_output_is_the_smallest_valid_object(
    sdk: openai.AsyncOpenAI,
) -> None:
    schema = {
        "type": "object",
        "properties": {
            "answer": {"type": "string"},
            "confidence": {"type": "number", "minimum": 0, "maximum": 1},
            "handoff": {"type": "boolean"},
            "stage": {"type": "string", "enum": ["new", "qualified"]},
            "tags": {"type": "array", "items": {"type": "string"}},
            "email": {"anyOf": [{"type": "string", "format": "email"}, {"type": "null"}]},
        },
        "required": ["answer", "confidence", "handoff", "stage", "tags", "email"],
        "additionalProperties": False,
    }

    completion = await sdk.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": "Quero um orçamento"}],
        response_format={
            "type": "json_schema",
            "json_schema": {"name": "verdict", "schema": schema, "strict": True},
        },
    )

    value = json.loads(completion.choices[0].message.content or "")
    jsonschema.validate(value, schema)
    assert value["answer"] == 'You said: "Quero um orçamento"'
    assert value["stage"] == "new"


async def test_a_strict_schema_with_an_open_object_is_refused(sdk: openai.AsyncOpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as refused:
        await sdk.chat.completions.create(
            model=MODEL,
            messages=[{"role": "user", "content": "hi"}],
            response_format={
                "type": "json_schema",
                "json_schema": {
                    "name": "open",
                    "strict": True,
                    "schema": {
                        "type": "object",
                        "properties": {"a": {"type": "string"}},
                        "required": ["a"],
                    },
                },
            },
        )

    assert refused.value.code == "invalid_json_schema"
    assert "additionalProperties" in refused.value.message


async def test_json_object_mode_needs_the_word_json_in_the_messages(
    sdk: openai.AsyncOpenAI,
) -> None:
    with pytest.raises(openai.BadRequestError):
        await sdk.chat.completions.create(
            model=MODEL,
            messages=[{"role": "user", "content": "hi"}],
            response_format={"type": "json_object"},
        )

    completion = await sdk.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": "answer in JSON"}],
        response_format={"type": "json_object"},
    )
    assert isinstance(json.loads(completion.choices[0].message.content or ""), dict)


async def test_max_tokens_cuts_the_answer_with_finish_reason_length(
    sdk: openai.AsyncOpenAI, fake: FakeOpenAIHandle, api_key: str
) -> None:
    await fake.control.script(api_key, {"content": "word " * 100})

    completion = await sdk.chat.completions.create(
        model=MODEL,
        messages=[{"role": "user", "content": "talk"}],
        max_completion_tokens=5,
        temperature=0.2,
    )

    assert completion.choices[0].finish_reason == "length"
    assert completion.usage is not None
    assert completion.usage.completion_tokens == 5
    [sent] = await fake.control.requests(api_key)
    assert sent.body["max_completion_tokens"] == 5
    assert sent.body["temperature"] == 0.2


async def test_an_unknown_model_is_a_404_in_openais_shape(sdk: openai.AsyncOpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as refused:
        await sdk.chat.completions.create(
            model="gpt-9-ultra", messages=[{"role": "user", "content": "hi"}]
        )

    assert refused.value.code == "model_not_found"
    assert refused.value.body == {
        "message": "The model `gpt-9-ultra` does not exist or you do not have access to it.",
        "type": "invalid_request_error",
        "param": None,
        "code": "model_not_found",
    }


async def test_a_refused_key_is_a_401_that_never_shows_the_whole_key(
    fake: FakeOpenAIHandle,
) -> None:
    key = f"sk-invalid-{uuid.uuid4().hex}"
    client = openai.AsyncOpenAI(base_url=fake.base_url, api_key=key, max_retries=0)
    with pytest.raises(openai.AuthenticationError) as refused:
        await client.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": "hi"}]
        )
    await client.close()

    assert refused.value.code == "invalid_api_key"
    assert key not in refused.value.message
    assert key[-4:] in refused.value.message


async def test_a_scripted_rate_limit_carries_retry_after_and_ratelimit_headers(
    sdk: openai.AsyncOpenAI, fake: FakeOpenAIHandle, api_key: str
) -> None:
    await fake.control.script(
        api_key, {"error": {"status": 429, "retry_after": 2.5, "retry_after_ms": 2500}}
    )

    with pytest.raises(openai.RateLimitError) as limited:
        await sdk.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "hi"}])

    headers = limited.value.response.headers
    assert headers["retry-after"] == "3"
    assert headers["retry-after-ms"] == "2500"
    assert headers["x-ratelimit-remaining-requests"] == "0"
    assert limited.value.code == "rate_limit_exceeded"


@pytest.mark.parametrize("status", [500, 503])
async def test_scripted_server_errors_are_internal_server_errors(
    sdk: openai.AsyncOpenAI, fake: FakeOpenAIHandle, api_key: str, status: int
) -> None:
    await fake.control.script(api_key, {"error": {"status": status}})

    with pytest.raises(openai.InternalServerError) as failed:
        await sdk.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "hi"}])

    assert failed.value.status_code == status
    assert failed.value.type == "server_error"


async def test_a_prompt_beyond_the_context_window_is_refused(sdk: openai.AsyncOpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as refused:
        await sdk.chat.completions.create(
            model="gpt-3.5-turbo", messages=[{"role": "user", "content": "palavra " * 10_000}]
        )

    assert refused.value.code == "context_length_exceeded"
    assert refused.value.param == "messages"


async def test_a_scripted_delay_beyond_the_client_timeout_times_out(
    fake: FakeOpenAIHandle, api_key: str
) -> None:
    await fake.control.script(api_key, {"content": "late", "delay_seconds": 5})
    client = openai.AsyncOpenAI(base_url=fake.base_url, api_key=api_key, max_retries=0, timeout=0.3)

    with pytest.raises(openai.APITimeoutError):
        await client.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": "hi"}]
        )
    await client.close()


async def test_each_key_has_its_own_script_and_requests(fake: FakeOpenAIHandle) -> None:
    keys = [f"sk-test-{uuid.uuid4().hex}" for _ in range(2)]
    await fake.control.script(keys[0], {"content": "for the first"})
    clients = [
        openai.AsyncOpenAI(base_url=fake.base_url, api_key=key, max_retries=0) for key in keys
    ]

    second = await clients[1].chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": "b"}]
    )
    first = await clients[0].chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": "a"}]
    )
    for client in clients:
        await client.close()

    assert first.choices[0].message.content == "for the first"
    assert second.choices[0].message.content == 'You said: "b"'
    assert [r.body["messages"][0]["content"] for r in await fake.control.requests(keys[0])] == ["a"]
    assert [r.body["messages"][0]["content"] for r in await fake.control.requests(keys[1])] == ["b"]


async def test_requests_keep_their_headers_but_never_the_key(
    sdk: openai.AsyncOpenAI, fake: FakeOpenAIHandle, api_key: str
) -> None:
    await sdk.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "hi"}])

    [sent] = await fake.control.requests(api_key)
    assert sent.headers["content-type"] == "application/json"
    assert "authorization" not in sent.headers
    assert api_key not in repr(sent)


async def test_without_a_script_it_quotes_a_passage_fenced_in_tags(sdk: openai.AsyncOpenAI) -> None:
    completion = await sdk.chat.completions.create(
        model=MODEL,
        messages=[
            {"role": "system", "content": "Answer only from the knowledge passages given."},
            {
                "role": "system",
                "content": 'Knowledge passages:\n\n<knowledge source="FAQ">\nO frete é grátis'
                ' acima de R$ 200.\n</knowledge>\n\n<knowledge source="Horário">\nAbrimos às'
                " 9h.\n</knowledge>",
            },
            {"role": "user", "content": "<customer>Tem frete grátis?</customer>"},
        ],
    )
    plain = await sdk.chat.completions.create(
        model=MODEL, messages=[{"role": "user", "content": "<customer>oi</customer>"}]
    )

    assert completion.choices[0].message.content == "O frete é grátis acima de R$ 200."
    assert plain.choices[0].message.content == 'You said: "oi"'
