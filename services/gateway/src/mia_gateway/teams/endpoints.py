"""``/api/v1/teams``: list and search, read, create, change (members as a whole set), delete.

Every role reads teams (an agent hands a conversation to one by name); writing them needs
the role that manages users, admin or above.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from mia_common.db.requests import SessionDep
from mia_common.pagination import Page, PageQuery
from mia_common.text import ApiStr
from mia_gateway.auth.dependencies import AdminPrincipal, CurrentPrincipal
from mia_gateway.teams import service
from mia_gateway.teams.schemas import TeamCreate, TeamOut, TeamUpdate

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/teams", tags=["teams"])


def _out(found: service.TeamWithMembers) -> TeamOut:
    return TeamOut.of(found.team, found.member_ids)


@router.get("", response_model=Page[TeamOut], summary="The company's teams, by name")
async def list_teams(
    principal: CurrentPrincipal,
    session: SessionDep,
    page: PageQuery,
    q: Annotated[ApiStr | None, Query(max_length=100, description="part of the name")] = None,
) -> Page[TeamOut]:
    rows, cursor = await service.list_teams(
        session=session, tenant_id=principal.tenant_id, page=page, search=q
    )
    return Page(items=[_out(row) for row in rows], next_cursor=cursor)


@router.get("/{team_id}", response_model=TeamOut)
async def read_team(
    team_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep
) -> TeamOut:
    return _out(
        await service.get_team(session=session, tenant_id=principal.tenant_id, team_id=team_id)
    )


@router.post("", response_model=TeamOut, status_code=201, summary="Create a team")
async def create_team(body: TeamCreate, principal: AdminPrincipal, session: SessionDep) -> TeamOut:
    return _out(await service.create_team(session=session, actor=principal, body=body))


@router.patch(
    "/{team_id}",
    response_model=TeamOut,
    summary="Rename, describe, or set the members of a team (member_ids replaces them all)",
)
async def update_team(
    team_id: uuid.UUID, body: TeamUpdate, principal: AdminPrincipal, session: SessionDep
) -> TeamOut:
    return _out(
        await service.update_team(session=session, actor=principal, team_id=team_id, changes=body)
    )


@router.delete("/{team_id}", status_code=204, summary="Delete a team (its users stay)")
async def delete_team(
    team_id: uuid.UUID, principal: AdminPrincipal, session: SessionDep
) -> Response:
    await service.delete_team(session=session, actor=principal, team_id=team_id)
    return Response(status_code=204)
