"""``/internal/v1/...``: reads other services need from the gateway's data (not public).

Authorized only by the ``X-Mia-Identity`` token the gateway itself forwards to the
services (signed with the identity secret, ``mia_common.identity``), which a service
passes on from the request it is serving: never by a session, a cookie or an API key, so
nothing a browser or an integration holds opens these routes. Every read is scoped to the
token's tenant. Left out of the public document.

- ``GET /internal/v1/users/{user_id}``: the crm checks the assignee of a conversation.
  Another tenant's user and nobody at all are the same 404 (``user_unknown``): a
  service cannot learn what exists outside its caller's tenant.
- ``GET /internal/v1/teams/{team_id}``: the crm checks the team a conversation is handed
  to, and who in it may take it: ``member_ids`` are the active members only. Another
  tenant's team and none at all are the same 404 (``team_unknown``).
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Header
from pydantic import BaseModel

from mia_common.db.requests import SessionDep
from mia_common.identity import (
    IDENTITY_HEADER,
    Identity,
    IdentityError,
    IdentityFailure,
    Role,
    verify_identity_token,
)
from mia_gateway.context import SettingsDep
from mia_gateway.teams.service import team_for_service
from mia_gateway.users.service import get_user_of_tenant

__all__ = ["InternalTeam", "InternalUser", "ServiceIdentity", "router", "service_identity"]

router = APIRouter(prefix="/internal/v1", include_in_schema=False)


async def service_identity(
    settings: SettingsDep,
    token: Annotated[str | None, Header(alias=IDENTITY_HEADER)] = None,
) -> Identity:
    """The identity a service forwards, checked with the secret this gateway signs with
    (its own settings, not a second read of the environment)."""
    if token is None:
        raise IdentityError(IdentityFailure.missing, f"the {IDENTITY_HEADER} header is missing")
    return verify_identity_token(token, secret=settings.identity_token_secret)


ServiceIdentity = Annotated[Identity, Depends(service_identity)]


class InternalUser(BaseModel):
    id: uuid.UUID
    tenant_id: uuid.UUID
    role: Role
    active: bool


@router.get("/users/{user_id}", response_model=InternalUser)
async def read_user(
    user_id: uuid.UUID, identity: ServiceIdentity, session: SessionDep
) -> InternalUser:
    user = await get_user_of_tenant(session=session, tenant_id=identity.tenant_id, user_id=user_id)
    return InternalUser(
        id=user.id, tenant_id=user.tenant_id, role=Role(user.role), active=user.disabled_at is None
    )


class InternalTeam(BaseModel):
    id: uuid.UUID
    tenant_id: uuid.UUID
    name: str
    member_ids: list[uuid.UUID]


@router.get("/teams/{team_id}", response_model=InternalTeam)
async def read_team(
    team_id: uuid.UUID, identity: ServiceIdentity, session: SessionDep
) -> InternalTeam:
    found = await team_for_service(session=session, tenant_id=identity.tenant_id, team_id=team_id)
    return InternalTeam(
        id=found.team.id,
        tenant_id=found.team.tenant_id,
        name=found.team.name,
        member_ids=found.member_ids,
    )
