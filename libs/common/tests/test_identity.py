"""Specification of the forwarded identity: the token, and the FastAPI dependencies on it."""

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Annotated

import httpx
import jwt
import pytest
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import SecretStr

from mia_common.identity import (
    IDENTITY_HEADER,
    CurrentIdentity,
    CurrentTenantId,
    CurrentUserId,
    Identity,
    IdentityError,
    IdentityFailure,
    Role,
    get_platform_settings,
    issue_identity_token,
    require_role,
    verify_identity_token,
)
from mia_common.settings import PlatformSettings

SECRET = "test-identity-secret-at-least-32-bytes-long!"
OTHER_SECRET = "another-identity-secret-at-least-32-bytes!!"


@pytest.fixture
def identity() -> Identity:
    return Identity(user_id=uuid.uuid4(), tenant_id=uuid.uuid4(), role=Role.agent)


def _signed(claims: dict[str, object], secret: str = SECRET) -> str:
    return jwt.encode(claims, secret, algorithm="HS256")


def _claims(identity: Identity, **overrides: object) -> dict[str, object]:
    now = datetime.now(UTC)
    claims: dict[str, object] = {
        "sub": str(identity.user_id),
        "tid": str(identity.tenant_id),
        "role": identity.role.value,
        "iat": now,
        "exp": now + timedelta(minutes=5),
        "iss": "mia-gateway",
        "aud": "mia-services",
    }
    claims.update(overrides)
    return claims


def _reason(token: str, secret: str = SECRET) -> IdentityFailure:
    with pytest.raises(IdentityError) as raised:
        verify_identity_token(token, secret=secret)
    assert raised.value.status_code == 401
    return raised.value.reason


# The token


def test_a_token_issued_for_an_identity_verifies_to_the_same_identity(identity: Identity) -> None:
    token = issue_identity_token(identity, secret=SECRET)

    assert verify_identity_token(token, secret=SECRET) == identity


def test_the_request_id_travels_as_the_jti(identity: Identity) -> None:
    traced = identity.model_copy(update={"request_id": "req-123"})
    token = issue_identity_token(traced, secret=SecretStr(SECRET))

    assert jwt.decode(token, options={"verify_signature": False})["jti"] == "req-123"
    assert verify_identity_token(token, secret=SecretStr(SECRET)).request_id == "req-123"


def test_token_carries_issuer_audience_and_a_short_lifetime(identity: Identity) -> None:
    now = datetime(2030, 1, 1, tzinfo=UTC)
    token = issue_identity_token(identity, secret=SECRET, now=now)

    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["iss"] == "mia-gateway"
    assert claims["aud"] == "mia-services"
    assert claims["exp"] - claims["iat"] == 300


def test_an_expired_token_is_rejected(identity: Identity) -> None:
    issued = datetime.now(UTC) - timedelta(minutes=10)
    token = issue_identity_token(identity, secret=SECRET, ttl_seconds=300, now=issued)

    assert _reason(token) is IdentityFailure.expired


def test_a_token_expired_within_the_leeway_is_still_accepted(identity: Identity) -> None:
    issued = datetime.now(UTC) - timedelta(seconds=62)
    token = issue_identity_token(identity, secret=SECRET, ttl_seconds=60, now=issued)

    assert verify_identity_token(token, secret=SECRET, leeway=30) == identity


def test_a_token_signed_with_another_secret_is_rejected(identity: Identity) -> None:
    token = issue_identity_token(identity, secret=OTHER_SECRET)

    assert _reason(token) is IdentityFailure.bad_signature


def test_a_tampered_token_is_rejected(identity: Identity) -> None:
    header, _, signature = issue_identity_token(identity, secret=SECRET).split(".")
    promoted = jwt.encode(_claims(identity, role="owner"), "whatever-key-32-bytes-long-xxxxxx")
    forged_payload = promoted.split(".")[1]

    assert _reason(f"{header}.{forged_payload}.{signature}") is IdentityFailure.bad_signature


def test_a_token_for_another_audience_is_rejected(identity: Identity) -> None:
    token = _signed(_claims(identity, aud="someone-else"))

    assert _reason(token) is IdentityFailure.wrong_audience


def test_a_token_from_another_issuer_is_rejected(identity: Identity) -> None:
    token = _signed(_claims(identity, iss="somebody"))

    assert _reason(token) is IdentityFailure.wrong_issuer


def test_an_unsigned_token_is_rejected(identity: Identity) -> None:
    token = jwt.encode(_claims(identity), "", algorithm="none")

    assert _reason(token) is IdentityFailure.malformed


