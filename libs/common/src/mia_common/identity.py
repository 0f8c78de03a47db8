"""Who is calling: the identity token the gateway forwards to internal services.

The gateway authenticates the user, then forwards ``X-Mia-Identity``: a short-lived JWT
(HS256, signed with ``MIA_IDENTITY_TOKEN_SECRET``) naming the user, the tenant and the
role. Services never see the user's credentials; they trust this token only, through the
FastAPI dependencies below (``CurrentIdentity``, ``CurrentTenantId``, ``require_role``).

Failures raise ``IdentityError``, which carries ``status_code``, ``title`` and ``detail``
so the app factory can answer problem+json without this module importing the error base.
"""

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Any, Final

import jwt
from fastapi import Depends, Header
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from mia_common.settings import PlatformSettings

__all__ = [
    "IDENTITY_AUDIENCE",
    "IDENTITY_HEADER",
    "IDENTITY_ISSUER",
    "CurrentIdentity",
    "CurrentTenantId",
    "CurrentUserId",
    "Identity",
    "IdentityError",
    "IdentityFailure",
    "Role",
    "check_identity_secret",
    "get_identity",
    "get_platform_settings",
    "get_tenant_id",
    "get_user_id",
    "issue_identity_token",
    "require_role",
    "verify_identity_token",
]

IDENTITY_HEADER: Final = "X-Mia-Identity"
IDENTITY_ISSUER: Final = "mia-gateway"
IDENTITY_AUDIENCE: Final = "mia-services"
_ALGORITHM: Final = "HS256"
_REQUIRED_CLAIMS: Final = ("sub", "tid", "role", "iat", "exp", "iss", "aud")


class Role(StrEnum):
    """A user's role in a tenant, from most to least powerful.

    Members are lower case, like their values, so ``Role.admin`` reads as it is sent.
    """

    owner = "owner"
    admin = "admin"
    manager = "manager"
    agent = "agent"

    @property
    def rank(self) -> int:
        """Higher is more powerful; only the order matters."""
        return _ROLE_RANK[self]

    def at_least(self, minimum: "Role") -> bool:
        """True when this role has every permission of ``minimum``."""
        return self.rank >= minimum.rank


_ROLE_RANK: Final = {Role.agent: 0, Role.manager: 1, Role.admin: 2, Role.owner: 3}


class Identity(BaseModel):
    """The authenticated caller, as the gateway vouches for it."""

    model_config = ConfigDict(frozen=True)

    user_id: uuid.UUID
    tenant_id: uuid.UUID
    role: Role
    request_id: str | None = Field(
        default=None, description="the gateway's request id, carried as the token's jti"
    )


class IdentityFailure(StrEnum):
    """Why an identity was refused; stable values for logs and tests."""

    missing = "missing"
    expired = "expired"
    bad_signature = "bad_signature"
    wrong_audience = "wrong_audience"
    wrong_issuer = "wrong_issuer"
    malformed = "malformed"
    insufficient_role = "insufficient_role"


class IdentityError(Exception):
    """The caller's identity is missing, invalid (401) or not allowed here (403)."""

    def __init__(
        self,
        reason: IdentityFailure,
        detail: str,
        *,
        status_code: int = 401,
        title: str = "Unauthorized",
    ) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail
        self.status_code = status_code
        self.title = title


class _Claims(BaseModel):
    """The claims a valid token must carry, beyond what PyJWT checks itself."""

    sub: uuid.UUID
    tid: uuid.UUID
    role: Role
    jti: str | None = None


def issue_identity_token(
    identity: Identity,
    *,
    secret: SecretStr | str,
    ttl_seconds: int = 300,
    now: datetime | None = None,
) -> str:
    """Sign a token for ``identity`` valid ``ttl_seconds`` from ``now`` (the gateway's side)."""
    issued_at = now or datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": str(identity.user_id),
        "tid": str(identity.tenant_id),
        "role": identity.role.value,
        "iat": issued_at,
        "exp": issued_at + timedelta(seconds=ttl_seconds),
        "iss": IDENTITY_ISSUER,
        "aud": IDENTITY_AUDIENCE,
    }
    if identity.request_id is not None:
        claims["jti"] = identity.request_id
    return jwt.encode(claims, _secret_value(secret), algorithm=_ALGORITHM)


