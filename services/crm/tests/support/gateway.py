"""A stand-in for the gateway's internal user and team directory, speaking its contract
over HTTP.

``GET /internal/v1/users/{user_id}``, authorized only by a valid ``X-Mia-Identity`` token:
200 ``{"id", "tenant_id", "role", "active"}`` for a user of the token's tenant, a 404
problem ``user_unknown`` for anyone else (nobody, or another tenant's user), 401 without
a valid token. ``GET /internal/v1/teams/{team_id}`` the same way: 200 ``{"id",
"tenant_id", "name", "member_ids"}`` (its active members) for a team of the token's
tenant, a 404 ``team_unknown`` otherwise. A real server on a port of its own in the test
process, so the crm's real client (aiohttp, timeouts, connection pool) runs; tests add
the users and teams it knows and can make it fail, hang or go away.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiohttp import web
from pydantic import SecretStr

from mia_common.identity import (
    IDENTITY_HEADER,
    Identity,
    IdentityError,
    Role,
    verify_identity_token,
)

__all__ = ["DirectoryCall", "StandInGateway"]

PROBLEM_JSON = "application/problem+json"


@dataclass(frozen=True)
class DirectoryCall:
    """One request the stand-in received: whom it asked about, with which token."""

    user_id: str
    """the id asked about (a team's, when ``kind`` is "team")"""
    token: str | None
    request_id: str | None
    kind: str = "user"


@dataclass
class _User:
    tenant_id: uuid.UUID
    role: Role
    active: bool


@dataclass
class _Team:
    tenant_id: uuid.UUID
    name: str
    member_ids: list[uuid.UUID]


@dataclass
class StandInGateway:
    secret: SecretStr
    users: dict[uuid.UUID, _User] = field(default_factory=dict)
    teams: dict[uuid.UUID, _Team] = field(default_factory=dict)
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
        return [c for c in self.calls if c.kind == "user" and c.user_id == str(user_id)]

    def add_team(
        self, *, tenant_id: uuid.UUID, member_ids: list[uuid.UUID], name: str = "Sales"
    ) -> uuid.UUID:
        team_id = uuid.uuid4()
        self.teams[team_id] = _Team(tenant_id=tenant_id, name=name, member_ids=list(member_ids))
        return team_id

    def remove_team(self, team_id: uuid.UUID) -> None:
        del self.teams[team_id]

    def calls_about_team(self, team_id: uuid.UUID) -> list[DirectoryCall]:
        return [c for c in self.calls if c.kind == "team" and c.user_id == str(team_id)]

    # --- running ---------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/internal/v1/users/{user_id}", self._user)
        app.router.add_get("/internal/v1/teams/{team_id}", self._team)
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
        user_id = request.match_info["user_id"]
        identity = await self._authorized(request, user_id, "user")
        if isinstance(identity, web.Response):
            return identity
        wanted = _uuid(user_id)
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

    async def _team(self, request: web.Request) -> web.Response:
        team_id = request.match_info["team_id"]
        identity = await self._authorized(request, team_id, "team")
        if isinstance(identity, web.Response):
            return identity
        wanted = _uuid(team_id)
        team = self.teams.get(wanted) if wanted is not None else None
        if team is None or team.tenant_id != identity.tenant_id:
            return _problem(404, "Not found", "no such team", "team_unknown")
        active = [
            member
            for member in team.member_ids
            if (user := self.users.get(member)) is not None and user.active
        ]
        return web.json_response(
            {
                "id": str(wanted),
                "tenant_id": str(team.tenant_id),
                "name": team.name,
                "member_ids": [str(member) for member in active],
            }
        )

    async def _authorized(
        self, request: web.Request, subject: str, kind: str
    ) -> Identity | web.Response:
        """The caller's identity, or the answer a request without a valid token gets."""
        token = request.headers.get(IDENTITY_HEADER)
        self.calls.append(
            DirectoryCall(subject, token, request.headers.get("X-Request-Id"), kind=kind)
        )
        if self._hanging is not None:
            await self._hanging.wait()
        if self._failing:
            return _problem(500, "Internal error", "the stand-in fails on purpose", "internal")
        if token is None:
            return _problem(401, "Unauthorized", f"{IDENTITY_HEADER} is missing", "missing")
        try:
            return verify_identity_token(token, secret=self.secret)
        except IdentityError as error:
            return _problem(401, "Unauthorized", error.detail, str(error.reason))


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _problem(status: int, title: str, detail: str, code: str) -> web.Response:
    return web.json_response(
        {"type": "about:blank", "title": title, "status": status, "detail": detail, "code": code},
        status=status,
        content_type=PROBLEM_JSON,
    )
