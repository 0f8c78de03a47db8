"""What the member stream tells of consent: each line's whatsapp and sms state (read once
per batch), and the tenant's rule in ``X-Mia-Marketing-Requires-Consent``."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import orjson
from segments.data import add_consent, add_contacts
from sqlalchemy import event, select

from mia_crm.models import Contact
from mia_crm.segments.compiler import contact_condition
from mia_crm.segments.filters import filter_adapter
from mia_crm.segments.members import member_lines
from support.consent import put_settings
from support.world import World

HEADER = "X-Mia-Marketing-Requires-Consent"


def by_id(body: bytes) -> dict[uuid.UUID, dict[str, Any]]:
    return {uuid.UUID(line["id"]): line for line in map(orjson.loads, body.splitlines())}


async def saved_segment(world: World) -> str:
    response = await world.client.post(
        "/api/v1/segments",
        json={"name": uuid.uuid4().hex, "filter": {"all": []}},
        headers=world.agent.headers,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def every_stream(world: World) -> list[httpx.Response]:
    """The tenant's every contact through each way of asking: a saved segment, a filter,
    a list of ids."""
    segment = await saved_segment(world)
    async with world.app.state.context.infra.sessions() as session:
        ids = [
            str(i)
            for i in await session.scalars(
                select(Contact.id).where(Contact.tenant_id == world.tenant_id)
            )
        ]
    headers = world.agent.headers
    responses = [
        await world.client.get(f"/internal/v1/segments/{segment}/members", headers=headers),
        await world.client.post(
            "/internal/v1/contacts/members", json={"filter": {"all": []}}, headers=headers
        ),
        await world.client.post(
            "/internal/v1/contacts/members", json={"contact_ids": ids}, headers=headers
        ),
    ]
    for response in responses:
        assert response.status_code == 200, response.text
    return responses


async def test_each_line_carries_the_whatsapp_and_sms_consent_null_without_a_row(
    world: World,
) -> None:
    both, whatsapp_out, sms_in, email_only, none = await add_contacts(world, {}, {}, {}, {}, {})
    await add_consent(world, both, "whatsapp", "opted_in")
    await add_consent(world, both, "sms", "opted_out")
    await add_consent(world, whatsapp_out, "whatsapp", "opted_out")
    await add_consent(world, sms_in, "sms", "opted_in")
    await add_consent(world, email_only, "email", "opted_in")
    stranger = world.stranger()

    for response in await every_stream(world):
        lines = by_id(response.content)
        assert {contact: line["consent"] for contact, line in lines.items()} == {
            both: {"whatsapp": "opted_in", "sms": "opted_out"},
            whatsapp_out: {"whatsapp": "opted_out", "sms": None},
            sms_in: {"whatsapp": None, "sms": "opted_in"},
            email_only: {"whatsapp": None, "sms": None},
            none: {"whatsapp": None, "sms": None},
        }, str(response.request.url)
        assert list(lines) == sorted(lines)

    theirs = await world.client.post(
        "/internal/v1/contacts/members",
        json={"contact_ids": [str(both), str(sms_in)]},
        headers=stranger.headers,
    )
    assert theirs.status_code == 200
    assert theirs.content == b""


@contextmanager
def consent_reads(world: World) -> Iterator[list[str]]:
    """The statements the app's engine runs on contact_consents while inside."""
    engine = world.app.state.context.infra.engine.sync_engine
    seen: list[str] = []

    def record(*args: Any) -> None:
        statement = args[2]
        if "contact_consents" in statement:
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def test_consent_is_read_once_per_batch_and_lands_on_its_own_lines(world: World) -> None:
    ids = sorted(await add_contacts(world, *({} for _ in range(5))))
    await add_consent(world, ids[0], "whatsapp", "opted_in")
    await add_consent(world, ids[3], "sms", "opted_out")
    await add_consent(world, ids[4], "whatsapp", "opted_out")
    condition = contact_condition(world.tenant_id, filter_adapter.validate_python({"all": []}))

    with consent_reads(world) as reads:
        chunks = [
            chunk
            async for chunk in member_lines(
                world.app.state.context.infra.sessions,
                condition,
                tenant_id=world.tenant_id,
                after=None,
                keys=[],
                batch=2,
            )
        ]

    assert len(chunks) == 3
    assert len(reads) == 3
    consent = {k: v["consent"] for chunk in chunks for k, v in by_id(chunk).items()}
    assert consent == {
        ids[0]: {"whatsapp": "opted_in", "sms": None},
        ids[1]: {"whatsapp": None, "sms": None},
        ids[2]: {"whatsapp": None, "sms": None},
        ids[3]: {"whatsapp": None, "sms": "opted_out"},
        ids[4]: {"whatsapp": "opted_out", "sms": None},
    }


async def test_the_stream_says_whether_the_tenants_marketing_requires_consent(
    world: World,
) -> None:
    await add_contacts(world, {})

    # Never saved: the default (consent required).
    for response in await every_stream(world):
        assert response.headers[HEADER] == "true", str(response.request.url)

    await put_settings(world, {"marketing_requires_consent": False})
    for response in await every_stream(world):
        assert response.headers[HEADER] == "false", str(response.request.url)

    await put_settings(world, {"marketing_requires_consent": True})
    for response in await every_stream(world):
        assert response.headers[HEADER] == "true", str(response.request.url)


async def test_the_header_is_the_callers_tenants_rule(world: World) -> None:
    await put_settings(world, {"marketing_requires_consent": False})
    stranger = world.stranger()

    theirs = await world.client.post(
        "/internal/v1/contacts/members",
        json={"filter": {"all": []}},
        headers=stranger.headers,
    )

    assert theirs.status_code == 200
    assert theirs.headers[HEADER] == "true"
