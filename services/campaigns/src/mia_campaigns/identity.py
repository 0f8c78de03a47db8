"""Who may call the campaigns API: any user of the tenant reads; managers and above
create, launch, pause, resume and cancel (a campaign speaks for the whole company)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from mia_common.identity import Identity, Role, require_role

__all__ = ["Caller", "Manager"]

Caller = Annotated[Identity, Depends(require_role(Role.agent))]
Manager = Annotated[Identity, Depends(require_role(Role.manager))]
