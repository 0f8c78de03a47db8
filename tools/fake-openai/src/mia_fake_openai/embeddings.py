"""``POST /v1/embeddings``: deterministic vectors (``vectors.embed``) in OpenAI's response
shape, as floats or as the base64 the SDK asks for by default; ``dimensions`` honoured by
the text-embedding-3 models only, as OpenAI does."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from mia_fake_openai.auth import api_key_of
from mia_fake_openai.context import FakeOpenAI, fake_of
from mia_fake_openai.errors import OpenAIError, invalid_request, model_not_found
from mia_fake_openai.responses import json_body, openai_headers, play_delay, raise_scripted_error
from mia_fake_openai.tokens import count_text
from mia_fake_openai.vectors import as_base64, embed

__all__ = ["router"]

router = APIRouter()
FakeDep = Annotated[FakeOpenAI, Depends(fake_of)]
_MAX_INPUTS = 2048


@router.post("/v1/embeddings")
async def embeddings(request: Request, fake: FakeDep) -> JSONResponse:
    key = api_key_of(request)
    body = await json_body(request)
    fake.scripts.record(key, "embeddings", request.url.path, body, dict(request.headers))
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise invalid_request("you must provide a model parameter", param="model")
    card = fake.catalog.get(model)
    if card is None:
        raise model_not_found(model)
    if card.kind != "embedding":
        raise OpenAIError(404, f"The model `{model}` does not support embeddings.", param="model")
    texts = _inputs(body.get("input"))
    dimensions = body.get("dimensions")
    if dimensions is None:
        dimensions = card.dimensions
    elif not card.shortenable:
        raise invalid_request(
            "This model does not support specifying dimensions.", param="dimensions"
        )
    elif not isinstance(dimensions, int) or not 1 <= dimensions <= card.dimensions:
        raise invalid_request(
            f"Invalid value for 'dimensions' = {dimensions}."
            f" Must be between 1 and {card.dimensions}.",
            param="dimensions",
        )
    encoding = body.get("encoding_format", "float")
    if encoding not in ("float", "base64"):
        raise invalid_request("Invalid value for 'encoding_format'.", param="encoding_format")
    step = fake.scripts.next_step(key, "embeddings")
    await play_delay(request, step)
    raise_scripted_error(step, model)
    data: list[dict[str, Any]] = []
    for index, text in enumerate(texts):
        vector = embed(text, dimensions)
        data.append(
            {
                "object": "embedding",
                "index": index,
                "embedding": as_base64(vector) if encoding == "base64" else vector,
            }
        )
    tokens = sum(max(1, count_text(text)) for text in texts)
    if step is not None and step.usage is not None:
        tokens = step.usage.prompt_tokens
    answer = {
        "object": "list",
        "data": data,
        "model": model,
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    }
    return JSONResponse(answer, headers=openai_headers())


def _inputs(raw: Any) -> list[str]:
    """Strings, or token arrays (their ids read as words: the same ids, the same vector)."""
    if isinstance(raw, str):
        items: list[Any] = [raw]
    elif isinstance(raw, list) and raw and all(isinstance(item, int) for item in raw):
        items = [raw]
    elif isinstance(raw, list) and raw:
        items = raw
    else:
        raise invalid_request(
            "'$.input' is invalid. Please check the API reference.", param="input"
        )
    if len(items) > _MAX_INPUTS:
        raise invalid_request(
            f"'$.input' is too long: at most {_MAX_INPUTS} inputs.", param="input"
        )
    texts: list[str] = []
    for item in items:
        if isinstance(item, str) and item:
            texts.append(item)
        elif isinstance(item, list) and item and all(isinstance(token, int) for token in item):
            texts.append(" ".join(f"t{token}" for token in item))
        else:
            raise invalid_request(
                "'$.input' is invalid. Please check the API reference.", param="input"
            )
    return texts
