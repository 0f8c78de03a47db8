"""ai-agent answers its liveness and readiness probes once started."""

from __future__ import annotations

import httpx


async def test_healthz_answers_while_the_process_lives(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200, response.text


async def test_readyz_answers_once_database_kafka_and_redis_answer(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200, response.text
