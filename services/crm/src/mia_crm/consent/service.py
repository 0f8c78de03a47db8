"""Consent rules: recording a change, merging two contacts' consent, who may be marketed to.

Every change of a contact's current state on a channel appends to the ledger and stages
``contact.consent_changed`` on the contacts topic, in the caller's transaction: campaigns
and the AI agent read the change from the next message on. A change that changes nothing
(already so, or older than the recorded state) records and publishes nothing.

``record_consent`` does not check that the contact belongs to ``tenant_id``: its callers
(the API, the keyword matcher, the importer) hold the tenant's contact already.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from mia_common.contracts import Envelope
from mia_common.contracts.contacts import (
    ConsentChanged,
    ConsentChannel,
    ConsentSource,
    ConsentStatus,
)
from mia_common.db.base import new_uuid7
from mia_common.outbox import StagedEvent, add_event, add_events
from mia_crm.consent.repository import ConsentRepository
from mia_crm.models import ConsentEvent, ContactConsent

__all__ = ["SOURCE", "may_market", "merge_consent", "record_consent", "record_consents"]

SOURCE = "/services/crm"


async def record_consent(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    contact_id: uuid.UUID,
    channel: ConsentChannel,
    status: ConsentStatus,
    source: ConsentSource,
    actor_user_id: uuid.UUID | None,
    occurred_at: datetime,
    contacts_topic: str,
    note: str | None = None,
    actor_api_key_id: uuid.UUID | None = None,
) -> ConsentEvent | None:
    """The ledger entry of the change, or None when nothing changed."""
    repository = ConsentRepository.from_session(session)
    changed = await repository.set_current(
        tenant_id=tenant_id,
        contact_id=contact_id,
        channel=channel.value,
        status=status.value,
        source=source.value,
        actor_user_id=actor_user_id,
        occurred_at=occurred_at,
    )
    if not changed:
        return None
    event = await repository.append(
        ConsentEvent(
            tenant_id=tenant_id,
            contact_id=contact_id,
            channel=channel.value,
            status=status.value,
            source=source.value,
            actor_user_id=actor_user_id,
            actor_api_key_id=actor_api_key_id,
            note=note,
            occurred_at=occurred_at,
        )
    )
    await _announce(
        session,
        tenant_id=tenant_id,
        contact_id=contact_id,
        change=ConsentChanged(
            contact_id=contact_id,
            channel=channel,
            status=status,
            source=source,
            actor_user_id=actor_user_id,
            occurred_at=occurred_at,
        ),
        contacts_topic=contacts_topic,
    )
    return event


async def record_consents(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    contact_ids: Sequence[uuid.UUID],
    channel: ConsentChannel,
    status: ConsentStatus,
    source: ConsentSource,
    actor_user_id: uuid.UUID | None,
    occurred_at: datetime,
    contacts_topic: str,
    note: str | None = None,
) -> list[uuid.UUID]:
    """``record_consent`` of one change for many contacts (an import's batch) in three
    statements whatever their number: the current states, the ledger, the events. The ids
    of the contacts whose state changed (in id order); the others record nothing."""
    repository = ConsentRepository.from_session(session)
    changed = await repository.set_current_many(
        tenant_id=tenant_id,
        contact_ids=contact_ids,
        channel=channel.value,
        status=status.value,
        source=source.value,
        actor_user_id=actor_user_id,
        occurred_at=occurred_at,
    )
    if not changed:
        return []
    await repository.append_many(
        [
            {
                "id": new_uuid7(),
                "tenant_id": tenant_id,
                "contact_id": contact_id,
                "channel": channel.value,
                "status": status.value,
                "source": source.value,
                "actor_user_id": actor_user_id,
                "actor_api_key_id": None,
                "note": note,
                "occurred_at": occurred_at,
            }
            for contact_id in changed
        ]
    )
    await add_events(
        session,
        [
            StagedEvent(
                topic=contacts_topic,
                key=str(contact_id),
                event=Envelope[ConsentChanged](
                    type="contact.consent_changed",
                    source=SOURCE,
                    tenantid=tenant_id,
                    subject=str(contact_id),
                    data=ConsentChanged(
                        contact_id=contact_id,
                        channel=channel,
                        status=status,
                        source=source,
                        actor_user_id=actor_user_id,
                        occurred_at=occurred_at,
                    ),
                ),
            )
            for contact_id in changed
        ],
    )
    return changed


async def merge_consent(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    survivor_id: uuid.UUID,
    absorbed_id: uuid.UUID,
    contacts_topic: str,
) -> None:
    """Give ``survivor_id`` the consent of ``absorbed_id``; call before deleting the
    absorbed contact (its rows would go with it).

    The ledger moves whole. On a channel both have, an opt-out wins over an opt-in (one
    person who said stop under either identity said stop); of two equal states the later
    is kept. A survivor whose state changed is announced.
    """
    repository = ConsentRepository.from_session(session)
    survivor = {
        row.channel: row for row in await repository.current_for_update(contact_id=survivor_id)
    }
    absorbed = await repository.current_for_update(contact_id=absorbed_id)
    await repository.move_history(from_contact_id=absorbed_id, to_contact_id=survivor_id)
    await repository.drop_current(contact_id=absorbed_id)
    for row in absorbed:
        kept = survivor.get(row.channel)
        if kept is not None and not _overrides(row, kept):
            continue
        await record_consent(
            session,
            tenant_id=tenant_id,
            contact_id=survivor_id,
            channel=ConsentChannel(row.channel),
            status=ConsentStatus(row.status),
            source=ConsentSource(row.source),
            actor_user_id=row.actor_user_id,
            # Not before the survivor's own state: the absorbed state wins by the rule above.
            occurred_at=max(row.occurred_at, kept.occurred_at) if kept else row.occurred_at,
            contacts_topic=contacts_topic,
            note="merged from another contact",
        )


def _overrides(candidate: ContactConsent, current: ContactConsent) -> bool:
    if candidate.status == current.status:
        return False  # the same state either way
    return candidate.status == ConsentStatus.OPTED_OUT


def may_market(*, status: str | None, requires_consent: bool) -> bool:
    """Whether a marketing message may go to a contact whose consent on the channel is
    ``status`` (None: never said), under the tenant's rule."""
    if status == ConsentStatus.OPTED_OUT:
        return False
    if status == ConsentStatus.OPTED_IN:
        return True
    return not requires_consent


async def _announce(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    contact_id: uuid.UUID,
    change: ConsentChanged,
    contacts_topic: str,
) -> None:
    await add_event(
        session,
        topic=contacts_topic,
        key=str(contact_id),
        event=Envelope[ConsentChanged](
            type=change.type,
            source=SOURCE,
            tenantid=tenant_id,
            subject=str(contact_id),
            data=change,
        ),
    )
