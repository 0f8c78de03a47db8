"""A local OpenID Connect provider for tests, speaking the real protocol over real HTTP.

It runs inside the test process (uvicorn on a free port) and plays Google's part in the
authorization code flow: discovery, an authorization endpoint that approves the configured
user at once, a token endpoint that authenticates the client and enforces PKCE, a JWKS and
userinfo. Knobs let a test make it misbehave the ways a provider, or an attacker between us
and it, could: another user, a wrong nonce, a foreign signing key, a refusal.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import dataclasses
import secrets
import socket
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode

import uvicorn
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core.util import create_half_hash
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from mia_common.testing import wait_until

__all__ = ["FakeOIDCProvider", "FakeUser"]

CODE_SECONDS = 60
ID_TOKEN_SECONDS = 600


@dataclass
class FakeUser:
    """The account the provider logs in: ``subject`` is its stable id there."""

    subject: str
    email: str | None
    email_verified: bool = True
    name: str = "Test Person"


@dataclass
class _Grant:
    client_id: str
    redirect_uri: str
    nonce: str | None
    code_challenge: str
    user: FakeUser
    expires_at: float


@dataclass
class TokenRequest:
    """What the token endpoint was sent, for tests that check how our client behaves."""

    auth_method: str
    form: dict[str, str]
    outcome: str = "ok"


def _new_key(kid: str) -> RSAKey:
    return RSAKey.generate_key(
        2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"}, auto_kid=False
    )


def _oauth_error(status: int, error: str, description: str) -> JSONResponse:
    return JSONResponse(
        {"error": error, "error_description": description},
        status_code=status,
        headers={"Cache-Control": "no-store"},
    )


class _QuietServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # pytest owns SIGINT; uvicorn would otherwise take it over while the fake runs.
        yield


@dataclass
class FakeOIDCProvider:
    """One registered client (``client_id``/``client_secret``) and one user at a time."""

    client_id: str
    client_secret: str
    redirect_uris: set[str] = field(default_factory=set)
    base_url: str = ""
    signing_key: RSAKey = field(default_factory=lambda: _new_key("fake-signing-1"))
    unknown_key: RSAKey = field(default_factory=lambda: _new_key("not-published-1"))
    # Knobs, put back by reset().
    user: FakeUser = field(default_factory=lambda: FakeUser("subject-0", "person@example.com"))
    claim_overrides: dict[str, Any] = field(default_factory=dict)
    sign_with_unknown_key: bool = False
    deny_with: str | None = None
    token_requests: list[TokenRequest] = field(default_factory=list)
    _grants: dict[str, _Grant] = field(default_factory=dict)
    _access_tokens: dict[str, FakeUser] = field(default_factory=dict)

    def reset(self) -> None:
        """Back to a well-behaved provider with no codes outstanding."""
        self.user = FakeUser("subject-0", "person@example.com")
        self.claim_overrides = {}
        self.sign_with_unknown_key = False
        self.deny_with = None
        self.token_requests.clear()
        self._grants.clear()
        self._access_tokens.clear()

    @property
    def issuer(self) -> str:
        return self.base_url

    @property
    def discovery_url(self) -> str:
        return f"{self.base_url}/.well-known/openid-configuration"

    # -- the protocol -----------------------------------------------------------------

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.base_url}/authorize",
            "token_endpoint": f"{self.base_url}/token",
            "userinfo_endpoint": f"{self.base_url}/userinfo",
            "jwks_uri": f"{self.base_url}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "email", "email_verified", "name", "nonce"],
        }

    def authorize(self, params: dict[str, str]) -> Response:
        redirect_uri = params.get("redirect_uri", "")
        # RFC 6749 4.1.2.1: with a bad client or redirect URI, never redirect anywhere.
        if params.get("client_id") != self.client_id:
            return _oauth_error(400, "invalid_client", "unknown client_id")
        if redirect_uri not in self.redirect_uris:
            return _oauth_error(400, "invalid_request", "redirect_uri is not registered")

        def back(**values: str) -> RedirectResponse:
            query = {**values, **({"state": params["state"]} if "state" in params else {})}
            return RedirectResponse(f"{redirect_uri}?{urlencode(query)}", status_code=302)

        if params.get("response_type") != "code":
            return back(error="unsupported_response_type")
        if "openid" not in params.get("scope", "").split():
            return back(error="invalid_scope", error_description="openid is required")
        if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
            return back(error="invalid_request", error_description="PKCE with S256 is required")
        if self.deny_with:
            return back(error=self.deny_with)
        code = secrets.token_urlsafe(24)
        self._grants[code] = _Grant(
            client_id=self.client_id,
            redirect_uri=redirect_uri,
            nonce=params.get("nonce"),
            code_challenge=params["code_challenge"],
            user=dataclasses.replace(self.user),
            expires_at=time.time() + CODE_SECONDS,
        )
        return back(code=code)

    def _client_auth(self, request: Request, form: dict[str, str]) -> str | None:
        """The method the client authenticated with, or None when it failed."""
        header = request.headers.get("authorization", "")
        if header.lower().startswith("basic "):
            decoded = base64.b64decode(header[6:]).decode()
            client_id, _, secret = decoded.partition(":")
            ok = (unquote(client_id), unquote(secret)) == (self.client_id, self.client_secret)
            return "client_secret_basic" if ok else None
        if (form.get("client_id"), form.get("client_secret")) == (
            self.client_id,
            self.client_secret,
        ):
            return "client_secret_post"
        return None

    def _id_token(self, grant: _Grant, access_token: str) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": grant.user.subject,
            "aud": grant.client_id,
            "azp": grant.client_id,
            "iat": now,
            "exp": now + ID_TOKEN_SECONDS,
            "auth_time": now,
            "at_hash": create_half_hash(access_token, "RS256").decode(),
            "email": grant.user.email,
            "email_verified": grant.user.email_verified,
            "name": grant.user.name,
        }
        if grant.nonce is not None:
            claims["nonce"] = grant.nonce
        if grant.user.email is None:
            claims.pop("email")
            claims.pop("email_verified")
        for name, value in self.claim_overrides.items():
            if value is None:
                claims.pop(name, None)
            else:
                claims[name] = value
        key = self.unknown_key if self.sign_with_unknown_key else self.signing_key
        return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)

    async def token(self, request: Request) -> Response:
        form = dict(parse_qsl((await request.body()).decode()))
        auth_method = self._client_auth(request, form)
        record = TokenRequest(auth_method=auth_method or "failed", form=form)
        self.token_requests.append(record)

        def refuse(status: int, error: str, description: str) -> JSONResponse:
            record.outcome = error
            return _oauth_error(status, error, description)

        if auth_method is None:
            return refuse(401, "invalid_client", "client authentication failed")
        if form.get("grant_type") != "authorization_code":
            return refuse(400, "unsupported_grant_type", "only authorization_code")
        # A code is spent by its first use, right or wrong (RFC 6749 4.1.2).
        grant = self._grants.pop(form.get("code", ""), None)
        if grant is None or grant.expires_at < time.time():
            return refuse(400, "invalid_grant", "unknown, used or expired code")
        if grant.client_id != self.client_id or form.get("redirect_uri") != grant.redirect_uri:
            return refuse(400, "invalid_grant", "redirect_uri differs from the authorization")
        verifier = form.get("code_verifier")
        if not verifier or create_s256_code_challenge(verifier) != grant.code_challenge:
            return refuse(400, "invalid_grant", "PKCE verification failed")
        access_token = secrets.token_urlsafe(24)
        self._access_tokens[access_token] = grant.user
        return JSONResponse(
            {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": 3600,
                "scope": "openid email profile",
                "id_token": self._id_token(grant, access_token),
            },
            headers={"Cache-Control": "no-store"},
        )

    def userinfo(self, request: Request) -> Response:
        header = request.headers.get("authorization", "")
        user = self._access_tokens.get(header.removeprefix("Bearer ").strip())
        if not header.startswith("Bearer ") or user is None:
            return JSONResponse(
                {"error": "invalid_token"},
                status_code=401,
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        body: dict[str, Any] = {"sub": user.subject, "name": user.name}
        if user.email is not None:
            body |= {"email": user.email, "email_verified": user.email_verified}
        return JSONResponse(body)

    def build_app(self) -> FastAPI:
        app = FastAPI(openapi_url=None)

        @app.get("/.well-known/openid-configuration")
        async def _discovery() -> JSONResponse:
            return JSONResponse(self.discovery())

        @app.get("/authorize")
        async def _authorize(request: Request) -> Response:
            return self.authorize(dict(request.query_params))

        @app.post("/token")
        async def _token(request: Request) -> Response:
            return await self.token(request)

        @app.get("/jwks")
        async def _jwks() -> JSONResponse:
            return JSONResponse(KeySet([self.signing_key]).as_dict(private=False))

        @app.get("/userinfo")
        async def _userinfo(request: Request) -> Response:
            return self.userinfo(request)

        return app

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[FakeOIDCProvider]:
        """Serve on 127.0.0.1 and a free port until the block ends."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        server = _QuietServer(
            uvicorn.Config(self.build_app(), log_config=None, access_log=False, lifespan="off")
        )
        task = asyncio.create_task(server.serve(sockets=[sock]))
        try:
            await wait_until(lambda: server.started, timeout=10, message="fake OIDC provider up")
            yield self
        finally:
            server.should_exit = True
            await task
            sock.close()
