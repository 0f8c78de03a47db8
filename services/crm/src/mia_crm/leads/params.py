"""The filters the board, its column pages and the lead list read from the query."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated

from fastapi import Depends, Query

from mia_common.text import ApiStr
from mia_crm.leads.repository import LeadFilter

__all__ = ["BoardFilters"]

# A number in the document (a Decimal would document any string); read exactly below.
_Amount = Annotated[float | None, Query(ge=0, le=9e15, allow_inf_nan=False)]


def _exact(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


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
        min_value=_exact(min_value),
        max_value=_exact(max_value),
        rotting=rotting,
        q=q,
    )


BoardFilters = Annotated[LeadFilter, Depends(_board_filters)]
