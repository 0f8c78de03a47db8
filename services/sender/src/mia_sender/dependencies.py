"""FastAPI dependencies of the sender's API: its runtime, and who may do what."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from mia_common.identity import Identity, Role, require_role
from mia_sender.runtime import RUNTIME_KEY, SenderRuntime

__all__ = ["Admin", "Reader", "RuntimeDep", "get_runtime"]


def get_runtime(request: Request) -> SenderRuntime:
    runtime: SenderRuntime = request.app.state.context.extras[RUNTIME_KEY]
    return runtime


RuntimeDep = Annotated[SenderRuntime, Depends(get_runtime)]
# Changing accounts (credentials, pausing) is an administrator's job; every member of the
# company may look (agents see which numbers they can answer from).
Admin = Annotated[Identity, Depends(require_role(Role.admin))]
Reader = Annotated[Identity, Depends(require_role(Role.agent))]
