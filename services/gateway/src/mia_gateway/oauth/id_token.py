"""Checking a provider's ID token and reading who it says the person is.

The signature is checked with joserfc, the JOSE library authlib itself moved to
(``authlib.jose`` is deprecated in 1.9); the claims with authlib's ``CodeIDToken``, which
knows OpenID Connect's rules (nonce, azp, at_hash). Its ``iss`` and ``aud`` checks run only
when asked for, so we always ask.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from mia_gateway.oauth.errors import IdTokenInvalid

__all__ = [
    "ProviderIdentity",
    "UnknownSigningKey",
    "decode_signed",
    "identity_from_claims",
    "verified_claims",
]

# Public-key algorithms only: "none" proves nothing, and HS256 would be keyed with our client
# secret, which the provider's JWKS cannot describe.
ASYMMETRIC_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
# Seconds of clock difference between us and the provider that exp and iat tolerate.
LEEWAY_SECONDS = 60


class UnknownSigningKey(Exception):
    """The token names a key the JWKS we hold lacks: fetch the JWKS again and retry once."""


@dataclass(frozen=True, slots=True)
class ProviderIdentity:
    """The person at the provider: ``subject`` is the stable id, the email may change."""

    subject: str
    email: str | None
    email_verified: bool
    name: str


def decode_signed(
    id_token: str, *, keys: KeySet, algorithms: Iterable[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The header and claims of ``id_token`` once its signature checks out."""
    allowed = sorted(ASYMMETRIC_ALGORITHMS.intersection(algorithms)) or ["RS256"]
    try:
        token = jwt.decode(id_token, keys, registry=JWSRegistry(algorithms=allowed))
    except InvalidKeyIdError as exc:
        raise UnknownSigningKey(str(exc)) from exc
    except (JoseError, ValueError) as exc:
        raise IdTokenInvalid(f"bad signature or format ({exc.__class__.__name__})") from exc
    return dict(token.header), dict(token.claims)


def verified_claims(
    header: dict[str, Any],
    claims: dict[str, Any],
    *,
    issuer: str,
    client_id: str,
    nonce: str,
    access_token: str | None,
) -> dict[str, Any]:
    """``claims`` if they are for us, from this provider, current, and from this login."""
    checked = CodeIDToken(
        claims,
        header,
        {
            "iss": {"essential": True, "value": issuer},
            "aud": {"essential": True, "value": client_id},
            "sub": {"essential": True},
        },
        {"nonce": nonce, "client_id": client_id, "access_token": access_token},
    )
    try:
        checked.validate(leeway=LEEWAY_SECONDS)
    except JoseError as exc:
        raise IdTokenInvalid(f"{exc.__class__.__name__}: {exc}") from exc
    # CodeIDToken checks the nonce only when we pass one; we always do, but say so here too.
    if claims.get("nonce") != nonce:
        raise IdTokenInvalid("the nonce is not the one this login sent")
    return claims


def identity_from_claims(claims: dict[str, Any]) -> ProviderIdentity:
    """Who the (already verified) claims describe; ID token and userinfo share these names."""
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise IdTokenInvalid("no subject")
    email = claims.get("email")
    name = claims.get("name")
    return ProviderIdentity(
        subject=subject,
        email=email.strip().lower() if isinstance(email, str) and email.strip() else None,
        # Some providers send the boolean as a string.
        email_verified=claims.get("email_verified") in (True, "true"),
        name=name if isinstance(name, str) else "",
    )
