"""The authorization code flow with PKCE, our side: the URL that sends a browser to the
provider, then the code exchange that brings back who the person is there.

The code verifier never leaves the server: the browser carries only its S256 hash (in the
authorization URL), so a code intercepted on its way back is worthless without Redis's copy.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from authlib.common.security import generate_token
from authlib.integrations.base_client import OAuthError
from authlib.integrations.httpx_client import AsyncOAuth2Client
from redis.asyncio import Redis

from mia_common.errors import Unauthorized
from mia_gateway.config import OAuthProviderSettings
from mia_gateway.oauth.discovery import ProviderDirectory, ProviderMetadata
from mia_gateway.oauth.errors import IdTokenInvalid, ProviderUnavailable
from mia_gateway.oauth.id_token import (
    ProviderIdentity,
    UnknownSigningKey,
    decode_signed,
    identity_from_claims,
    verified_claims,
)
from mia_gateway.oauth.pending import PendingLogin, remember

__all__ = ["Authorization", "begin_login", "callback_url", "finish_login"]

HTTP_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True, slots=True)
class Authorization:
    """Where to send the browser, and the state it will come back with."""

    url: str
    state: str


def callback_url(public_url: str, provider: str) -> str:
    return f"{public_url.rstrip('/')}/api/v1/auth/oauth/{provider}/callback"


def _token_auth_method(metadata: ProviderMetadata) -> str:
    # OIDC Discovery: when a provider lists no methods, client_secret_basic is the default.
    supported = metadata.token_auth_methods or ("client_secret_basic",)
    return "client_secret_basic" if "client_secret_basic" in supported else "client_secret_post"


def _client(
    provider: OAuthProviderSettings, metadata: ProviderMetadata, redirect_uri: str
) -> Any:  # authlib ships no type hints: AsyncOAuth2Client is untyped.
    return AsyncOAuth2Client(
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        token_endpoint_auth_method=_token_auth_method(metadata),
        scope=provider.scope,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        timeout=HTTP_TIMEOUT_SECONDS,
    )


async def begin_login(
    *,
    provider: OAuthProviderSettings,
    directory: ProviderDirectory,
    redis: Redis,
    public_url: str,
    next_path: str,
) -> Authorization:
    metadata = await directory.metadata(provider)
    state = generate_token(48)
    nonce = generate_token(32)
    # RFC 7636 wants 43 to 128 characters of high entropy.
    code_verifier = generate_token(64)
    async with _client(provider, metadata, callback_url(public_url, provider.name)) as client:
        url, _ = client.create_authorization_url(
            metadata.authorization_endpoint,
            state=state,
            code_verifier=code_verifier,
            nonce=nonce,
        )
    await remember(
        redis,
        state=state,
        pending=PendingLogin(
            provider=provider.name,
            nonce=nonce,
            code_verifier=code_verifier,
            next_path=next_path,
            created=datetime.now(UTC),
        ),
    )
    return Authorization(url=str(url), state=state)


async def _exchange(client: Any, metadata: ProviderMetadata, *, code: str, verifier: str) -> Any:
    try:
        return await client.fetch_token(
            metadata.token_endpoint,
            grant_type="authorization_code",
            code=code,
            code_verifier=verifier,
        )
    except OAuthError as exc:
        # invalid_grant and friends: a spent, expired or stolen code, or a wrong verifier.
        raise Unauthorized(
            f"the provider refused the login code: {exc.error}", code="oauth_code_refused"
        ) from exc
    except (httpx.HTTPError, ValueError) as exc:
        raise ProviderUnavailable(
            f"the provider's token endpoint failed: {exc}", code="oauth_provider_unavailable"
        ) from exc


async def _claims_of(
    id_token: str,
    *,
    provider: OAuthProviderSettings,
    directory: ProviderDirectory,
    metadata: ProviderMetadata,
    nonce: str,
    access_token: str | None,
) -> dict[str, Any]:
    try:
        keys = await directory.signing_keys(provider)
        header, claims = decode_signed(id_token, keys=keys, algorithms=metadata.signing_algorithms)
    except UnknownSigningKey:
        keys = await directory.signing_keys(provider, refresh=True)
        try:
            header, claims = decode_signed(
                id_token, keys=keys, algorithms=metadata.signing_algorithms
            )
        except UnknownSigningKey as exc:
            raise IdTokenInvalid("signed with a key the provider does not publish") from exc
    return verified_claims(
        header,
        claims,
        issuer=metadata.issuer,
        client_id=provider.client_id,
        nonce=nonce,
        access_token=access_token,
    )


async def _userinfo(client: Any, endpoint: str, subject: str) -> ProviderIdentity:
    try:
        response = await client.get(endpoint)
        response.raise_for_status()
        body = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise ProviderUnavailable(
            f"the provider's userinfo endpoint failed: {exc}", code="oauth_provider_unavailable"
        ) from exc
    if not isinstance(body, dict) or body.get("sub") != subject:
        # OIDC Core 5.3.2: a userinfo answer about someone else must not be used.
        raise IdTokenInvalid("userinfo describes another subject")
    return identity_from_claims(body)


async def finish_login(
    *,
    provider: OAuthProviderSettings,
    directory: ProviderDirectory,
    pending: PendingLogin,
    code: str,
    public_url: str,
) -> ProviderIdentity:
    """Spend ``code`` and return who the provider vouches for (with email when it has one)."""
    metadata = await directory.metadata(provider)
    async with _client(provider, metadata, callback_url(public_url, provider.name)) as client:
        token = await _exchange(client, metadata, code=code, verifier=pending.code_verifier)
        id_token = token.get("id_token")
        if not isinstance(id_token, str):
            raise IdTokenInvalid("the provider sent none: is the openid scope granted?")
        access_token = token.get("access_token")
        claims = await _claims_of(
            id_token,
            provider=provider,
            directory=directory,
            metadata=metadata,
            nonce=pending.nonce,
            access_token=access_token if isinstance(access_token, str) else None,
        )
        identity = identity_from_claims(claims)
        if identity.email is None and metadata.userinfo_endpoint and access_token:
            identity = await _userinfo(client, metadata.userinfo_endpoint, identity.subject)
    if provider.assume_email_verified and identity.email and not identity.email_verified:
        # Facebook sends no email_verified claim but only ever returns confirmed addresses.
        identity = dataclasses.replace(identity, email_verified=True)
    return identity
