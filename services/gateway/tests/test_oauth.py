"""Logging in with an OAuth/OIDC provider, against a local fake provider over real HTTP.

The gateway is configured with the fake as its "google". Each test drives the flow as a
browser would: the gateway's start redirect, the provider's authorization endpoint (which
approves at once), and back to the gateway's callback carrying the state cookie.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy import select, update

from mia_common.db import unit_of_work
from mia_common.identity import Role
from mia_common.testing.lifespan import running
from mia_gateway.config import GatewaySettings
from mia_gateway.main import create_app
from mia_gateway.models import AuditEvent, OAuthIdentity, Session, Tenant, User
from support.actors import Actor, Actors
from support.fake_oidc import FakeOIDCProvider, FakeUser

CLIENT_ID = "master-ia-web"
CLIENT_SECRET = "fake-provider-client-secret"
PUBLIC_URL = "http://gateway.test"
CALLBACK = f"{PUBLIC_URL}/api/v1/auth/oauth/google/callback"
STATE_COOKIE = "mia_oauth_state"


@pytest.fixture(scope="module")
async def provider() -> AsyncIterator[FakeOIDCProvider]:
    fake = FakeOIDCProvider(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, redirect_uris={CALLBACK}
    )
    async with fake.running():
        yield fake


@pytest.fixture(scope="module")
def oauth_settings(
    gateway_settings: GatewaySettings, provider: FakeOIDCProvider
) -> GatewaySettings:
    return gateway_settings.model_copy(
        update={
            "public_url": PUBLIC_URL,
            "google_client_id": CLIENT_ID,
            "google_client_secret": SecretStr(CLIENT_SECRET),
            "google_discovery_url": provider.discovery_url,
            # Every test logs a new owner in with a password from one address: keep the
            # login throttle out of the way of tests about something else.
            "login_attempts_per_minute": 10_000,
        }
    )


@pytest.fixture(scope="module")
async def oauth_app(oauth_settings: GatewaySettings) -> AsyncIterator[FastAPI]:
    app = create_app(oauth_settings)
    async with running(app):
        yield app


@pytest.fixture(autouse=True)
def well_behaved_provider(provider: FakeOIDCProvider) -> None:
    provider.reset()


def _gateway_client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=PUBLIC_URL)


@pytest.fixture
async def browser(oauth_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """One browser's view of the gateway: its cookie jar is the browser's."""
    async with _gateway_client(oauth_app) as client:
        yield client


@pytest.fixture
async def provider_http() -> AsyncIterator[httpx.AsyncClient]:
    """The browser's requests to the provider, over real TCP."""
    async with httpx.AsyncClient(timeout=10) as client:
        yield client


@pytest.fixture
async def people(oauth_app: FastAPI) -> AsyncIterator[Actors]:
    # Their own client, so their password logins leave no cookie in the browser under test.
    async with _gateway_client(oauth_app) as client:
        yield Actors(oauth_app, client)


async def _owner(people: Actors) -> Actor:
    return (await people.tenant((Role.owner,)))[Role.owner]


def _person(email: str | None, *, verified: bool = True) -> FakeUser:
    return FakeUser(subject=f"google-{uuid.uuid4().hex}", email=email, email_verified=verified)


async def _through_provider(
    browser: httpx.AsyncClient, provider_http: httpx.AsyncClient, *, next_path: str = "/"
) -> str:
    """Start a login and let the provider approve it: the callback URL it sends us back to."""
    start = await browser.get("/api/v1/auth/oauth/google/start", params={"next": next_path})
    assert start.status_code == 302, start.text
    authorize = await provider_http.get(start.headers["location"])
    assert authorize.status_code == 302, authorize.text
    return authorize.headers["location"]


async def _log_in(
    browser: httpx.AsyncClient, provider_http: httpx.AsyncClient, *, next_path: str = "/"
) -> httpx.Response:
    return await browser.get(await _through_provider(browser, provider_http, next_path=next_path))


