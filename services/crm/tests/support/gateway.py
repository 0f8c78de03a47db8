"""A stand-in for the gateway's internal user directory, speaking its contract over HTTP.

``GET /internal/v1/users/{user_id}``, authorized only by a valid ``X-Mia-Identity`` token:
200 ``{"id", "tenant_id", "role", "active"}`` for a user of the token's tenant, a 404
problem ``user_unknown`` for anyone else (nobody, or another tenant's user), 401 without
a valid token. A real server on a port of its own in the test process, so the crm's real
client (aiohttp, timeouts, connection pool) runs; tests add the users it knows and can
make it fail, hang or go away.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiohttp import web
from pydantic import SecretStr

from mia_common.identity import IDENTITY_HEADER, IdentityError, Role, verify_identity_token

__all__ = ["DirectoryCall", "StandInGateway"]

PROBLEM_JSON = "application/problem+json"


@dataclass(frozen=True)
class DirectoryCall:
    """One request the stand-in received: whom it asked about, with which token."""

    user_id: str
    token: str | None
    request_id: str | None


@dataclass
class _User:
    tenant_id: uuid.UUID
    role: Role
    active: bool


@dataclass
class StandInGateway:
    secret: SecretStr
    users: dict[uuid.UUID, _User] = field(default_factory=dict)
    calls: list[DirectoryCall] = field(default_factory=list)
    port: int = 0
    _failing: bool = False
    _hanging: asyncio.Event | None = None
    _runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- the directory ---------------------------------------------------------------------

    def add(
        self, user_id: uuid.UUID, *, tenant_id: uuid.UUID, role: Role, active: bool = True
    ) -> None:
        self.users[user_id] = _User(tenant_id=tenant_id, role=role, active=active)

    def deactivate(self, user_id: uuid.UUID) -> None:
        self.users[user_id].active = False

    def calls_about(self, user_id: uuid.UUID) -> list[DirectoryCall]:
        return [call for call in self.calls if call.user_id == str(user_id)]

    # --- running ---------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/internal/v1/users/{user_id}", self._user)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        # Port 0 the first time (any free one), the same one after ``unreachable``.
        site = web.TCPSite(runner, "127.0.0.1", self.port, reuse_address=True)
        await site.start()
        self.port = int(runner.addresses[0][1])
        self._runner = runner

    async def stop(self) -> None:
        if self._hanging is not None:
            self._hanging.set()
        if self._runner is not None:
            # Closes the open connections too: a pooled keep-alive connection must not
            # keep answering while the gateway is meant to be away.
            await self._runner.cleanup()
            self._runner = None

    @asynccontextmanager
    async def unreachable(self) -> AsyncIterator[None]:
        """Nothing listens on the gateway's port meanwhile (connections are refused)."""
        await self.stop()
        try:
            yield
        finally:
            await self.start()

    @asynccontextmanager
    async def failing(self) -> AsyncIterator[None]:
        """Every request answers 500 meanwhile."""
        self._failing = True
        try:
            yield
        finally:
            self._failing = False

    @asynccontextmanager
    async def hanging(self) -> AsyncIterator[None]:
        """Requests get no answer meanwhile (until the block ends)."""
        self._hanging = asyncio.Event()
        try:
            yield
        finally:
            self._hanging.set()
            self._hanging = None

    # --- the endpoint ----------------------------------------------------------------------

    async def _user(self, request: web.Request) -> web.Response:
        token = request.headers.get(IDENTITY_HEADER)
        user_id = request.match_info["user_id"]
        self.calls.append(DirectoryCall(user_id, token, request.headers.get("X-Request-Id")))
        if self._hanging is not None:
            await self._hanging.wait()
        if self._failing:
            return _problem(500, "Internal error", "the stand-in fails on purpose", "internal")
        if token is None:
            return _problem(401, "Unauthorized", f"{IDENTITY_HEADER} is missing", "missing")
        try:
            identity = verify_identity_token(token, secret=self.secret)
        except IdentityError as error:
            return _problem(401, "Unauthorized", error.detail, str(error.reason))
        try:
            wanted = uuid.UUID(user_id)
        except ValueError:
            wanted = None
        user = self.users.get(wanted) if wanted is not None else None
        if user is None or user.tenant_id != identity.tenant_id:
            return _problem(404, "Not found", "no such user", "user_unknown")
        return web.json_response(
            {
                "id": str(wanted),
                "tenant_id": str(user.tenant_id),
                "role": user.role.value,
                "active": user.active,
            }
        )


def _problem(status: int, title: str, detail: str, code: str) -> web.Response:
    return web.json_response(
        {"type": "about:blank", "title": title, "status": status, "detail": detail, "code": code},
        status=status,
        content_type=PROBLEM_JSON,
    )
