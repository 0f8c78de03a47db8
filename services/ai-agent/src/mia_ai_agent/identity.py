"""Who may call the ai-agent API: any user of the tenant reads and uses the test console;
managers and above write personas, knowledge bases and model settings (a persona speaks
for the whole company)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from mia_common.identity import Identity, Role, require_role

__all__ = ["Caller", "Manager"]

Caller = Annotated[Identity, Depends(require_role(Role.agent))]
Manager = Annotated[Identity, Depends(require_role(Role.manager))]
