"""A tenant's crm settings, as every part of the crm reads them.

``settings_of`` answers the defaults for a tenant that never saved any, so callers (the
importer's default country, the keyword matcher, campaigns' consent rule) never handle a
missing row.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from mia_crm.models import CrmTenantSettings
from mia_crm.tenant_settings.defaults import (
    DEFAULT_COUNTRY,
    DEFAULT_MARKETING_REQUIRES_CONSENT,
    DEFAULT_OPT_IN_KEYWORDS,
    DEFAULT_OPT_OUT_KEYWORDS,
)
from mia_crm.tenant_settings.repository import TenantSettingsRepository

__all__ = ["TenantCrmSettings", "save_settings", "settings_of", "settings_of_tenants"]


@dataclass(frozen=True, slots=True, kw_only=True)
class TenantCrmSettings:
    tenant_id: uuid.UUID
    default_country: str = DEFAULT_COUNTRY
    marketing_requires_consent: bool = DEFAULT_MARKETING_REQUIRES_CONSENT
    opt_out_keywords: tuple[str, ...] = DEFAULT_OPT_OUT_KEYWORDS
    opt_in_keywords: tuple[str, ...] = DEFAULT_OPT_IN_KEYWORDS
    opt_out_reply: str | None = None
    opt_in_reply: str | None = None
    updated_at: datetime | None = None
    """None: never saved, these are the defaults."""

    @classmethod
    def of(cls, row: CrmTenantSettings) -> TenantCrmSettings:
        return cls(
            tenant_id=row.tenant_id,
            default_country=row.default_country,
            marketing_requires_consent=row.marketing_requires_consent,
            opt_out_keywords=tuple(row.opt_out_keywords),
            opt_in_keywords=tuple(row.opt_in_keywords),
            opt_out_reply=row.opt_out_reply,
            opt_in_reply=row.opt_in_reply,
            updated_at=row.updated_at,
        )

    def columns(self) -> dict[str, Any]:
        return {
            "default_country": self.default_country,
            "marketing_requires_consent": self.marketing_requires_consent,
            "opt_out_keywords": list(self.opt_out_keywords),
            "opt_in_keywords": list(self.opt_in_keywords),
            "opt_out_reply": self.opt_out_reply,
            "opt_in_reply": self.opt_in_reply,
        }


async def settings_of(session: AsyncSession, tenant_id: uuid.UUID) -> TenantCrmSettings:
    """The tenant's settings; the defaults when it never saved any."""
    row = await TenantSettingsRepository.from_session(session).get(tenant_id)
    return TenantCrmSettings.of(row) if row is not None else TenantCrmSettings(tenant_id=tenant_id)


async def settings_of_tenants(
    session: AsyncSession, tenant_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, TenantCrmSettings]:
    """Each tenant's settings in one query (the defaults for those without a row)."""
    rows = await TenantSettingsRepository.from_session(session).of_tenants(tenant_ids)
    found = {row.tenant_id: TenantCrmSettings.of(row) for row in rows}
    return {
        tenant_id: found.get(tenant_id) or TenantCrmSettings(tenant_id=tenant_id)
        for tenant_id in tenant_ids
    }


async def save_settings(
    session: AsyncSession, *, tenant_id: uuid.UUID, changes: dict[str, Any]
) -> TenantCrmSettings:
    """The settings with ``changes`` applied (column name → new value), saved."""
    current = await settings_of(session, tenant_id)
    values = {**current.columns(), **changes}
    # Stored as lists (jsonb); the dataclass holds tuples.
    for name in ("opt_out_keywords", "opt_in_keywords"):
        values[name] = list(values[name])
    row = await TenantSettingsRepository.from_session(session).save(
        tenant_id=tenant_id, values=values
    )
    return TenantCrmSettings.of(row)
