"""Who may call the campaigns API: any user of the tenant (agent or above)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from mia_common.identity import Identity, Role, require_role

__all__ = ["Caller"]

Caller = Annotated[Identity, Depends(require_role(Role.agent))]