async def _me(browser: httpx.AsyncClient) -> dict[str, Any]:
    """Who the browser's refresh cookie belongs to, the way the dashboard finds out."""
    refreshed = await browser.post("/api/v1/auth/refresh")
    assert refreshed.status_code == 200, refreshed.text
    token = refreshed.json()["access_token"]
    me = await browser.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200, me.text
    body: dict[str, Any] = me.json()
    return body


def _assert_refused(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == code


async def _links(app: FastAPI, user_id: uuid.UUID) -> list[OAuthIdentity]:
    async with unit_of_work(app.state.context.infra.sessions) as session:
        rows = await session.scalars(select(OAuthIdentity).where(OAuthIdentity.user_id == user_id))
        return list(rows)


async def test_providers_lists_those_with_credentials(browser: httpx.AsyncClient) -> None:
    response = await browser.get("/api/v1/auth/oauth/providers")
    assert response.status_code == 200
    assert response.json() == {"providers": ["google"]}


async def test_start_sends_the_browser_to_the_provider_with_pkce_nonce_and_a_bound_state(
    browser: httpx.AsyncClient, oauth_app: FastAPI, provider: FakeOIDCProvider
) -> None:
    response = await browser.get("/api/v1/auth/oauth/google/start", params={"next": "/inbox"})
    assert response.status_code == 302
    location = urlsplit(response.headers["location"])
    assert (
        f"{location.scheme}://{location.netloc}{location.path}" == f"{provider.base_url}/authorize"
    )
    query = {name: values[0] for name, values in parse_qs(location.query).items()}
    assert query["response_type"] == "code"
    assert query["client_id"] == CLIENT_ID
    assert query["redirect_uri"] == CALLBACK
    assert "openid" in query["scope"].split()
    assert "email" in query["scope"].split()
    assert query["code_challenge_method"] == "S256"
    assert len(query["code_challenge"]) == 43, "base64url of a SHA-256, unpadded"
    assert query["nonce"]
    assert query["state"]
    cookie = response.headers["set-cookie"].lower()
    assert cookie.startswith(f"{STATE_COOKIE}=")
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "path=/api/v1/auth/oauth" in cookie
    assert query["state"].lower() not in cookie, "the cookie holds a hash, not the state"
    ttl = await oauth_app.state.context.infra.redis_client.ttl(f"mia:gw:oauth:{query['state']}")
    assert 0 < ttl <= 600


async def test_login_links_an_existing_user_by_the_email_the_provider_verified(
    browser: httpx.AsyncClient,
    provider_http: httpx.AsyncClient,
    people: Actors,
    provider: FakeOIDCProvider,
    oauth_app: FastAPI,
) -> None:
    owner = await _owner(people)
    # Our own record of the address is unverified: the provider's word is what counts.
    provider.user = _person(owner.email.upper())

    response = await _log_in(browser, provider_http, next_path="/inbox?tab=mine")

    assert response.status_code == 302, response.text
    assert response.headers["location"] == "/inbox?tab=mine"
    assert "token" not in response.headers["location"]
    assert browser.cookies.get("mia_refresh")
    assert browser.cookies.get(STATE_COOKIE) is None, "the state cookie is cleared"
    me = await _me(browser)
    assert me["user"]["id"] == str(owner.user_id)
    assert me["tenant"]["id"] == str(owner.tenant_id)
    # Our client authenticated itself and sent the PKCE verifier the fake insists on.
    exchange = provider.token_requests[-1]
    assert (exchange.auth_method, exchange.outcome) == ("client_secret_basic", "ok")
    assert "code_verifier" in exchange.form
    [link] = await _links(oauth_app, owner.user_id)
    assert (link.provider, link.subject, link.email) == (
        "google",
        provider.user.subject,
        owner.email,
    )
    async with unit_of_work(oauth_app.state.context.infra.sessions) as session:
        user = await session.get(User, owner.user_id)
        assert user is not None
        assert user.email_verified
        methods = await session.scalars(
            select(Session.method).where(Session.user_id == owner.user_id)
        )
        assert "oauth:google" in set(methods)
        actions = set(
            await session.scalars(
                select(AuditEvent.action).where(AuditEvent.actor_id == owner.user_id)
            )
        )
        assert {"oauth.linked", "login.succeeded"} <= actions


async def test_second_login_uses_the_stored_link_even_if_the_provider_email_changed(
    browser: httpx.AsyncClient,
    provider_http: httpx.AsyncClient,
    people: Actors,
    provider: FakeOIDCProvider,
    oauth_app: FastAPI,
) -> None:
    owner = await _owner(people)
    provider.user = _person(owner.email)
    assert (await _log_in(browser, provider_http)).status_code == 302

    provider.user.email, provider.user.email_verified = "renamed@elsewhere.example", False
    again = await _log_in(browser, provider_http)

    assert again.status_code == 302, again.text
    assert (await _me(browser))["user"]["id"] == str(owner.user_id)
    [link] = await _links(oauth_app, owner.user_id)
    assert link.email == "renamed@elsewhere.example"


async def test_an_email_the_provider_has_not_verified_links_nothing(
    browser: httpx.AsyncClient,
    provider_http: httpx.AsyncClient,
    people: Actors,
    provider: FakeOIDCProvider,
    oauth_app: FastAPI,
) -> None:
    owner = await _owner(people)
    provider.user = _person(owner.email, verified=False)

    response = await _log_in(browser, provider_http)

    _assert_refused(response, 403, "oauth_email_unverified")
    assert browser.cookies.get("mia_refresh") is None
    assert await _links(oauth_app, owner.user_id) == []


async def test_an_email_without_an_account_is_refused_while_signup_is_off(
    browser: httpx.AsyncClient, provider_http: httpx.AsyncClient, provider: FakeOIDCProvider
) -> None:
    provider.user = _person(f"stranger-{uuid.uuid4().hex[:8]}@example.com")
    _assert_refused(await _log_in(browser, provider_http), 403, "oauth_no_account")


async def test_with_signup_on_a_new_email_gets_a_company_named_after_its_domain(
    browser: httpx.AsyncClient,
    provider_http: httpx.AsyncClient,
    provider: FakeOIDCProvider,
    oauth_app: FastAPI,
    oauth_settings: GatewaySettings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    domain = f"new-{uuid.uuid4().hex[:8]}.example"
    provider.user = _person(f"founder@{domain}")
    signup_on = oauth_settings.model_copy(update={"signup_enabled": True})
    with monkeypatch.context() as patched:
        # The app reads its settings from its context on every request.
        patched.setattr(oauth_app.state.context, "settings", signup_on)
        response = await _log_in(browser, provider_http)

    assert response.status_code == 302, response.text
    me = await _me(browser)
    assert me["user"]["email"] == f"founder@{domain}"
    assert me["role"] == "owner"
    assert me["tenant"]["name"] == domain


async def test_the_email_comes_from_userinfo_when_the_id_token_lacks_it(
    browser: httpx.AsyncClient,
    provider_http: httpx.AsyncClient,
    people: Actors,
    provider: FakeOIDCProvider,
) -> None:
    owner = await _owner(people)
    provider.user = _person(owner.email)
    provider.claim_overrides = {"email": None, "email_verified": None}

    assert (await _log_in(browser, provider_http)).status_code == 302
    assert (await _me(browser))["user"]["id"] == str(owner.user_id)


async def test_a_provider_account_without_any_email_is_refused(
    browser: httpx.AsyncClient, provider_http: httpx.AsyncClient, provider: FakeOIDCProvider
) -> None:
    provider.user = _person(None)
    _assert_refused(await _log_in(browser, provider_http), 403, "oauth_email_missing")


async def test_linking_never_crosses_into_another_tenant(
    browser: httpx.AsyncClient,
    provider_http: httpx.AsyncClient,
    people: Actors,
    provider: FakeOIDCProvider,
    oauth_app: FastAPI,
) -> None:
    first = await people.tenant((Role.owner, Role.agent))
    second = await people.tenant((Role.owner, Role.agent))
    agent = second[Role.agent]
    provider.user = _person(agent.email)

    assert (await _log_in(browser, provider_http)).status_code == 302

    me = await _me(browser)
    assert me["user"]["id"] == str(agent.user_id)
    assert me["tenant"]["id"] == str(agent.tenant_id) != str(first[Role.owner].tenant_id)
    assert me["role"] == "agent"
    for actor in first.values():
        assert await _links(oauth_app, actor.user_id) == []


async def test_a_disabled_user_or_a_suspended_company_cannot_log_in(
    browser: httpx.AsyncClient,
    provider_http: httpx.AsyncClient,
    people: Actors,
    provider: FakeOIDCProvider,
    oauth_app: FastAPI,
) -> None:
    team = await people.tenant((Role.owner, Role.agent))
    factory = oauth_app.state.context.infra.sessions
    async with unit_of_work(factory) as session:
        await session.execute(
            update(User)
            .where(User.id == team[Role.agent].user_id)
            .values(disabled_at=datetime.now(UTC))
        )
    provider.user = _person(team[Role.agent].email)
    _assert_refused(await _log_in(browser, provider_http), 401, "user_disabled")

    async with unit_of_work(factory) as session:
        await session.execute(
            update(Tenant).where(Tenant.id == team[Role.owner].tenant_id).values(status="suspended")
        )
    provider.user = _person(team[Role.owner].email)
    _assert_refused(await _log_in(browser, provider_http), 401, "tenant_suspended")


async def test_a_tampered_state_is_refused_and_the_real_one_still_works(
    browser: httpx.AsyncClient,
    provider_http: httpx.AsyncClient,
    people: Actors,
    provider: FakeOIDCProvider,
) -> None:
    provider.user = _person((await _owner(people)).email)
    callback = await _through_provider(browser, provider_http)
    state = parse_qs(urlsplit(callback).query)["state"][0]

    tampered = await browser.get(callback.replace(f"state={state}", f"state={state[:-1]}x"))

    _assert_refused(tampered, 400, "oauth_state_invalid")
    assert (await browser.get(callback)).status_code == 302


async def test_a_state_used_twice_is_refused(
    browser: httpx.AsyncClient,
    provider_http: httpx.AsyncClient,
    people: Actors,
    provider: FakeOIDCProvider,
) -> None:
    provider.user = _person((await _owner(people)).email)
    callback = await _through_provider(browser, provider_http)
    binding = browser.cookies[STATE_COOKIE]
    assert (await browser.get(callback)).status_code == 302

    # Put the cookie back, so only the server's single-use record can refuse the replay.
    browser.cookies.set(STATE_COOKIE, binding, domain="gateway.test", path="/api/v1/auth/oauth")
    replay = await browser.get(callback)

    _assert_refused(replay, 400, "oauth_state_invalid")
    assert "already used" in replay.json()["detail"]


async def test_a_state_from_another_browser_is_refused_without_spending_it(
    browser: httpx.AsyncClient,
    provider_http: httpx.AsyncClient,
    people: Actors,
    provider: FakeOIDCProvider,
    oauth_app: FastAPI,
) -> None:
    owner = await _owner(people)
    provider.user = _person(owner.email)
    callback = await _through_provider(browser, provider_http)

    async with _gateway_client(oauth_app) as victim:
        planted = await victim.get(callback)
        _assert_refused(planted, 400, "oauth_state_invalid")
        assert victim.cookies.get("mia_refresh") is None

    assert (await browser.get(callback)).status_code == 302
    assert (await _me(browser))["user"]["id"] == str(owner.user_id)


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param({"nonce": "not-the-nonce-we-sent"}, id="wrong-nonce"),
        pytest.param({"nonce": None}, id="no-nonce"),
        pytest.param({"aud": "some-other-client"}, id="other-audience"),
        pytest.param({"iss": "https://impostor.example"}, id="other-issuer"),
        pytest.param({"exp": 1_000_000_000}, id="expired"),
    ],
)
async def test_an_id_token_that_is_not_for_this_login_is_refused(
    claims: dict[str, object],
    browser: httpx.AsyncClient,
    provider_http: httpx.AsyncClient,
    people: Actors,
    provider: FakeOIDCProvider,
) -> None:
    provider.user = _person((await _owner(people)).email)
    provider.claim_overrides = claims

    response = await _log_in(browser, provider_http)

    _assert_refused(response, 401, "oauth_id_token_invalid")
    assert browser.cookies.get("mia_refresh") is None


