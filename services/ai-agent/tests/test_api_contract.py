"""The ai-agent API keeps the promises of its OpenAPI document (schemathesis, bounded)."""

from __future__ import annotations

import httpx

from mia_common.testing.api_contract import check_api_contract


async def test_the_api_answers_as_its_document_says(client: httpx.AsyncClient) -> None:
    failures = await check_api_contract(
        client,
        headers={},
        known_ids={},
        public=["GET /healthz", "GET /readyz", "GET /metrics"],
        # schemathesis makes multipart bodies httpx cannot send (a number as the file);
        # tests/knowledge/test_documents.py sends every format and the refusals.
        skip=["POST /api/v1/ai/knowledge-bases/{base_id}/documents"],
        examples=25,
    )

    assert not failures, "\n".join(map(str, failures))