@pytest.mark.parametrize(
    "overrides",
    [
        {"sub": "not-a-uuid"},
        {"tid": 42},
        {"role": "superuser"},
        {"tid": None},
        {"exp": None},
    ],
)
def test_tokens_with_malformed_or_missing_claims_are_rejected(
    identity: Identity, overrides: dict[str, object]
) -> None:
    claims = {k: v for k, v in _claims(identity, **overrides).items() if v is not None}

    assert _reason(_signed(claims)) is IdentityFailure.malformed


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c"])
def test_garbage_is_rejected(token: str) -> None:
    with pytest.raises(IdentityError) as raised:
        verify_identity_token(token, secret=SECRET)

    assert raised.value.status_code == 401


def test_roles_are_ordered_owner_admin_manager_agent() -> None:
    assert Role.owner.at_least(Role.admin)
    assert Role.admin.at_least(Role.admin)
    assert Role.admin.at_least(Role.manager)
    assert not Role.manager.at_least(Role.admin)
    assert not Role.agent.at_least(Role.manager)
    assert Role.agent.at_least(Role.agent)


# The FastAPI dependencies


def _app() -> FastAPI:
    app = FastAPI()

    @app.exception_handler(IdentityError)
    async def _problem(_: Request, error: IdentityError) -> JSONResponse:
        # The shape the app factory gives every error: problem+json with the status.
        return JSONResponse(
            {"title": error.title, "status": error.status_code, "detail": error.detail},
            status_code=error.status_code,
            media_type="application/problem+json",
        )

    @app.get("/tenant")
    async def _tenant(tenant_id: CurrentTenantId, user_id: CurrentUserId) -> dict[str, str]:
        return {"tenant_id": str(tenant_id), "user_id": str(user_id)}

    @app.get("/admin", dependencies=[Depends(require_role(Role.admin))])
    async def _admin(identity: CurrentIdentity) -> dict[str, str]:
        return {"role": identity.role.value}

    @app.get("/owner")
    async def _owner(
        identity: Annotated[Identity, Depends(require_role(Role.owner))],
    ) -> dict[str, str]:
        return {"role": identity.role.value}

    app.dependency_overrides[get_platform_settings] = lambda: PlatformSettings(
        identity_token_secret=SecretStr(SECRET)
    )
    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
        yield client


def _header(role: Role, tenant_id: uuid.UUID | None = None) -> dict[str, str]:
    identity = Identity(user_id=uuid.uuid4(), tenant_id=tenant_id or uuid.uuid4(), role=role)
    return {IDENTITY_HEADER: issue_identity_token(identity, secret=SECRET)}


async def test_the_route_sees_the_tenant_of_the_forwarded_identity(
    client: httpx.AsyncClient,
) -> None:
    tenant_id = uuid.uuid4()

    response = await client.get("/tenant", headers=_header(Role.agent, tenant_id))

    assert response.status_code == 200
    assert response.json()["tenant_id"] == str(tenant_id)


async def test_a_request_without_the_identity_header_gets_a_401_problem(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/tenant")

    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert IDENTITY_HEADER in response.json()["detail"]


async def test_a_request_with_an_invalid_identity_gets_a_401(client: httpx.AsyncClient) -> None:
    identity = Identity(user_id=uuid.uuid4(), tenant_id=uuid.uuid4(), role=Role.owner)
    forged = issue_identity_token(identity, secret=OTHER_SECRET)

    response = await client.get("/admin", headers={IDENTITY_HEADER: forged})

    assert response.status_code == 401


async def test_an_agent_on_an_admin_route_gets_a_403(client: httpx.AsyncClient) -> None:
    response = await client.get("/admin", headers=_header(Role.agent))

    assert response.status_code == 403
    assert response.json()["title"] == "Forbidden"


async def test_an_admin_on_an_admin_route_gets_a_200(client: httpx.AsyncClient) -> None:
    response = await client.get("/admin", headers=_header(Role.admin))

    assert response.status_code == 200
    assert response.json() == {"role": "admin"}


async def test_an_owner_passes_every_role_check_and_an_admin_not_the_owner_one(
    client: httpx.AsyncClient,
) -> None:
    assert (await client.get("/admin", headers=_header(Role.owner))).status_code == 200
    assert (await client.get("/owner", headers=_header(Role.owner))).status_code == 200
    assert (await client.get("/owner", headers=_header(Role.admin))).status_code == 403
