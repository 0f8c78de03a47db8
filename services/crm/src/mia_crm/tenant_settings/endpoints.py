"""``/api/v1/crm/settings``: a tenant's crm settings: default country, consent rules,
opt-out and opt-in keywords and their confirmation replies. Everyone reads them; managers
and above change them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from mia_common.db.requests import SessionDep
from mia_common.identity import Identity, Role, require_role
from mia_crm.context import ContextDep
from mia_crm.identity import Caller
from mia_crm.tenant_settings.schemas import CrmSettingsOut, CrmSettingsUpdate
from mia_crm.tenant_settings.service import save_settings, settings_of

__all__ = ["router"]

router = APIRouter(prefix="/api/v1/crm/settings", tags=["crm settings"])

Manager = Annotated[Identity, Depends(require_role(Role.manager))]


@router.get("", response_model=CrmSettingsOut, summary="The defaults until a manager saves them")
async def read_settings(caller: Caller, session: SessionDep) -> CrmSettingsOut:
    return CrmSettingsOut.of(await settings_of(session, caller.tenant_id))


@router.put(
    "",
    response_model=CrmSettingsOut,
    summary="Change them (managers and above); fields left out keep their value. A word in"
    " both keyword lists counts as an opt-out",
)
async def change_settings(
    body: CrmSettingsUpdate, caller: Manager, session: SessionDep, context: ContextDep
) -> CrmSettingsOut:
    saved = await save_settings(session, tenant_id=caller.tenant_id, changes=body.changes())
    # This process reads the new keywords from the next message on; the others within
    # their cache's time to live.
    context.consent_keywords.forget(caller.tenant_id)
    return CrmSettingsOut.of(saved)
