"""Self-service sign-up, when the platform switches it on."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from mia_common.testing.lifespan import running
from mia_gateway.config import GatewaySettings
from mia_gateway.main import create_app


@pytest.fixture
async def signup_client(gateway_settings: GatewaySettings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(gateway_settings.model_copy(update={"signup_enabled": True}))
    async with running(app):
        transport = httpx.ASGITransport(app=app, client=("10.77.0.1", 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
            yield http


async def test_signup_creates_a_company_and_logs_its_owner_in(
    signup_client: httpx.AsyncClient,
) -> None:
    response = await signup_client.post(
        "/api/v1/auth/signup",
        json={
            "company": "Loja da Ana",
            "name": "Ana",
            "email": "ana@lojadaana.com",
            "password": "Sunny-garden-road-7",
            "timezone": "America/Sao_Paulo",
        },
    )
    assert response.status_code == 201, response.text
    token = response.json()["access_token"]
    me = (
        await signup_client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    ).json()
    assert me["role"] == "owner"
    assert me["tenant"]["slug"] == "loja-da-ana"
    assert me["tenant"]["timezone"] == "America/Sao_Paulo"
    again = await signup_client.post(
        "/api/v1/auth/signup",
        json={"company": "Outra", "email": "ana@lojadaana.com", "password": "Sunny-garden-road-7"},
    )
    assert again.status_code == 409
    weak = await signup_client.post(
        "/api/v1/auth/signup",
        json={"company": "Fraca", "email": "fraca@example.com", "password": "1234567890"},
    )
    assert weak.status_code == 422
