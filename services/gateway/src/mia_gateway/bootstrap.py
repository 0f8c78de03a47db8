"""First run: a demo tenant and its owner from ``MIA_ADMIN_EMAIL`` / ``MIA_ADMIN_PASSWORD``.

Idempotent: when an account with that address exists nothing changes (its password is
not reset). An advisory lock keeps two replicas starting together from racing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import structlog

from mia_common.db import unit_of_work
from mia_gateway.audit.service import record
from mia_gateway.tenants.repository import TenantRepository
from mia_gateway.tenants.service import create_tenant_with_owner
from mia_gateway.users.repository import UserRepository

if TYPE_CHECKING:
    from mia_gateway.context import GatewayContext

__all__ = ["ensure_first_run"]

logger = structlog.get_logger(__name__)


async def ensure_first_run(context: GatewayContext) -> None:
    """Startup hook, in a unit of work of its own (no request or message is under way)."""
    settings = context.settings
    email = settings.admin_email.strip().lower()
    async with unit_of_work(context.infra.sessions) as session:
        await TenantRepository.from_session(session).lock_first_run()
        if await UserRepository.from_session(session).by_email(email) is not None:
            return
        tenant, owner = await create_tenant_with_owner(
            session=session,
            name=settings.demo_tenant_name,
            owner_email=email,
            owner_password=settings.admin_password.get_secret_value(),
            owner_name="Administrator",
            is_platform_admin=True,
            email_verified=True,
        )
        await record(
            session=session,
            action="tenant.created_first_run",
            tenant_id=tenant.id,
            actor_id=owner.id,
        )
    logger.info("first run: demo tenant and its owner created", tenant=tenant.slug, email=email)
