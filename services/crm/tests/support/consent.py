"""Consent and privacy helpers: the contacts topic as campaigns read it, and API calls."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mia_common.testing import TopicRecord, read_topic
from support.world import Caller, World


async def contact_events(
    world: World, *, until: Callable[[dict[str, Any]], bool], wait: float = 30
) -> list[dict[str, Any]]:
    """The envelopes of the world's tenant on the contacts topic, read from the start until
    one that ``until`` accepts is among them. A contact's events share a key and leave the
    outbox in commit order: once that one is read, every earlier one of its contact is."""

    def ours(record: TopicRecord) -> bool:
        # A customer's first message announces the new contact too: not what these read.
        return (
            record.envelope.get("tenantid") == str(world.tenant_id)
            and record.envelope.get("type") != "contact.created"
        )

    records = await read_topic(
        world.settings.kafka_bootstrap_servers,
        world.settings.contacts_topic,
        until=lambda read: any(until(r.envelope) for r in read if ours(r)),
        timeout=wait,
        message="the awaited contact event",
    )
    return [record.envelope for record in records if ours(record)]


async def set_consent(
    world: World,
    contact_id: str,
    body: dict[str, Any],
    caller: Caller | None = None,
) -> dict[str, Any]:
    response = await world.client.post(
        f"/api/v1/contacts/{contact_id}/consent", json=body, headers=(caller or world.agent).headers
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def consent_marker(world: World, contact_id: str) -> str:
    """A consent change published after the action under test, on the same key; reading
    up to it proves what the action published on the contact, and what it did not. Its
    event is recognised by ``is_marker``."""
    await set_consent(world, contact_id, {"channel": "email", "status": "opted_out"})
    return contact_id


def is_marker(contact_id: str) -> Callable[[dict[str, Any]], bool]:
    def match(envelope: dict[str, Any]) -> bool:
        data = envelope["data"]
        return (
            data.get("type") == "contact.consent_changed"
            and data["contact_id"] == contact_id
            and data["channel"] == "email"
            and data["status"] == "opted_out"
        )

    return match


async def put_settings(
    world: World, body: dict[str, Any], caller: Caller | None = None
) -> dict[str, Any]:
    response = await world.client.put(
        "/api/v1/crm/settings", json=body, headers=(caller or world.manager).headers
    )
    assert response.status_code == 200, response.text
    return dict(response.json())
