"""Who may be assigned a conversation: asked of the gateway, which owns users and teams.

The crm keeps no copy of the tenant's users, so before it assigns a conversation to
anyone (the caller included: an integration's identity names its API key, not a user) it
asks the gateway ``GET /internal/v1/users/{user_id}``, forwarding the caller's own
``X-Mia-Identity`` token: the gateway answers for the token's tenant only (a user of
another tenant is "unknown" there, as a made-up id is), and no credential of the crm's
own is involved. A team is read the same way, ``GET /internal/v1/teams/{team_id}``: its
tenant and its active members (an agent may take a conversation of a team they are in).

An assignment the crm could not check (the gateway unreachable, slow, answering 5xx or
something outside the contract) is refused with a 503, never made unchecked.

aiohttp, as the sender's Graph client: one session per process, pooled connections, made
on first use (a session belongs to the running event loop, and the context is built
before the app's loop runs).
"""

from __future__ import annotations

import uuid
from typing import NoReturn

import aiohttp
import structlog
from pydantic import BaseModel, ValidationError
from structlog.contextvars import get_contextvars

from mia_common.identity import IDENTITY_HEADER, Role
from mia_crm.errors import AssigneeInactive, AssigneeUnknown, GatewayUnavailable, TeamUnknown

__all__ = ["GatewayTeam", "GatewayUser", "GatewayUsers"]

logger = structlog.get_logger(__name__)

REQUEST_ID_HEADER = "X-Request-Id"
_UNKNOWN_CODE = "user_unknown"
_UNKNOWN_TEAM_CODE = "team_unknown"


class GatewayUser(BaseModel):
    """The gateway's answer for a user of the caller's tenant."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    role: Role
    active: bool


class GatewayTeam(BaseModel):
    """The gateway's answer for a team of the caller's tenant."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    name: str
    member_ids: list[uuid.UUID]
    """its active members"""


class _Problem(BaseModel):
    code: str | None = None


class GatewayUsers:
    """The gateway's directory of users and teams, as the crm reads it (one at a time)."""

    def __init__(self, *, gateway_url: str, timeout_seconds: float) -> None:
        self._base = gateway_url.rstrip("/")
        # One bound for the whole call: an agent is waiting on the assignment.
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(
                    limit=20,
                    # Under the servers' own idle limit (uvicorn's 5 s), so an idle
                    # connection is dropped here first rather than reused as it closes.
                    keepalive_timeout=4.0,
                ),
                timeout=self._timeout,
                skip_auto_headers=("User-Agent",),
                raise_for_status=False,
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def check_assignable(
        self,
        *,
        user_id: uuid.UUID,
        tenant_id: uuid.UUID,
        identity_token: str,
    ) -> GatewayUser:
        """The user, when they exist in ``tenant_id`` and are active.

        Raises ``AssigneeUnknown`` (no such user in the tenant), ``AssigneeInactive``, or
        ``GatewayUnavailable`` (the answer could not be had, or was not the contract's).
        """
        status, raw = await self._get(f"/internal/v1/users/{user_id}", identity_token)
        if status == 200:
            try:
                user = GatewayUser.model_validate_json(raw)
            except ValidationError:
                return self._off_contract(status, raw)
            if user.id != user_id:
                return self._off_contract(status, raw)
            if user.tenant_id != tenant_id:
                # The gateway answers for the token's tenant only; should it ever name
                # another tenant's user, that user is still nobody here.
                raise AssigneeUnknown(f"no user {user_id} in this tenant")
            if not user.active:
                raise AssigneeInactive(f"user {user_id} is deactivated and cannot be assigned")
            return user
        if status == 404 and _problem_code(raw) == _UNKNOWN_CODE:
            raise AssigneeUnknown(f"no user {user_id} in this tenant")
        return self._off_contract(status, raw)

    async def team(
        self,
        *,
        team_id: uuid.UUID,
        tenant_id: uuid.UUID,
        identity_token: str,
    ) -> GatewayTeam:
        """The team, when it exists in ``tenant_id``.

        Raises ``TeamUnknown`` (no such team in the tenant) or ``GatewayUnavailable``.
        """
        status, raw = await self._get(f"/internal/v1/teams/{team_id}", identity_token)
        if status == 200:
            try:
                team = GatewayTeam.model_validate_json(raw)
            except ValidationError:
                return self._off_contract(status, raw)
            if team.id != team_id:
                return self._off_contract(status, raw)
            if team.tenant_id != tenant_id:
                raise TeamUnknown(f"no team {team_id} in this tenant")
            return team
        if status == 404 and _problem_code(raw) == _UNKNOWN_TEAM_CODE:
            raise TeamUnknown(f"no team {team_id} in this tenant")
        return self._off_contract(status, raw)

    async def _get(self, path: str, identity_token: str) -> tuple[int, bytes]:
        headers = {IDENTITY_HEADER: identity_token}
        # The request's id travels on, so the gateway's log line joins the crm's.
        request_id = get_contextvars().get("request_id")
        if isinstance(request_id, str) and request_id:
            headers[REQUEST_ID_HEADER] = request_id
        url = f"{self._base}{path}"
        try:
            async with self._client().get(url, headers=headers) as response:
                return response.status, await response.read()
        except (TimeoutError, aiohttp.ClientError) as exc:
            logger.warning("gateway unreachable", error=f"{type(exc).__name__}: {exc}", url=url)
            raise GatewayUnavailable(
                "the gateway could not be reached to check the assignment; try again"
            ) from exc

    def _off_contract(self, status: int, raw: bytes) -> NoReturn:
        # A 5xx, a 401 (the gateway refused the token the crm accepted: a secret that
        # differs, or a token that expired on the way) or a route the gateway lacks: the
        # assignment cannot be checked.
        logger.warning(
            "gateway answered off contract",
            status=status,
            body=raw[:200].decode("utf-8", "replace"),
        )
        raise GatewayUnavailable(
            f"the gateway could not check the assignment (it answered {status}); try again"
        )


def _problem_code(raw: bytes) -> str | None:
    try:
        return _Problem.model_validate_json(raw).code
    except ValidationError:
        return None
