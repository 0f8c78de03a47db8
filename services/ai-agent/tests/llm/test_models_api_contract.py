"""The model and usage API keep the promises of the OpenAPI document as a manager calls
them (schemathesis, bounded), not only refusing callers without an identity."""

from __future__ import annotations

from mia_common.testing.api_contract import check_api_contract
from support.models import ModelWorld


async def test_the_model_and_usage_api_answer_as_the_document_says(world: ModelWorld) -> None:
    await world.configure()

    failures = await check_api_contract(
        world.client,
        headers=world.manager.headers,
        paths=lambda path: path in ("/api/v1/ai/model", "/api/v1/ai/usage"),
        examples=15,
        # A range of days longer than a year (from 2000 to today) is refused by design.
        refusals_by_design=("invalid_cursor", "usage_range_invalid"),
    )

    assert not failures, "\n".join(map(str, failures))
