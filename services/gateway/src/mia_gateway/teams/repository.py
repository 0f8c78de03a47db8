"""The SQL of teams and their members; every query is scoped to one tenant.

Lists are ordered by the name as the uniqueness index has it (lower-cased, then the id), so
the uniqueness index ``uq_teams_tenant_id_lower_name`` serves them.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections import defaultdict
from collections.abc import Collection

from sqlalchemy import ColumnElement, delete, func, insert, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import flag_modified

from mia_common.db.search import contains
from mia_common.pagination import InvalidCursor, PageParams
from mia_gateway.models import Team, TeamMember, User

__all__ = ["TeamRepository"]


def _name_key() -> ColumnElement[str]:
    return func.lower(Team.name)


def _cursor_after(team_id: uuid.UUID, name_key: str) -> str:
    # The id first: the name may hold any character, so it takes the rest of the text.
    raw = f"{team_id}|{name_key}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[str, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        team_id, separator, name = raw.partition("|")
        if not separator:
            raise ValueError("no name in the cursor")
        return name, uuid.UUID(team_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidCursor from None


class TeamRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    @classmethod
    def from_session(cls, session: AsyncSession) -> TeamRepository:
        return cls(session)

    # --- teams -----------------------------------------------------------------------------

    async def get_of_tenant(
        self, *, tenant_id: uuid.UUID, team_id: uuid.UUID, for_update: bool = False
    ) -> Team | None:
        query = select(Team).where(Team.id == team_id, Team.tenant_id == tenant_id)
        if for_update:
            query = query.with_for_update()
        return await self.session.scalar(query)

    async def by_name(self, *, tenant_id: uuid.UUID, name: str) -> Team | None:
        """The tenant's team of this name, whatever its case."""
        return await self.session.scalar(
            # PostgreSQL's lower() on both sides: the index's, not Python's idea of case.
            select(Team).where(Team.tenant_id == tenant_id, _name_key() == func.lower(name))
        )

    async def add(self, team: Team) -> Team:
        self.session.add(team)
        await self.session.flush()
        return team

    async def save(self, team: Team) -> Team:
        """Write the team's changes now, so a constraint they break fails this call."""
        await self.session.flush()
        return team

    def touch(self, team: Team) -> None:
        """The next flush updates the row even if no column changed, so ``updated_at``
        moves (its ON UPDATE default): a change of members is a change of the team."""
        flag_modified(team, "name")

    async def delete(self, team: Team) -> None:
        """The team and (ON DELETE CASCADE) its members."""
        await self.session.delete(team)
        await self.session.flush()

    async def page_of_tenant(
        self, *, tenant_id: uuid.UUID, page: PageParams, search: str | None = None
    ) -> tuple[list[Team], str | None]:
        """A page of the tenant's teams by name, case-insensitively; with ``search``, those
        whose name contains it."""
        query = select(Team, _name_key()).where(Team.tenant_id == tenant_id)
        if search and search.strip():
            query = query.where(contains(Team.name, search.strip()))
        if page.cursor is not None:
            after_name, after_id = _decode(page.cursor)
            query = query.where(tuple_(_name_key(), Team.id) > tuple_(after_name, after_id))
        query = query.order_by(_name_key(), Team.id).limit(page.limit + 1)
        rows = (await self.session.execute(query)).all()
        teams = [row[0] for row in rows[: page.limit]]
        if len(rows) <= page.limit:
            return teams, None
        # The key as the database computed it, so the next page starts exactly after it.
        last_team, last_key = rows[page.limit - 1]
        return teams, _cursor_after(last_team.id, last_key)

    # --- members ---------------------------------------------------------------------------

    async def member_ids(self, team_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
        """Each team's members in id order (one query for a page of teams); a team without
        members is absent."""
        if not team_ids:
            return {}
        rows = await self.session.execute(
            select(TeamMember.team_id, TeamMember.user_id)
            .where(TeamMember.team_id.in_(list(team_ids)))
            .order_by(TeamMember.team_id, TeamMember.user_id)
        )
        found: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
        for team_id, user_id in rows.all():
            found[team_id].append(user_id)
        return dict(found)

    async def active_member_ids(self, team_id: uuid.UUID) -> list[uuid.UUID]:
        """The team's members whose account is not disabled, in id order."""
        rows = await self.session.scalars(
            select(TeamMember.user_id)
            .join(User, User.id == TeamMember.user_id)
            .where(TeamMember.team_id == team_id, User.disabled_at.is_(None))
            .order_by(TeamMember.user_id)
        )
        return list(rows.all())

    async def add_members(self, team: Team, user_ids: Collection[uuid.UUID]) -> None:
        if not user_ids:
            return
        await self.session.execute(
            insert(TeamMember),
            [
                {"team_id": team.id, "user_id": user_id, "tenant_id": team.tenant_id}
                for user_id in sorted(user_ids)
            ],
        )

    async def remove_members(self, team: Team, user_ids: Collection[uuid.UUID]) -> None:
        if not user_ids:
            return
        await self.session.execute(
            delete(TeamMember).where(
                TeamMember.team_id == team.id, TeamMember.user_id.in_(list(user_ids))
            )
        )
