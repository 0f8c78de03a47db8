"""Who may call the crm's API: any user of the tenant (agent or above)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from mia_common.identity import IDENTITY_HEADER, Identity, Role, require_role

__all__ = ["Caller", "CallerToken"]

# Every role may use the inbox and the contacts; finer rules (assigning others) are
# checked where they apply.
Caller = Annotated[Identity, Depends(require_role(Role.agent))]


async def _caller_token(request: Request) -> str:
    # The token ``Caller`` verified, as it came: forwarded to the gateway, it makes the
    # gateway answer for the same user and tenant (the crm holds no credential of its own).
    return request.headers.get(IDENTITY_HEADER, "")


CallerToken = Annotated[str, Depends(_caller_token)]
"""The caller's own ``X-Mia-Identity`` token; use it beside ``Caller``, which checks it."""
