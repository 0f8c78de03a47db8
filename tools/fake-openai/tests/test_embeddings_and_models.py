"""Embeddings and the model list through the real ``openai`` SDK."""

from __future__ import annotations

import math

import openai
import pytest

from mia_fake_openai.testing import FakeOpenAIHandle


def _cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


async def test_embeddings_are_normalized_1536_floats_through_the_sdks_base64(
    sdk: openai.AsyncOpenAI, fake: FakeOpenAIHandle, api_key: str
) -> None:
    response = await sdk.embeddings.create(
        model="text-embedding-3-small", input=["Olá mundo", "Olá mundo"]
    )

    first, second = (item.embedding for item in response.data)
    assert len(first) == 1536
    assert math.isclose(math.sqrt(sum(v * v for v in first)), 1.0, rel_tol=1e-5)
    assert first == second
    assert response.usage.prompt_tokens == response.usage.total_tokens > 0
    [sent] = await fake.control.requests(api_key)
    assert sent.body["encoding_format"] == "base64"


async def test_dimensions_are_honoured_and_shared_words_are_closer(sdk: openai.AsyncOpenAI) -> None:
    response = await sdk.embeddings.create(
        model="text-embedding-3-small",
        input=["horário de funcionamento da loja", "qual o horário da loja", "preço do frete"],
        dimensions=256,
        encoding_format="float",
    )

    store, question, shipping = (item.embedding for item in response.data)
    assert len(store) == 256
    assert _cosine(store, question) > _cosine(store, shipping)


async def test_dimensions_are_refused_where_the_model_has_a_fixed_size(
    sdk: openai.AsyncOpenAI,
) -> None:
    with pytest.raises(openai.BadRequestError) as refused:
        await sdk.embeddings.create(model="text-embedding-ada-002", input="hi", dimensions=256)

    assert refused.value.param == "dimensions"


async def test_an_empty_input_is_refused(sdk: openai.AsyncOpenAI) -> None:
    with pytest.raises(openai.BadRequestError):
        await sdk.embeddings.create(model="text-embedding-3-small", input="")


async def test_a_scripted_embedding_error_leaves_chat_answers_alone(
    sdk: openai.AsyncOpenAI, fake: FakeOpenAIHandle, api_key: str
) -> None:
    await fake.control.script(api_key, {"endpoint": "embeddings", "error": {"status": 503}})

    chat = await sdk.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}]
    )
    with pytest.raises(openai.InternalServerError):
        await sdk.embeddings.create(model="text-embedding-3-small", input="hi")

    assert chat.choices[0].message.content == 'You said: "hi"'


async def test_the_model_list_and_one_model(sdk: openai.AsyncOpenAI) -> None:
    models = [model.id async for model in sdk.models.list()]
    one = await sdk.models.retrieve("gpt-4o-mini")

    assert {"gpt-4o-mini", "text-embedding-3-small"} <= set(models)
    assert one.id == "gpt-4o-mini"
    assert one.object == "model"
    with pytest.raises(openai.NotFoundError):
        await sdk.models.retrieve("no-such-model")
