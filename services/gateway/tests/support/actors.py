"""Builders of tenants and their users, each with a started login session."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import cache

import httpx
from fastapi import FastAPI

from mia_common.db import unit_of_work
from mia_common.identity import Role
from mia_gateway.auth.passwords import hash_password
from mia_gateway.auth.sessions import start_session
from mia_gateway.config import GatewaySettings
from mia_gateway.models import User
from mia_gateway.tenants.service import create_tenant_with_owner

PASSWORD = "correct-Horse-battery-9"


@cache
def password_hash() -> str:
    """argon2 is slow on purpose: hash the shared test password once."""
    return hash_password(PASSWORD)


@dataclass
class Actor:
    user_id: uuid.UUID
    tenant_id: uuid.UUID
    email: str
    role: Role
    token: str = ""

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class Actors:
    def __init__(self, app: FastAPI, client: httpx.AsyncClient) -> None:
        self._factory = app.state.context.infra.sessions
        self._settings: GatewaySettings = app.state.context.settings
        self._client = client

    @property
    def session_factory(self):  # type: ignore[no-untyped-def]
        return self._factory

    async def login(self, email: str, password: str = PASSWORD) -> str:
        response = await self._client.post(
            "/api/v1/auth/login", json={"email": email, "password": password}
        )
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])

    async def tenant(
        self, roles: tuple[Role, ...] = (Role.owner, Role.admin, Role.manager, Role.agent)
    ) -> dict[Role, Actor]:
        """A new tenant with one logged-in user of each of ``roles`` (an owner always)."""
        tag = uuid.uuid4().hex[:10]
        async with unit_of_work(self._factory) as session:
            tenant, owner = await create_tenant_with_owner(
                session=session,
                name=f"Company {tag}",
                owner_email=f"owner-{tag}@example.com",
                owner_password=None,
            )
            owner.password_hash = password_hash()
            users = {Role.owner: owner}
            for role in roles:
                if role is Role.owner:
                    continue
                user = User(
                    tenant_id=tenant.id,
                    email=f"{role.value}-{tag}@example.com",
                    name=role.value.title(),
                    role=role.value,
                    password_hash=password_hash(),
                )
                session.add(user)
                users[role] = user
            await session.flush()
            result = {}
            # Sessions start as the login endpoint starts them (test_auth covers the
            # endpoint itself), so fixtures neither spend the login throttle's budget nor
            # wait for argon2.
            for role, user in users.items():
                tokens = await start_session(
                    session=session, user=user, method="password", settings=self._settings
                )
                result[role] = Actor(user.id, tenant.id, user.email, role, tokens.access_token)
        return result
