"""A service built the one way: infrastructure, a typed context, a Kafka router, the app."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Annotated

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import APIRouter, Depends, FastAPI
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
from mia_common.messaging import PermanentError, subscriber_options
from mia_common.settings import PlatformSettings, ServiceSettings
from mia_common.testing import read_topic, wait_until


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

    return router


@dataclass
class Running:
    client: httpx.AsyncClient
    context: DemoContext
    topic: str


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
            yield Running(client, context, topic)


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
