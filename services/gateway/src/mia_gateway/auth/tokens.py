"""Access tokens: short-lived JWTs the browser sends as ``Authorization: Bearer``.

They say who (user, tenant, session) but not what they may do: the role, the user's and
the tenant's status are read on every request, so a role change, a disabled user or a
suspended tenant takes effect at once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from mia_common.errors import Unauthorized

__all__ = ["AccessClaims", "decode_access_token", "issue_access_token"]

ISSUER = "mia-gateway"
AUDIENCE = "mia-dashboard"


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: uuid.UUID
    tenant_id: uuid.UUID
    session_id: uuid.UUID
    expires_at: datetime


def issue_access_token(
    *,
    user_id: uuid.UUID,
    tenant_id: uuid.UUID,
    session_id: uuid.UUID,
    secret: str,
    ttl_seconds: int,
    now: datetime | None = None,
) -> tuple[str, datetime]:
    issued = now or datetime.now(UTC)
    expires = issued + timedelta(seconds=ttl_seconds)
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": str(user_id),
        "tid": str(tenant_id),
        "sid": str(session_id),
        "iat": int(issued.timestamp()),
        "exp": int(expires.timestamp()),
        "typ": "access",
    }
    return jwt.encode(claims, secret, algorithm="HS256"), expires


def decode_access_token(token: str, *, secret: str) -> AccessClaims:
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": ["exp", "sub", "tid", "sid"]},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized("the access token expired: refresh it", code="token_expired") from None
    except jwt.PyJWTError:
        raise Unauthorized("the access token is not valid", code="token_invalid") from None
    if claims.get("typ") != "access":
        raise Unauthorized("not an access token", code="token_invalid")
    try:
        return AccessClaims(
            user_id=uuid.UUID(claims["sub"]),
            tenant_id=uuid.UUID(claims["tid"]),
            session_id=uuid.UUID(claims["sid"]),
            expires_at=datetime.fromtimestamp(claims["exp"], UTC),
        )
    except ValueError:
        raise Unauthorized("the access token is not valid", code="token_invalid") from None
