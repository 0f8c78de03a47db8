"""A service built the one way: infrastructure, a typed context, a Kafka router, the app."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Annotated

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import APIRouter, Depends, FastAPI, Request, Response
from faststream.kafka import KafkaRouter
from pydantic import BaseModel
from sqlalchemy import text

from mia_common.app import (
    REQUEST_ID_HEADER,
    Infrastructure,
    build_infrastructure,
    context_of,
    create_service_app,
)
from mia_common.db.requests import SessionDep
from mia_common.errors import Forbidden
from mia_common.messaging import PermanentError, subscriber_options
from mia_common.settings import PlatformSettings, ServiceSettings
from mia_common.testing import read_topic, wait_until
from mia_common.webhooks import RequestOnlyRoute
from mia_common.webhooks.routes import DirectRoutes


class Greeting(BaseModel):
    name: str


@dataclass
class DemoContext:
    settings: ServiceSettings
    infra: Infrastructure
    greeted: list[str] = field(default_factory=list)


ContextDep = Annotated[DemoContext, Depends(context_of)]


def demo_stream(context: DemoContext, topic: str) -> KafkaRouter:
    router = KafkaRouter()

    @router.subscriber(topic, **subscriber_options(f"demo-{uuid.uuid4().hex[:8]}"))
    async def on_greeting(greeting: Greeting) -> None:
        if greeting.name == "poison":
            raise PermanentError("nobody is called poison")
        context.greeted.append(greeting.name)

    return router


def demo_endpoints() -> APIRouter:
    router = APIRouter()

    @router.get("/greeted")
    async def greeted(context: ContextDep, session: SessionDep) -> dict[str, object]:
        answer = await session.scalar(text("SELECT 41 + 1"))
        return {"names": context.greeted, "database": answer}

    async def hook(request: Request) -> Response:
        body = await request.body()
        if body == b"refuse":
            raise Forbidden("refused by the demo hook", code="demo_refusal")
        if body == b"crash":
            raise RuntimeError("the demo hook broke")
        return Response(body[::-1], status_code=200)

    router.add_api_route(
        "/hooks/demo", hook, methods=["POST"], route_class_override=RequestOnlyRoute
    )
    return router


@dataclass
class Running:
    client: httpx.AsyncClient
    context: DemoContext
    topic: str
    app: FastAPI


@pytest.fixture
async def running(
    platform_settings: PlatformSettings, test_database_url: str, kafka_topics
) -> AsyncIterator[Running]:
    topic = await kafka_topics("greetings")
    settings = ServiceSettings(
        **{
            **platform_settings.model_dump(),
            "service_name": "demo",
            "database_url_override": test_database_url,
        }
    )
    context = DemoContext(settings=settings, infra=build_infrastructure(settings, client_id="demo"))
    context.infra.broker.include_router(demo_stream(context, topic))
    app: FastAPI = create_service_app(context, routers=[demo_endpoints()])
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://demo") as client:
            yield Running(client, context, topic, manager.app)


async def test_subscribers_of_an_included_router_consume_and_dead_letter(
    running: Running, kafka_bootstrap: str
) -> None:
    broker = running.context.infra.broker
    for name in ("Ana", "poison", "Bia"):
        await broker.publish(Greeting(name=name), topic=running.topic, key=b"k")

    async def greeted() -> list[str] | None:
        names = (await running.client.get("/greeted")).json()["names"]
        return names if len(names) == 2 else None

    assert await wait_until(greeted, message="both good greetings handled") == ["Ana", "Bia"]
    [record] = await read_topic(
        kafka_bootstrap, f"{running.topic}.dlq", until=bool, message="the poison dead-lettered"
    )
    assert b"poison" in (record.value or b"")
    assert (record.header("x-dlq-reason") or "").startswith("PermanentError")


async def test_health_readiness_request_id_and_the_request_session(running: Running) -> None:
    ready = await running.client.get("/readyz")
    assert ready.json()["checks"] == {"database": "ok", "kafka": "ok", "redis": "ok"}
    answer = await running.client.get("/greeted", headers={REQUEST_ID_HEADER: "req-7"})
    assert answer.json()["database"] == 42
    assert answer.headers[REQUEST_ID_HEADER] == "req-7"
    made_up = await running.client.get("/greeted")
    assert len(made_up.headers[REQUEST_ID_HEADER]) == 32
    missing = await running.client.get("/nowhere")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    metrics = (await running.client.get("/metrics")).text
    assert 'route="/greeted",status="200"' in metrics


async def test_a_request_only_route_served_directly_keeps_ids_metrics_and_problems(
    running: Running,
) -> None:
    """The webhook routes skip the router; what a caller and an operator see stays."""
    answered = await running.client.post(
        "/hooks/demo", content=b"olleh", headers={REQUEST_ID_HEADER: "req-9"}
    )
    assert (answered.status_code, answered.content) == (200, b"hello")
    assert answered.headers[REQUEST_ID_HEADER] == "req-9"

    refused = await running.client.post("/hooks/demo", content=b"refuse")
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "demo_refusal"
    assert refused.json()["instance"] == "/hooks/demo"
    assert len(refused.headers[REQUEST_ID_HEADER]) == 32

    crashing = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=running.app, raise_app_exceptions=False),
        base_url="http://demo",
    )
    async with crashing:
        crashed = await crashing.post("/hooks/demo", content=b"crash")
    assert crashed.status_code == 500
    assert crashed.headers["content-type"] == "application/problem+json"
    assert "broke" not in crashed.text, "an unexpected error's message stays in the logs"

    wrong_method = await running.client.get("/hooks/demo")
    assert wrong_method.status_code == 405, "other methods go through the router as before"
    metrics = (await running.client.get("/metrics")).text
    assert 'method="POST",route="/hooks/demo",status="200"' in metrics
    assert 'method="POST",route="/hooks/demo",status="403"' in metrics
    assert 'method="POST",route="/hooks/demo",status="500"' in metrics


def test_only_exact_request_only_routes_are_served_directly() -> None:
    app = FastAPI()
    app.include_router(demo_endpoints())

    async def by_id(request: Request) -> Response:
        return Response(b"")

    app.router.add_api_route(
        "/hooks/{hook_id}", by_id, methods=["POST"], route_class_override=RequestOnlyRoute
    )
    direct = DirectRoutes(app)
    found = direct.find({"type": "http", "method": "POST", "path": "/hooks/demo"})
    assert found is not None
    assert found.path == "/hooks/demo"
    assert direct.find({"type": "http", "method": "GET", "path": "/hooks/demo"}) is None
    assert direct.find({"type": "http", "method": "POST", "path": "/hooks/other"}) is None
    assert direct.find({"type": "http", "method": "GET", "path": "/greeted"}) is None
    prefixed = FastAPI()
    prefixed.include_router(demo_endpoints(), prefix="/v1")
    found = DirectRoutes(prefixed).find(
        {"type": "http", "method": "POST", "path": "/v1/hooks/demo"}
    )
    assert found is not None, "an included router's prefix is part of the path"


async def test_the_document_describes_every_problem_answer_as_problem_json(
    running: Running,
) -> None:
    document = (await running.client.get("/openapi.json")).json()
    assert "Problem" in document["components"]["schemas"]
    assert "HTTPValidationError" not in document["components"]["schemas"]
    for path, method in (("/greeted", "get"), ("/hooks/demo", "post")):
        responses = document["paths"][path][method]["responses"]
        for status in ("400", "401", "403", "404", "409", "422", "429", "500", "503"):
            content = responses[status]["content"]
            assert list(content) == ["application/problem+json"], (path, status)
        assert "200" in responses, "the success stays as FastAPI described it"
