"""The filters the board, its column pages and the lead list read from the query."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated

from fastapi import Depends, Query

from mia_common.text import ApiStr
from mia_crm.leads.repository import LeadFilter
from mia_crm.leads.schemas import MAX_VALUE

__all__ = ["BoardFilters"]

_Amount = Annotated[Decimal | None, Query(ge=0, le=MAX_VALUE, allow_inf_nan=False)]


async def _board_filters(
    owner_user_id: Annotated[uuid.UUID | None, Query(description="only this owner's")] = None,
    tag_id: Annotated[uuid.UUID | None, Query(description="only leads with this tag")] = None,
    min_value: _Amount = None,
    max_value: _Amount = None,
    rotting: Annotated[
        bool | None,
        Query(
            description="true: only leads longer in their stage than its rotting_days;"
            " false: only the others"
        ),
    ] = None,
    q: Annotated[
        ApiStr | None, Query(max_length=200, description="lead title, contact name or phone")
    ] = None,
) -> LeadFilter:
    return LeadFilter(
        owner_user_id=owner_user_id,
        tag_id=tag_id,
        min_value=min_value,
        max_value=max_value,
        rotting=rotting,
        q=q,
    )


BoardFilters = Annotated[LeadFilter, Depends(_board_filters)]
