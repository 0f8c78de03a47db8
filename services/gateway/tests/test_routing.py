"""Routing: /api/v1/<area>/... forwarded to the owning service as the authenticated caller.

The service is real HTTP (``support.fake_service`` on uvicorn); the gateway is a second
app on the test database whose routes point at it: ``echo`` to the fake service, ``down``
to a port nobody listens on.
"""

from __future__ import annotations

import hashlib
import random
import socket
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import jwt
import pytest
from fastapi import FastAPI

from mia_common.identity import IDENTITY_HEADER, Identity, Role, issue_identity_token
from mia_common.testing.lifespan import running
from mia_gateway.config import GatewaySettings
from mia_gateway.main import create_app
from support.actors import Actor, Actors
from support.fake_service import AREA, FakeService, create_fake_service, large_body, serving

TIMEOUT_SECONDS = 1.0
FIVE_MB = 5 * 1024 * 1024


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
async def fake_service(gateway_settings: GatewaySettings) -> AsyncIterator[FakeService]:
    service = create_fake_service(gateway_settings)
    async with serving(service.app) as url:
        service.app.state.url = url
        yield service


@pytest.fixture(scope="module")
async def routed_app(
    gateway_settings: GatewaySettings, fake_service: FakeService
) -> AsyncIterator[FastAPI]:
    settings = gateway_settings.model_copy(
        update={
            "routes": {
                AREA: fake_service.app.state.url,
                "down": f"http://127.0.0.1:{_closed_port()}",
            },
            "upstream_timeout_seconds": TIMEOUT_SECONDS,
        }
    )
    app = create_app(settings)
    async with running(app):
        yield app


@pytest.fixture(scope="module")
def caller_address() -> str:
    # An address of our own keeps the login throttle's per-address bucket, shared in
    # Redis with every other test session, out of these tests' way.
    return f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"