async def test_an_id_token_signed_with_a_key_the_provider_does_not_publish_is_refused(
    browser: httpx.AsyncClient,
    provider_http: httpx.AsyncClient,
    people: Actors,
    provider: FakeOIDCProvider,
) -> None:
    provider.user = _person((await _owner(people)).email)
    provider.sign_with_unknown_key = True

    _assert_refused(await _log_in(browser, provider_http), 401, "oauth_id_token_invalid")


async def test_the_provider_enforces_pkce_and_a_code_it_refuses_logs_nobody_in(
    browser: httpx.AsyncClient,
    provider_http: httpx.AsyncClient,
    people: Actors,
    provider: FakeOIDCProvider,
) -> None:
    provider.user = _person((await _owner(people)).email)
    callback = await _through_provider(browser, provider_http)
    code = parse_qs(urlsplit(callback).query)["code"][0]

    # Someone who intercepted the code, but not the verifier that stays on our server.
    stolen = await provider_http.post(
        f"{provider.base_url}/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CALLBACK,
            "code_verifier": "a-guess-" + "x" * 40,
        },
        auth=(CLIENT_ID, CLIENT_SECRET),
    )
    assert stolen.status_code == 400
    assert stolen.json()["error"] == "invalid_grant"

    # That attempt spent the code: the gateway's own exchange is refused, and says so.
    _assert_refused(await browser.get(callback), 401, "oauth_code_refused")


