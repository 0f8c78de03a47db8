"""Meta's review of a template (``templates.events.v1``) applied to the library's copy.

The copy is found by Meta's template id, or, for one imported before its id was known, by
the number, name and language. An event for a template the library does not hold (made in
WhatsApp Manager, deleted here) is skipped. Events of one template share a partition, but
Meta itself may post them late or twice: ``meta_status_at`` keeps the moment of the status
held, so a replay changes nothing and an older decision never replaces a newer one. A copy
edited since it was submitted (``CHANGED``) takes no more decisions: they are about a text
it no longer has.
"""

from __future__ import annotations

from datetime import UTC, datetime

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from mia_campaigns.models import Template
from mia_common.contracts import Envelope, TemplateStatusChanged

__all__ = ["apply_status_change"]

logger = structlog.get_logger(__name__)

# Meta's webhook says "NONE" when a decision has no reason (an approval).
_NO_REASON = frozenset({"", "NONE"})


async def _copy_of(
    session: AsyncSession, event: Envelope[TemplateStatusChanged]
) -> Template | None:
    change = event.data
    by_id = await session.scalar(
        select(Template)
        .where(
            Template.tenant_id == event.tenantid, Template.meta_template_id == change.template_id
        )
        .with_for_update()
    )
    if by_id is not None:
        return by_id
    return await session.scalar(
        select(Template)
        .where(
            Template.tenant_id == event.tenantid,
            Template.channel_account_id == change.channel_account_id,
            Template.meta_name == change.name,
            Template.meta_language == change.language,
        )
        .with_for_update()
    )


async def apply_status_change(
    session: AsyncSession, event: Envelope[TemplateStatusChanged]
) -> bool:
    """Whether the library's copy took the event's status."""
    change = event.data
    template = await _copy_of(session, event)
    if template is None:
        logger.debug("template event for no library template", template_id=change.template_id)
        return False
    if template.meta_status == "CHANGED":
        return False
    decided_at: datetime = change.occurred_at or event.time
    if decided_at.tzinfo is None:
        decided_at = decided_at.replace(tzinfo=UTC)
    if template.meta_status_at is not None and decided_at < template.meta_status_at:
        return False
    template.meta_status = change.event[:32]
    reason = (change.reason or "").strip()
    template.meta_reason = None if reason.upper() in _NO_REASON else reason[:1000]
    template.meta_status_at = decided_at
    if template.meta_template_id is None:
        template.meta_template_id = change.template_id
    return True
