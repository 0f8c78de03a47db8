"""Where a provider's endpoints and signing keys are: its OIDC discovery document and JWKS.

Both are fetched on first use and kept per process for an hour. Providers rotate keys by
publishing the new one before signing with it, so an ID token naming a key we do not hold
makes us fetch the JWKS again at once rather than wait for the hour to pass.

Endpoints set explicitly in the provider's settings win over the discovered ones: Facebook's
document, for one, is made for its mobile "Limited Login" and has no token endpoint.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import httpx
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from mia_gateway.config import OAuthProviderSettings
from mia_gateway.oauth.errors import ProviderUnavailable

__all__ = ["ProviderDirectory", "ProviderMetadata"]

CACHE_SECONDS = 3600.0
HTTP_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True, slots=True)
class ProviderMetadata:
    """What we use of a discovery document, with the settings' overrides applied."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str | None
    signing_algorithms: tuple[str, ...]
    token_auth_methods: tuple[str, ...]


@dataclass(slots=True)
class _Cached:
    metadata: ProviderMetadata
    keys: KeySet | None
    fetched_at: float


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(item for item in value if isinstance(item, str))
    return ()


def _parse(provider: OAuthProviderSettings, document: dict[str, Any]) -> ProviderMetadata:
    def endpoint(override: str | None, field: str) -> str | None:
        value = override or document.get(field)
        return value if isinstance(value, str) and value else None

    issuer = endpoint(None, "issuer")
    authorize = endpoint(provider.authorize_url, "authorization_endpoint")
    token = endpoint(provider.token_url, "token_endpoint")
    jwks = endpoint(None, "jwks_uri")
    if issuer is None or authorize is None or token is None or jwks is None:
        found = {
            "issuer": issuer,
            "authorization_endpoint": authorize,
            "token_endpoint": token,
            "jwks_uri": jwks,
        }
        missing = ", ".join(name for name, value in found.items() if value is None)
        raise ProviderUnavailable(
            f"{provider.name}'s discovery document lacks {missing}: "
            "configure the endpoint explicitly",
            code="oauth_provider_misconfigured",
        )
    return ProviderMetadata(
        issuer=issuer,
        authorization_endpoint=authorize,
        token_endpoint=token,
        jwks_uri=jwks,
        userinfo_endpoint=endpoint(provider.userinfo_url, "userinfo_endpoint"),
        signing_algorithms=_strings(document.get("id_token_signing_alg_values_supported")),
        token_auth_methods=_strings(document.get("token_endpoint_auth_methods_supported")),
    )


async def _get_json(url: str, *, what: str) -> dict[str, Any]:
    try:
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT_SECONDS) as http:
            response = await http.get(url, headers={"Accept": "application/json"})
            response.raise_for_status()
            body = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise ProviderUnavailable(
            f"could not fetch the provider's {what}: {exc}", code="oauth_provider_unavailable"
        ) from exc
    if not isinstance(body, dict):
        raise ProviderUnavailable(
            f"the provider's {what} is not a JSON object", code="oauth_provider_unavailable"
        )
    return body


class ProviderDirectory:
    """Per-process cache of each provider's metadata and signing keys."""

    def __init__(self, *, cache_seconds: float = CACHE_SECONDS) -> None:
        self._cache_seconds = cache_seconds
        # Keyed by discovery URL, so two configurations of one provider name never mix.
        self._entries: dict[str, _Cached] = {}

    async def _entry(self, provider: OAuthProviderSettings) -> _Cached:
        if not provider.discovery_url:
            raise ProviderUnavailable(
                f"{provider.name} has no discovery URL: only OpenID Connect providers log in",
                code="oauth_provider_misconfigured",
            )
        entry = self._entries.get(provider.discovery_url)
        if entry is None or time.monotonic() - entry.fetched_at > self._cache_seconds:
            document = await _get_json(provider.discovery_url, what="discovery document")
            entry = _Cached(_parse(provider, document), keys=None, fetched_at=time.monotonic())
            self._entries[provider.discovery_url] = entry
        return entry

    async def metadata(self, provider: OAuthProviderSettings) -> ProviderMetadata:
        return (await self._entry(provider)).metadata

    async def signing_keys(
        self, provider: OAuthProviderSettings, *, refresh: bool = False
    ) -> KeySet:
        """The provider's public keys; ``refresh`` when a token names a key we lack."""
        entry = await self._entry(provider)
        if entry.keys is None or refresh:
            document = await _get_json(entry.metadata.jwks_uri, what="signing keys")
            try:
                # A JSON object is all we know of it until joserfc has parsed it.
                entry.keys = KeySet.import_key_set(document)  # type: ignore[arg-type]
            except (JoseError, ValueError, KeyError, TypeError) as exc:
                raise ProviderUnavailable(
                    f"the provider's signing keys are unreadable: {exc}",
                    code="oauth_provider_unavailable",
                ) from exc
        return entry.keys
