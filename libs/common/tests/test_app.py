"""The service app factory: health, readiness against real servers, problem+json, metrics."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import APIRouter, FastAPI
from pydantic import BaseModel

from mia_common.app import (
    REQUEST_ID_HEADER,
    Infrastructure,
    build_infrastructure,
    create_service_app,
)
from mia_common.errors import NotFound
from mia_common.identity import CurrentTenantId
from mia_common.settings import PlatformSettings, ServiceSettings
from mia_common.testing import wait_until
from mia_common.testing.spare_kafka import SpareKafka


@pytest.fixture
async def spare_kafka() -> AsyncIterator[SpareKafka]:
    kafka = SpareKafka()
    await kafka.start()
    yield kafka
    await kafka.stop()
    kafka.remove()


class Greeting(BaseModel):
    name: str


def demo_router() -> APIRouter:
    router = APIRouter()

    @router.get("/things/{thing_id}")
    async def get_thing(thing_id: uuid.UUID) -> dict[str, str]:
        raise NotFound(f"thing {thing_id} does not exist")

    @router.get("/whoami")
    async def whoami(tenant_id: CurrentTenantId) -> dict[str, str]:
        return {"tenant": str(tenant_id)}

    @router.post("/greetings")
    async def greet(greeting: Greeting) -> dict[str, str]:
        return {"hello": greeting.name}

    return router


@dataclass
class DemoContext:
    settings: ServiceSettings
    infra: Infrastructure


def demo_app(settings: ServiceSettings, routers: list[APIRouter]) -> FastAPI:
    context = DemoContext(settings, build_infrastructure(settings, client_id="demo"))
    return create_service_app(context, routers=routers)


def service_settings(
    platform: PlatformSettings, database_url: str, **overrides: object
) -> ServiceSettings:
    values = {
        **platform.model_dump(),
        "service_name": "demo",
        "database_url_override": database_url,
        "log_json": True,
        **overrides,
    }
    return ServiceSettings(**values)


@pytest.fixture
async def demo_client(
    platform_settings: PlatformSettings, test_database_url: str
) -> AsyncIterator[httpx.AsyncClient]:
    settings = service_settings(platform_settings, test_database_url)
    app = demo_app(settings, [demo_router()])
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://demo") as client:
            yield client


async def test_readyz_is_ready_when_database_kafka_and_redis_answer(
    demo_client: httpx.AsyncClient,
) -> None:
    response = await demo_client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "kafka": "ok", "redis": "ok"}
    assert (await demo_client.get("/healthz")).json() == {"status": "ok"}


async def test_readyz_turns_unready_when_kafka_stops_and_ready_when_it_is_back(
    platform_settings: PlatformSettings, test_database_url: str, spare_kafka: SpareKafka
) -> None:
    settings = service_settings(
        platform_settings, test_database_url, kafka_bootstrap_servers=spare_kafka.bootstrap
    )
    app = demo_app(settings, [])
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://demo") as client:

            async def readiness() -> int:
                return (await client.get("/readyz")).status_code

            assert await readiness() == 200
            await spare_kafka.stop()
            response = await wait_until(
                lambda: _unready(client), timeout=30, message="/readyz answering 503"
            )
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["checks"]["kafka"] == "unavailable"
            assert response.json()["checks"]["database"] == "ok"

            await spare_kafka.start()
            await wait_until(
                lambda: _status_is(client, 200), timeout=60, message="/readyz ready again"
            )


async def _unready(client: httpx.AsyncClient) -> httpx.Response | None:
    response = await client.get("/readyz")
    return response if response.status_code == 503 else None


async def _status_is(client: httpx.AsyncClient, status: int) -> bool:
    return (await client.get("/readyz")).status_code == status


async def test_app_errors_are_problem_json(demo_client: httpx.AsyncClient) -> None:
    thing = uuid.uuid4()
    response = await demo_client.get(f"/things/{thing}")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == f"thing {thing} does not exist"
    assert response.json()["instance"] == f"/things/{thing}"


async def test_invalid_request_is_problem_json_naming_the_field(
    demo_client: httpx.AsyncClient,
) -> None:
    response = await demo_client.post("/greetings", json={"nom": "x"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["loc"] == ["body", "name"]

    unknown = await demo_client.get("/nowhere")
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"


async def test_request_id_is_echoed_or_made_up(demo_client: httpx.AsyncClient) -> None:
    given = await demo_client.post(
        "/greetings", json={"name": "Ana"}, headers={REQUEST_ID_HEADER: "abc-123"}
    )
    assert given.headers[REQUEST_ID_HEADER] == "abc-123"
    made = await demo_client.post("/greetings", json={"name": "Ana"})
    assert len(made.headers[REQUEST_ID_HEADER]) == 32


async def test_metrics_expose_request_durations_by_route(demo_client: httpx.AsyncClient) -> None:
    await demo_client.post("/greetings", json={"name": "Ana"})
    metrics = (await demo_client.get("/metrics")).text
    assert (
        'mia_http_request_duration_seconds_count{method="POST",route="/greetings",status="200"}'
        in metrics
    )


async def test_a_request_without_identity_is_a_401_problem_not_a_server_error(
    demo_client: httpx.AsyncClient,
) -> None:
    response = await demo_client.get("/whoami")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "missing"


async def test_a_burst_of_redis_commands_waits_for_connections_instead_of_failing(
    platform_settings: PlatformSettings,
) -> None:
    """More concurrent commands than the pool has connections: each waits its turn (the
    default pool refused the 101st with MaxConnectionsError)."""
    settings = ServiceSettings(**{**platform_settings.model_dump(), "service_name": "burst"})
    infra = build_infrastructure(settings, client_id="burst", database=False)
    redis = infra.redis_client
    key = f"test:burst:{uuid.uuid4().hex}"
    try:
        # Each BLPOP holds its connection for 50 ms: 300 at once need more than the pool has.
        answers = await asyncio.gather(
            *[redis.execute_command("BLPOP", key, 0.05) for _ in range(300)],
            return_exceptions=True,
        )
    finally:
        await redis.aclose()
    assert [a for a in answers if isinstance(a, BaseException)] == []