async def test_a_refusal_at_the_provider_returns_to_the_login_page(
    browser: httpx.AsyncClient,
    provider_http: httpx.AsyncClient,
    provider: FakeOIDCProvider,
    oauth_app: FastAPI,
) -> None:
    provider.deny_with = "access_denied"
    callback = await _through_provider(browser, provider_http)
    state = parse_qs(urlsplit(callback).query)["state"][0]

    response = await browser.get(callback)

    assert response.status_code == 302
    assert response.headers["location"] == "/login?error=access_denied"
    assert await oauth_app.state.context.infra.redis_client.exists(f"mia:gw:oauth:{state}") == 0


@pytest.mark.parametrize("name", ["github", "facebook"])
async def test_an_unknown_or_unconfigured_provider_is_not_found(
    name: str, browser: httpx.AsyncClient
) -> None:
    for path in ("start", "callback?code=c&state=s"):
        response = await browser.get(f"/api/v1/auth/oauth/{name}/{path}")
        _assert_refused(response, 404, "oauth_provider_unknown")


@pytest.mark.parametrize(
    "next_path",
    ["https://evil.example/", "//evil.example/inbox", "/\\evil.example", "javascript:alert(1)"],
)
async def test_next_must_be_a_path_on_this_site(next_path: str, browser: httpx.AsyncClient) -> None:
    response = await browser.get("/api/v1/auth/oauth/google/start", params={"next": next_path})
    _assert_refused(response, 400, "oauth_next_invalid")
    assert STATE_COOKIE not in response.headers.get("set-cookie", "")
