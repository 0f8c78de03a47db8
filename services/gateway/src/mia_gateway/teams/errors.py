"""The teams' refusals: problem+json with a stable ``code`` clients can switch on."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from mia_common.errors import AppError, Conflict, NotFound

__all__ = ["MemberUnknown", "TeamNameTaken", "TeamNotFound", "TeamUnknown"]


class TeamNotFound(NotFound):
    """Also what another tenant's team gets: a 403 would confirm that the id exists."""

    def __init__(self, team_id: uuid.UUID) -> None:
        super().__init__(f"no team {team_id}", code="team_not_found")


class TeamUnknown(NotFound):
    """The internal read's 404 (``/internal/v1/teams/{id}``), named like its users' one."""

    def __init__(self) -> None:
        super().__init__("no such team", code="team_unknown")


class TeamNameTaken(Conflict):
    """Another team of the tenant has this name, whatever its case; ``team_id`` is its id."""

    def __init__(self, *, name: str, team_id: uuid.UUID | None) -> None:
        super().__init__(
            f"a team named {name!r} already exists",
            code="team_name_taken",
            team_id=str(team_id) if team_id is not None else None,
        )


class MemberUnknown(AppError):
    """Member ids that are no user of the team's tenant (another tenant's or nobody's:
    the same answer)."""

    status_code = 422
    title = "Unknown members"

    def __init__(self, user_ids: Iterable[uuid.UUID]) -> None:
        ids = sorted(str(user_id) for user_id in user_ids)
        super().__init__(
            f"not users of this company: {', '.join(ids)}", code="member_unknown", user_ids=ids
        )
