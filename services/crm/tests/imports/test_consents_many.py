"""``record_consents``: one change of consent for many contacts at once (an import's
batch), with what ``record_consent`` does for each."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from imports.importer import Importer
from sqlalchemy import select

from mia_common.contracts.contacts import ConsentChannel, ConsentSource, ConsentStatus
from mia_common.outbox.models import OutboxEvent
from mia_crm.consent.service import record_consent, record_consents
from mia_crm.models import ConsentEvent, ContactConsent
from support.world import World


async def test_many_contacts_change_as_each_would_alone(world: World, importer: Importer) -> None:
    now = datetime.now(UTC)
    never, later_in, earlier_out, already_in = [
        await importer.contact(phone=f"+551190000000{n}") for n in range(4)
    ]
    before = {
        later_in.id: (ConsentStatus.OPTED_IN, now + timedelta(hours=1)),
        earlier_out.id: (ConsentStatus.OPTED_OUT, now - timedelta(hours=1)),
        already_in.id: (ConsentStatus.OPTED_IN, now - timedelta(hours=1)),
    }
    async with importer.sessions() as session, session.begin():
        for contact_id, (status, when) in before.items():
            await record_consent(
                session,
                tenant_id=world.tenant_id,
                contact_id=contact_id,
                channel=ConsentChannel.WHATSAPP,
                status=status,
                source=ConsentSource.API,
                actor_user_id=None,
                occurred_at=when,
                contacts_topic=world.settings.contacts_topic,
            )
    ids = [already_in.id, never.id, earlier_out.id, later_in.id, never.id]

    async with importer.sessions() as session, session.begin():
        changed = await record_consents(
            session,
            tenant_id=world.tenant_id,
            contact_ids=ids,
            channel=ConsentChannel.WHATSAPP,
            status=ConsentStatus.OPTED_IN,
            source=ConsentSource.IMPORT,
            actor_user_id=None,
            occurred_at=now,
            contacts_topic=world.settings.contacts_topic,
            note="import",
        )

    assert changed == sorted([never.id, earlier_out.id])
    async with importer.sessions() as session:
        current = {
            row.contact_id: (row.status, row.source)
            for row in await session.scalars(
                select(ContactConsent).where(ContactConsent.tenant_id == world.tenant_id)
            )
        }
        ledger = [
            (row.contact_id, row.status, row.note)
            for row in await session.scalars(
                select(ConsentEvent).where(
                    ConsentEvent.tenant_id == world.tenant_id,
                    ConsentEvent.source == ConsentSource.IMPORT.value,
                )
            )
        ]
        staged = [
            row.payload
            for row in await session.scalars(
                select(OutboxEvent).where(
                    OutboxEvent.key.in_([str(i).encode() for i in [*changed, later_in.id]])
                )
            )
            if row.payload["type"] == "contact.consent_changed"
            and row.payload["data"]["source"] == "import"
        ]
    assert current == {
        never.id: ("opted_in", "import"),
        earlier_out.id: ("opted_in", "import"),
        later_in.id: ("opted_in", "api"),
        already_in.id: ("opted_in", "api"),
    }
    assert sorted(ledger) == sorted(
        [(never.id, "opted_in", "import"), (earlier_out.id, "opted_in", "import")]
    )
    assert sorted(p["subject"] for p in staged) == sorted(str(i) for i in changed)
    assert all(p["tenantid"] == str(world.tenant_id) for p in staged)


async def test_no_contacts_record_nothing(world: World, importer: Importer) -> None:
    async with importer.sessions() as session, session.begin():
        changed = await record_consents(
            session,
            tenant_id=world.tenant_id,
            contact_ids=[],
            channel=ConsentChannel.SMS,
            status=ConsentStatus.OPTED_OUT,
            source=ConsentSource.IMPORT,
            actor_user_id=None,
            occurred_at=datetime.now(UTC),
            contacts_topic=world.settings.contacts_topic,
        )
    assert changed == []