@pytest.fixture
async def gateway(routed_app: FastAPI, caller_address: str) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=routed_app, client=(caller_address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
        yield http


@pytest.fixture
def team_of(routed_app: FastAPI, gateway: httpx.AsyncClient) -> Actors:
    return Actors(routed_app, gateway)


def _problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["code"] == code
    return body


async def _admin(team_of: Actors) -> Actor:
    return (await team_of.tenant((Role.owner, Role.admin)))[Role.admin]


async def _api_key(gateway: httpx.AsyncClient, admin: Actor, scopes: list[str]) -> dict[str, Any]:
    response = await gateway.post(
        "/api/v1/api-keys",
        json={"name": "integration", "role": "agent", "scopes": scopes},
        headers=admin.headers,
    )
    assert response.status_code == 201, response.text
    key: dict[str, Any] = response.json()
    return key


async def test_service_verifies_an_identity_carrying_the_callers_tenant_user_and_role(
    gateway: httpx.AsyncClient, team_of: Actors, gateway_settings: GatewaySettings
) -> None:
    team = await team_of.tenant((Role.owner, Role.agent))
    agent = team[Role.agent]

    response = await gateway.get(f"/api/v1/{AREA}/contacts/42?x=1&x=2", headers=agent.headers)

    assert response.status_code == 200, response.text
    seen = response.json()
    assert seen["identity"]["tenant_id"] == str(agent.tenant_id)
    assert seen["identity"]["user_id"] == str(agent.user_id)
    assert seen["identity"]["role"] == "agent"
    assert seen["path"] == f"/api/v1/{AREA}/contacts/42"
    assert seen["query"] == "x=1&x=2"
    claims = jwt.decode(seen["headers"]["x-mia-identity"], options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 60


async def test_callers_credentials_and_cookies_stay_at_the_gateway(
    gateway: httpx.AsyncClient, team_of: Actors, caller_address: str
) -> None:
    owner = (await team_of.tenant((Role.owner,)))[Role.owner]

    # Twice: the first answer sets a service cookie, which must not come back either.
    for _ in range(2):
        response = await gateway.get(
            f"/api/v1/{AREA}/whoami", headers={**owner.headers, "Cookie": "mia_refresh=secret"}
        )
        assert response.status_code == 200, response.text
        headers = response.json()["headers"]
        assert "authorization" not in headers
        assert "cookie" not in headers
    assert headers["x-forwarded-for"] == caller_address
    assert headers["x-forwarded-proto"] == "http"
    assert headers["x-forwarded-host"] == "gateway.test"
    # The service's cookie is not set on the gateway's domain either.
    assert "set-cookie" not in response.headers


async def test_the_root_of_an_area_is_forwarded(
    gateway: httpx.AsyncClient, team_of: Actors
) -> None:
    owner = (await team_of.tenant((Role.owner,)))[Role.owner]

    response = await gateway.get(f"/api/v1/{AREA}", headers=owner.headers)

    assert response.status_code == 200, response.text
    assert response.json()["path"] == f"/api/v1/{AREA}"


async def test_a_given_request_id_reaches_the_service_and_comes_back(
    gateway: httpx.AsyncClient, team_of: Actors
) -> None:
    owner = (await team_of.tenant((Role.owner,)))[Role.owner]
    request_id = f"req-{uuid.uuid4().hex}"

    response = await gateway.get(
        f"/api/v1/{AREA}/ping", headers={**owner.headers, "X-Request-Id": request_id}
    )

    assert response.status_code == 200, response.text
    assert response.headers["x-request-id"] == request_id
    seen = response.json()
    assert seen["headers"]["x-request-id"] == request_id
    assert seen["identity"]["request_id"] == request_id


async def test_without_a_request_id_the_gateway_makes_one_and_both_sides_share_it(
    gateway: httpx.AsyncClient, team_of: Actors
) -> None:
    owner = (await team_of.tenant((Role.owner,)))[Role.owner]

    response = await gateway.get(f"/api/v1/{AREA}/ping", headers=owner.headers)

    assert response.status_code == 200, response.text
    made = response.headers["x-request-id"]
    assert made
    assert response.json()["headers"]["x-request-id"] == made
    assert response.json()["identity"]["request_id"] == made


async def test_trace_context_continues_into_the_service(
    gateway: httpx.AsyncClient, team_of: Actors
) -> None:
    owner = (await team_of.tenant((Role.owner,)))[Role.owner]
    trace_id, caller_span = uuid.uuid4().hex, uuid.uuid4().hex[:16]

    response = await gateway.get(
        f"/api/v1/{AREA}/ping",
        headers={**owner.headers, "traceparent": f"00-{trace_id}-{caller_span}-01"},
    )

    assert response.status_code == 200, response.text
    version, seen_trace, seen_parent, _flags = response.json()["headers"]["traceparent"].split("-")
    assert (version, seen_trace) == ("00", trace_id)
    # Without an exporter (MIA_OTLP_ENDPOINT unset) the gateway makes no span of its own:
    # the service's span is then a child of the caller's.
    assert seen_parent == caller_span


@pytest.mark.parametrize(
    "credentials",
    [{}, {"Authorization": "Bearer not-a-token"}, {"X-Api-Key": "mia_nope_nope"}],
    ids=["none", "bad-token", "bad-key"],
)
async def test_unauthenticated_callers_get_401_and_the_service_is_never_called(
    gateway: httpx.AsyncClient, fake_service: FakeService, credentials: dict[str, str]
) -> None:
    path = f"/api/v1/{AREA}/never-{uuid.uuid4().hex}"

    response = await gateway.get(path, headers=credentials)

    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert path not in fake_service.seen_paths


async def test_an_unknown_area_is_404(gateway: httpx.AsyncClient, team_of: Actors) -> None:
    owner = (await team_of.tenant((Role.owner,)))[Role.owner]

    response = await gateway.get("/api/v1/no-such-area/things", headers=owner.headers)

    body = _problem(response, 404, "area_unknown")
    assert body["detail"] == "no such API area"


async def test_an_api_key_reaches_only_the_areas_in_its_scopes(
    gateway: httpx.AsyncClient, team_of: Actors
) -> None:
    admin = await _admin(team_of)
    crm_only = await _api_key(gateway, admin, ["crm"])
    echo_key = await _api_key(gateway, admin, [AREA])

    refused = await gateway.get(f"/api/v1/{AREA}/ping", headers={"X-Api-Key": crm_only["key"]})
    allowed = await gateway.get(
        f"/api/v1/{AREA}/ping", headers={"Authorization": f"Bearer {echo_key['key']}"}
    )

    _problem(refused, 403, "area_not_in_scope")
    assert allowed.status_code == 200, allowed.text
    seen = allowed.json()
    # For an integration the key stands in for the user, with the key's role.
    assert seen["identity"]["user_id"] == echo_key["id"]
    assert seen["identity"]["tenant_id"] == str(admin.tenant_id)
    assert seen["identity"]["role"] == "agent"
    assert "authorization" not in seen["headers"]
    assert "x-api-key" not in seen["headers"]


async def test_a_forged_identity_header_never_reaches_the_service(
    gateway: httpx.AsyncClient, team_of: Actors, gateway_settings: GatewaySettings
) -> None:
    tenant_a = (await team_of.tenant((Role.owner, Role.agent)))[Role.agent]
    tenant_b = (await team_of.tenant((Role.owner,)))[Role.owner]
    # The worst case: a token signed with the real secret, naming tenant B's owner.
    forged = issue_identity_token(
        Identity(user_id=tenant_b.user_id, tenant_id=tenant_b.tenant_id, role=Role.owner),
        secret=gateway_settings.identity_token_secret,
    )

    response = await gateway.get(
        f"/api/v1/{AREA}/contacts/{uuid.uuid4()}",
        headers={
            **tenant_a.headers,
            IDENTITY_HEADER: forged,
            "X-Mia-Tenant": str(tenant_b.tenant_id),
        },
    )

    assert response.status_code == 200, response.text
    seen = response.json()
    assert seen["identity"]["tenant_id"] == str(tenant_a.tenant_id)
    assert seen["identity"]["user_id"] == str(tenant_a.user_id)
    assert seen["identity"]["role"] == "agent"
    assert seen["headers"]["x-mia-identity"] != forged
    assert "x-mia-tenant" not in seen["headers"]


async def test_a_service_slower_than_the_timeout_is_504(
    gateway: httpx.AsyncClient, team_of: Actors
) -> None:
    owner = (await team_of.tenant((Role.owner,)))[Role.owner]

    # The service would answer 200 after 3 s; the gateway gives up after 1 s.
    response = await gateway.get(f"/api/v1/{AREA}/slow?seconds=3", headers=owner.headers)

    body = _problem(response, 504, "upstream_timeout")
    assert body["area"] == AREA


async def test_an_unreachable_service_is_502(gateway: httpx.AsyncClient, team_of: Actors) -> None:
    owner = (await team_of.tenant((Role.owner,)))[Role.owner]

    response = await gateway.get("/api/v1/down/things", headers=owner.headers)

    body = _problem(response, 502, "upstream_unreachable")
    assert body["detail"] == "the down service is unreachable"


async def test_a_service_500_in_plain_text_becomes_a_502_problem_without_its_internals(
    gateway: httpx.AsyncClient, team_of: Actors
) -> None:
    owner = (await team_of.tenant((Role.owner,)))[Role.owner]

    response = await gateway.get(f"/api/v1/{AREA}/fail", headers=owner.headers)

    body = _problem(response, 502, "upstream_failed")
    assert body["upstream_status"] == 500
    assert "internals" not in response.text


async def test_a_service_problem_passes_through_unchanged(
    gateway: httpx.AsyncClient, team_of: Actors
) -> None:
    owner = (await team_of.tenant((Role.owner,)))[Role.owner]

    response = await gateway.post(f"/api/v1/{AREA}/conflict", headers=owner.headers, json={})

    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Conflict",
        "status": 409,
        "detail": "a contact with this phone exists",
        "code": "contact_exists",
    }


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
async def test_method_body_and_query_are_forwarded(
    gateway: httpx.AsyncClient, team_of: Actors, method: str
) -> None:
    owner = (await team_of.tenant((Role.owner,)))[Role.owner]
    payload = b'{"name": "Ana", "phone": "+5511999990000"}'

    response = await gateway.request(
        method,
        f"/api/v1/{AREA}/contacts/7?notify=true&tag=a%20b",
        content=payload,
        headers={**owner.headers, "Content-Type": "application/json"},
    )

    assert response.status_code == 200, response.text
    seen = response.json()
    assert seen["method"] == method
    assert seen["path"] == f"/api/v1/{AREA}/contacts/7"
    assert seen["query"] == "notify=true&tag=a%20b"
    assert seen["body"] == payload.decode()
    assert seen["headers"]["content-type"] == "application/json"
    assert seen["headers"]["content-length"] == str(len(payload))


async def test_a_204_passes_through_without_a_body(
    gateway: httpx.AsyncClient, team_of: Actors
) -> None:
    owner = (await team_of.tenant((Role.owner,)))[Role.owner]

    response = await gateway.delete(f"/api/v1/{AREA}/nothing", headers=owner.headers)

    assert response.status_code == 204
    assert response.content == b""


async def test_a_5mb_streamed_response_arrives_intact(
    gateway: httpx.AsyncClient, team_of: Actors
) -> None:
    owner = (await team_of.tenant((Role.owner,)))[Role.owner]

    response = await gateway.get(f"/api/v1/{AREA}/large?size={FIVE_MB}", headers=owner.headers)

    assert response.status_code == 200
    assert len(response.content) == FIVE_MB
    assert hashlib.sha256(response.content).digest() == hashlib.sha256(large_body(FIVE_MB)).digest()


async def test_a_5mb_chunked_upload_arrives_intact(
    gateway: httpx.AsyncClient, team_of: Actors
) -> None:
    owner = (await team_of.tenant((Role.owner,)))[Role.owner]
    body = large_body(FIVE_MB)

    async def upload() -> AsyncIterator[bytes]:
        for offset in range(0, len(body), 100_000):
            yield body[offset : offset + 100_000]

    response = await gateway.put(f"/api/v1/{AREA}/digest", content=upload(), headers=owner.headers)

    assert response.status_code == 200, response.text
    assert response.json() == {"length": FIVE_MB, "sha256": hashlib.sha256(body).hexdigest()}


async def test_dot_segments_cannot_climb_out_of_the_area(
    gateway: httpx.AsyncClient, team_of: Actors, fake_service: FakeService
) -> None:
    owner = (await team_of.tenant((Role.owner,)))[Role.owner]
    marker = uuid.uuid4().hex

    # Percent-encoded so the test client does not resolve the dots itself.
    response = await gateway.get(f"/api/v1/{AREA}/%2e%2e/%2e%2e/{marker}", headers=owner.headers)

    _problem(response, 400, "path_refused")
    assert not any(marker in path for path in fake_service.seen_paths)


async def test_upstream_latency_is_measured_per_area_and_status(
    gateway: httpx.AsyncClient, team_of: Actors
) -> None:
    owner = (await team_of.tenant((Role.owner,)))[Role.owner]
    assert (await gateway.get(f"/api/v1/{AREA}/ping", headers=owner.headers)).status_code == 200

    metrics = (await gateway.get("/metrics")).text

    assert f'mia_gateway_upstream_seconds_count{{area="{AREA}",status="200"}}' in metrics
