"""The contact events an import stages are built as JSON without the pydantic models:
they must be the very JSON the models make."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import orjson
import pytest
from imports.importer import Importer
from pydantic import TypeAdapter

from mia_common.contracts import Envelope
from mia_common.contracts.contacts import ContactChanged
from mia_common.contracts.envelope import new_event_id
from mia_crm.contacts.events import SOURCE, envelope_json, snapshot_of
from mia_crm.models import Contact
from support.world import World

_WHEN = TypeAdapter(datetime)


def _contact(**values: object) -> Contact:
    return Contact(id=uuid.uuid4(), tenant_id=uuid.uuid4(), **values)


CONTACTS = [
    pytest.param(_contact(phone="+5511987654321"), id="phone only, zone derived"),
    pytest.param(
        _contact(
            name="Conceição \u00e7 \U0001f600",
            phone="+5592987654321",
            channel_user_id="u-1",
            email="a@b.com.br",
            owner_user_id=uuid.uuid4(),
            lifecycle_stage="lead",
            source="import",
            language="pt-BR",
            time_zone="Europe/Lisbon",
            fields={"plano": "Ouro", "n": 1.5, "big": 10**15, "many": ["a", "b"], "no": None},
        ),
        id="every column",
    ),
    pytest.param(_contact(channel_user_id="x", fields={}), id="no phone, no zone"),
]


@pytest.mark.parametrize("contact", CONTACTS)
@pytest.mark.parametrize("created", [True, False])
@pytest.mark.parametrize(
    "occurred_at",
    [
        datetime(2026, 12, 2, 5, 45, 1, 123456, tzinfo=UTC),
        datetime(2026, 12, 2, 5, 45, 1, tzinfo=UTC),
        datetime(2026, 12, 2, 5, 45, 1, 5, tzinfo=timezone(timedelta(hours=-3))),
    ],
)
@pytest.mark.parametrize("actor", [None, uuid.uuid4()])
def test_an_event_built_as_json_is_byte_identical_to_the_models_one(
    contact: Contact, created: bool, occurred_at: datetime, actor: uuid.UUID | None
) -> None:
    kind = "contact.created" if created else "contact.updated"
    event_id = new_event_id()
    tags = ["VIP", "Importados"]
    changed = ["name", "phone", "tags"]
    now = datetime.now(UTC)
    expected = Envelope[ContactChanged](
        id=event_id,
        time=now,
        type=kind,
        source=SOURCE,
        tenantid=contact.tenant_id,
        subject=str(contact.id),
        data=ContactChanged(
            type=kind,
            contact=snapshot_of(contact, tags),
            changed=changed,
            actor_user_id=actor,
            occurred_at=occurred_at,
        ),
    ).to_json_dict()
    built = envelope_json(
        event_id=event_id,
        kind=kind,
        time=_WHEN.dump_python(now, mode="json"),
        contact=contact,
        tag_names=tags,
        changed=changed,
        actor_user_id=None if actor is None else str(actor),
        occurred_at=_WHEN.dump_python(occurred_at, mode="json"),
    )
    assert orjson.dumps(built) == orjson.dumps(expected)
    # And it reads back as the contract says.
    Envelope[ContactChanged].model_validate(built)


async def test_an_imported_contact_is_announced_with_its_whole_snapshot(
    world: World, importer: Importer
) -> None:
    tag = await importer.tag("Importados")
    data = b"name;phone;email\nAna;(92) 98765-4321;ana@exemplo.com.br\n"

    await importer.run(
        data,
        {
            "mapping": [
                {"column": 0, "field": "name"},
                {"column": 1, "field": "phone"},
                {"column": 2, "field": "email"},
            ],
            "tags": [str(tag.id)],
            "consent": {"channel": "whatsapp", "status": "opted_in"},
        },
    )

    contact = (await importer.contacts())["+5592987654321"]
    events = await world.contact_events(
        str(contact.id), until=lambda e: e["type"] == "contact.created"
    )
    assert [e["type"] for e in events] == ["contact.consent_changed", "contact.created"]
    created = Envelope[ContactChanged].model_validate(events[-1])
    assert created.tenantid == world.tenant_id
    assert created.subject == str(contact.id)
    assert created.data.contact == snapshot_of(contact, ["Importados"])
    assert created.data.contact.time_zone == "America/Manaus"
    assert created.data.changed == ["email", "name", "phone", "tags"]
