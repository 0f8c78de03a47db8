"""The crm's API keeps the promises of its OpenAPI document (schemathesis, bounded).

As a manager of a tenant with a contact, a conversation holding messages both ways and a
note, half of the generated requests name those rows: no 5xx, every answer documented
(status, content type, body), every request the document allows accepted, and every
operation refused (401) without the gateway's identity.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mia_common.testing.api_contract import check_api_contract
from support.world import World

# Refusals the document cannot express: a cursor the API never handed out looks like any
# string, and whether a user id names an active user of the tenant, or a team id one of its
# teams, is the gateway's to say.
REFUSALS_BY_DESIGN = ("invalid_cursor", "assignee_unknown", "assignee_inactive", "team_unknown")
# A merge or dismissal naming one contact twice; an export column naming a field the tenant
# does not have; the file of an export job still running.
REFUSALS_BY_DESIGN += ("same_contact", "segment_unknown_field", "export_not_ready")
# Custom field values and definitions are checked against the tenant's fields, phone numbers
# against every country's plan, time zones against the IANA database: no pattern says it.
REFUSALS_BY_DESIGN += (
    "invalid_field_value",
    "invalid_field_definition",
    "field_order_mismatch",
    "invalid_phone",
    "invalid_time_zone",
    "contact_identifier_required",
)
# An import's mapping names the columns of its file and the tenant's own fields and tags,
# and a file is known to hold no rows only once read.
REFUSALS_BY_DESIGN += ("empty_file", "invalid_mapping", "unknown_tags")
# A segment filter names the tenant's own tags, fields and stages, and its size is counted
# across nesting levels: no schema says either.
REFUSALS_BY_DESIGN += ("segment_filter_invalid", "segment_filter_too_large")

# A lost stage needs a lost reason, a card is not its own neighbour, and a lead's
# conversation is its contact's: rules about the rows named, not their shapes.
REFUSALS_BY_DESIGN += (
    "lost_reason_required",
    "invalid_neighbour",
    "conversation_of_another_contact",
)


# The API checked in parts, each within the per-test time limit on a loaded machine (the
# whole took ~76 s alone). Every operation falls in exactly one part: the last takes the rest.
PARTS: dict[str, tuple[str, ...]] = {
    "inbox": ("/api/v1/inbox",),
    "contacts": ("/api/v1/contacts",),
    "tags and fields": ("/api/v1/tags", "/api/v1/custom-fields", "/api/v1/crm"),
    "board": ("/api/v1/pipelines", "/api/v1/leads"),
    "segments": ("/api/v1/segments",),
    "jobs": ("/api/v1/imports", "/api/v1/jobs", "/api/v1/exports", "/api/v1/duplicates"),
}
_CLAIMED = tuple(prefix for prefixes in PARTS.values() for prefix in prefixes)


def _in_part(part: str) -> Callable[[str], bool]:
    if part == "the rest":
        return lambda path: not path.startswith(_CLAIMED)
    return lambda path: path.startswith(PARTS[part])


@pytest.mark.parametrize("part", [*PARTS, "the rest"])
async def test_the_api_answers_as_its_document_says(world: World, part: str) -> None:
    inbound = await world.deliver(name="Ana", text="Olá, tudo bem?")
    conversation = await world.conversation_of(inbound)
    reply = await world.reply(
        conversation["id"], {"type": "text", "text": "Tudo!"}, caller=world.manager
    )
    assert reply.status_code == 202, reply.text
    note = await world.client.post(
        f"/api/v1/inbox/conversations/{conversation['id']}/notes",
        json={"text": "wants a quote"},
        headers=world.manager.headers,
    )
    assert note.status_code == 201, note.text
    tag = await world.client.post(
        "/api/v1/tags", json={"name": "vip"}, headers=world.manager.headers
    )
    field = await world.client.post(
        "/api/v1/custom-fields",
        json={"key": "plan", "label": "Plan", "kind": "select", "options": ["free", "gold"]},
        headers=world.manager.headers,
    )
    assert (tag.status_code, field.status_code) == (201, 201), (tag.text, field.text)

    csv_headers = {**world.manager.headers, "Content-Type": "text/csv"}
    started = await world.client.post(
        "/api/v1/imports", content=b"name,phone\nAna,11987654321\n", headers=csv_headers
    )
    assert started.status_code == 201, started.text
    start = await world.client.post(
        f"/api/v1/imports/{started.json()['id']}/start",
        json={"mapping": [{"column": 1, "field": "phone"}]},
        headers=world.manager.headers,
    )
    assert start.status_code == 202, start.text
    ready = await world.client.post(
        "/api/v1/imports", content=b"name,phone\nBia,11987654322\n", headers=csv_headers
    )
    assert ready.status_code == 201, ready.text

    segment = await world.client.post(
        "/api/v1/segments",
        json={
            "name": "Gold",
            "filter": {"condition": "field", "key": "plan", "op": "eq", "value": "gold"},
        },
        headers=world.manager.headers,
    )
    assert segment.status_code == 201, segment.text

    board = await world.client.post(
        "/api/v1/pipelines", json={"name": "Contract board"}, headers=world.manager.headers
    )
    assert board.status_code == 201, board.text
    stage_id = board.json()["stages"][0]["id"]
    lead = await world.client.post(
        "/api/v1/leads",
        json={"contact_id": conversation["contact"]["id"], "title": "Deal", "stage_id": stage_id},
        headers=world.manager.headers,
    )
    assert lead.status_code == 201, lead.text

    failures = await check_api_contract(
        world.client,
        headers=world.manager.headers,
        known_ids={
            "conversation_id": conversation["id"],
            "contact_id": conversation["contact"]["id"],
            "pipeline_id": board.json()["id"],
            "stage_id": stage_id,
            "lead_id": lead.json()["id"],
            "tag_id": tag.json()["id"],
            "field_id": field.json()["id"],
            "import_id": ready.json()["id"],
            "job_id": start.json()["job_id"],
            "segment_id": segment.json()["id"],
        },
        public=["GET /healthz", "GET /readyz", "GET /metrics"],
        # ~5 s here; 300 examples (80 s) found nothing more when this was written.
        examples=25,
        refusals_by_design=REFUSALS_BY_DESIGN,
        paths=_in_part(part),
    )

    assert not failures, "\n".join(map(str, failures))
