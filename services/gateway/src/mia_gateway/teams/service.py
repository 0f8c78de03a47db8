"""The rules of teams: one name per tenant whatever its case, members only from the
team's own tenant, every write audited in the request's transaction.

A team's members are a set: ``member_ids`` on an update replaces it whole. Disabled
users stay members (enabling them again puts them back to work with their teams), but the
internal read the crm hands conversations by lists only the active ones.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.pagination import PageParams
from mia_gateway.audit.service import record
from mia_gateway.auth.principal import Principal
from mia_gateway.models import Team
from mia_gateway.teams.errors import MemberUnknown, TeamNameTaken, TeamNotFound, TeamUnknown
from mia_gateway.teams.repository import TeamRepository
from mia_gateway.teams.schemas import TeamCreate, TeamUpdate
from mia_gateway.users.repository import UserRepository

__all__ = [
    "TeamWithMembers",
    "create_team",
    "delete_team",
    "get_team",
    "list_teams",
    "team_for_service",
    "update_team",
]


@dataclass(frozen=True, slots=True)
class TeamWithMembers:
    team: Team
    member_ids: list[uuid.UUID]


async def list_teams(
    *, session: AsyncSession, tenant_id: uuid.UUID, page: PageParams, search: str | None
) -> tuple[list[TeamWithMembers], str | None]:
    teams = TeamRepository.from_session(session)
    rows, cursor = await teams.page_of_tenant(tenant_id=tenant_id, page=page, search=search)
    members = await teams.member_ids([team.id for team in rows])
    return [TeamWithMembers(team, members.get(team.id, [])) for team in rows], cursor


async def _team_of_tenant(
    *, session: AsyncSession, tenant_id: uuid.UUID, team_id: uuid.UUID, for_update: bool = False
) -> Team:
    team = await TeamRepository.from_session(session).get_of_tenant(
        tenant_id=tenant_id, team_id=team_id, for_update=for_update
    )
    if team is None:
        raise TeamNotFound(team_id)
    return team


async def _with_members(session: AsyncSession, team: Team) -> TeamWithMembers:
    members = await TeamRepository.from_session(session).member_ids([team.id])
    return TeamWithMembers(team, members.get(team.id, []))


async def get_team(
    *, session: AsyncSession, tenant_id: uuid.UUID, team_id: uuid.UUID
) -> TeamWithMembers:
    """The team, if it belongs to ``tenant_id``; another tenant's is simply not found."""
    team = await _team_of_tenant(session=session, tenant_id=tenant_id, team_id=team_id)
    return await _with_members(session, team)


async def team_for_service(
    *, session: AsyncSession, tenant_id: uuid.UUID, team_id: uuid.UUID
) -> TeamWithMembers:
    """What a service asks before handing a conversation to a team: the team and its
    active members; ``team_unknown`` for another tenant's team and for nobody's."""
    teams = TeamRepository.from_session(session)
    team = await teams.get_of_tenant(tenant_id=tenant_id, team_id=team_id)
    if team is None:
        raise TeamUnknown
    return TeamWithMembers(team, await teams.active_member_ids(team.id))


async def _check_members(
    *, session: AsyncSession, tenant_id: uuid.UUID, member_ids: list[uuid.UUID]
) -> set[uuid.UUID]:
    wanted = set(member_ids)
    found = await UserRepository.from_session(session).ids_of_tenant(
        tenant_id=tenant_id, user_ids=wanted
    )
    if unknown := wanted - found:
        raise MemberUnknown(unknown)
    return wanted


async def _check_name_free(
    *, session: AsyncSession, tenant_id: uuid.UUID, name: str, team_id: uuid.UUID | None = None
) -> None:
    other = await TeamRepository.from_session(session).by_name(tenant_id=tenant_id, name=name)
    if other is not None and other.id != team_id:
        raise TeamNameTaken(name=name, team_id=other.id)


async def _flush_unless_taken(session: AsyncSession, *, tenant_id: uuid.UUID, name: str) -> None:
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        # Another request took the name between the check and the write.
        other = await TeamRepository.from_session(session).by_name(tenant_id=tenant_id, name=name)
        raise TeamNameTaken(name=name, team_id=other.id if other else None) from None


async def create_team(
    *, session: AsyncSession, actor: Principal, body: TeamCreate
) -> TeamWithMembers:
    """The new team with its members; 409 ``team_name_taken``, 422 ``member_unknown``."""
    members = await _check_members(
        session=session, tenant_id=actor.tenant_id, member_ids=body.member_ids
    )
    await _check_name_free(session=session, tenant_id=actor.tenant_id, name=body.name)
    teams = TeamRepository.from_session(session)
    team = Team(tenant_id=actor.tenant_id, name=body.name, description=body.description)
    session.add(team)
    await _flush_unless_taken(session, tenant_id=actor.tenant_id, name=body.name)
    await teams.add_members(team, members)
    await record(
        session=session,
        action="team.created",
        tenant_id=actor.tenant_id,
        actor_id=actor.id,
        actor_kind=actor.kind,
        target=str(team.id),
        details={"name": team.name, "member_ids": sorted(str(m) for m in members)},
    )
    return TeamWithMembers(team, sorted(members))


async def update_team(
    *, session: AsyncSession, actor: Principal, team_id: uuid.UUID, changes: TeamUpdate
) -> TeamWithMembers:
    """A new name, description and/or the whole set of members; audited with what changed."""
    teams = TeamRepository.from_session(session)
    team = await _team_of_tenant(
        session=session, tenant_id=actor.tenant_id, team_id=team_id, for_update=True
    )
    details: dict[str, object] = {}
    if changes.member_ids is not None:
        wanted = await _check_members(
            session=session, tenant_id=actor.tenant_id, member_ids=changes.member_ids
        )
        current = set((await teams.member_ids([team.id])).get(team.id, []))
        added, removed = wanted - current, current - wanted
        await teams.remove_members(team, removed)
        await teams.add_members(team, added)
        if added:
            details["members_added"] = sorted(str(m) for m in added)
        if removed:
            details["members_removed"] = sorted(str(m) for m in removed)
    if changes.name is not None and changes.name != team.name:
        await _check_name_free(
            session=session, tenant_id=actor.tenant_id, name=changes.name, team_id=team.id
        )
        details["name"] = {"from": team.name, "to": changes.name}
        team.name = changes.name
    if "description" in changes.model_fields_set and changes.description != team.description:
        details["description"] = {"from": team.description, "to": changes.description}
        team.description = changes.description
    if details:
        # A change of members alone is a change of the team too.
        teams.touch(team)
        await _flush_unless_taken(session, tenant_id=actor.tenant_id, name=team.name)
        await record(
            session=session,
            action="team.updated",
            tenant_id=actor.tenant_id,
            actor_id=actor.id,
            actor_kind=actor.kind,
            target=str(team.id),
            details=details,
        )
    return await _with_members(session, team)


async def delete_team(*, session: AsyncSession, actor: Principal, team_id: uuid.UUID) -> None:
    """The team and its members' rows go; the users stay."""
    team = await _team_of_tenant(
        session=session, tenant_id=actor.tenant_id, team_id=team_id, for_update=True
    )
    await record(
        session=session,
        action="team.deleted",
        tenant_id=actor.tenant_id,
        actor_id=actor.id,
        actor_kind=actor.kind,
        target=str(team.id),
        details={"name": team.name},
    )
    await TeamRepository.from_session(session).delete(team)