def verify_identity_token(token: str, *, secret: SecretStr | str, leeway: int = 5) -> Identity:
    """The identity in ``token``, or ``IdentityError`` saying why it cannot be trusted."""
    if not token:
        raise IdentityError(IdentityFailure.missing, f"the {IDENTITY_HEADER} token is empty")
    try:
        payload = jwt.decode(
            token,
            _secret_value(secret),
            # Pinning the algorithm refuses "none" and any algorithm swap.
            algorithms=[_ALGORITHM],
            audience=IDENTITY_AUDIENCE,
            issuer=IDENTITY_ISSUER,
            leeway=leeway,
            options={"require": list(_REQUIRED_CLAIMS)},
        )
    except jwt.ExpiredSignatureError:
        raise IdentityError(IdentityFailure.expired, "the identity token has expired") from None
    except jwt.InvalidSignatureError:
        raise IdentityError(
            IdentityFailure.bad_signature, "the identity token signature is invalid"
        ) from None
    except jwt.InvalidAudienceError:
        raise IdentityError(
            IdentityFailure.wrong_audience,
            f"the identity token is not for audience {IDENTITY_AUDIENCE!r}",
        ) from None
    except jwt.InvalidIssuerError:
        raise IdentityError(
            IdentityFailure.wrong_issuer,
            f"the identity token was not issued by {IDENTITY_ISSUER!r}",
        ) from None
    except jwt.InvalidTokenError as error:
        raise IdentityError(
            IdentityFailure.malformed, f"the identity token is malformed: {error}"
        ) from None
    try:
        claims = _Claims.model_validate(payload)
    except ValidationError as error:
        fields = ", ".join(str(part) for item in error.errors() for part in item["loc"][:1])
        raise IdentityError(
            IdentityFailure.malformed, f"the identity token has invalid claims: {fields}"
        ) from None
    return Identity(
        user_id=claims.sub, tenant_id=claims.tid, role=claims.role, request_id=claims.jti
    )


@lru_cache(maxsize=1)
def get_platform_settings() -> PlatformSettings:
    """The platform settings, read from the environment once per process.

    A dependency of its own so tests can replace it through ``app.dependency_overrides``.
    """
    return PlatformSettings()


def check_identity_secret(settings: PlatformSettings, *, service: str) -> None:
    """Refuse to start when a service's settings and the platform settings the identity
    dependency reads (from the environment) disagree on the identity secret: every request
    would then be refused, or checked with a key the app was not given."""
    platform = get_platform_settings()
    if (
        platform.identity_token_secret.get_secret_value()
        != settings.identity_token_secret.get_secret_value()
    ):
        raise RuntimeError(
            f"the {service}'s identity_token_secret differs from MIA_IDENTITY_TOKEN_SECRET"
            " in the environment, which identity tokens are checked with"
        )


async def get_identity(
    settings: Annotated[PlatformSettings, Depends(get_platform_settings)],
    token: Annotated[str | None, Header(alias=IDENTITY_HEADER)] = None,
) -> Identity:
    """The caller's identity from the ``X-Mia-Identity`` header; 401 when absent or invalid."""
    if token is None:
        raise IdentityError(IdentityFailure.missing, f"the {IDENTITY_HEADER} header is missing")
    return verify_identity_token(token, secret=settings.identity_token_secret)


CurrentIdentity = Annotated[Identity, Depends(get_identity)]


async def get_tenant_id(identity: CurrentIdentity) -> uuid.UUID:
    """The caller's tenant; every query a service runs is scoped by it."""
    return identity.tenant_id


async def get_user_id(identity: CurrentIdentity) -> uuid.UUID:
    """The calling user."""
    return identity.user_id


CurrentTenantId = Annotated[uuid.UUID, Depends(get_tenant_id)]
CurrentUserId = Annotated[uuid.UUID, Depends(get_user_id)]


def require_role(minimum: Role) -> Callable[[Identity], Awaitable[Identity]]:
    """A dependency admitting callers whose role is at least ``minimum`` (403 otherwise).

    Use as ``dependencies=[Depends(require_role(Role.admin))]`` on a route, or as a
    parameter ``identity: Annotated[Identity, Depends(require_role(Role.admin))]``.
    """

    async def _require_role(identity: CurrentIdentity) -> Identity:
        if not identity.role.at_least(minimum):
            raise IdentityError(
                IdentityFailure.insufficient_role,
                f"this action needs the {minimum.value} role or above;"
                f" the caller is {identity.role.value}",
                status_code=403,
                title="Forbidden",
            )
        return identity

    return _require_role


def _secret_value(secret: SecretStr | str) -> str:
    return secret.get_secret_value() if isinstance(secret, SecretStr) else secret
