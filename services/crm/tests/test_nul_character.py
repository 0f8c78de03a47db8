"""The NUL character (U+0000), which PostgreSQL refuses in text and jsonb.

API input holding it is the caller's to fix: a 422 naming the field, and nothing changed.
Customer content arriving through a channel holding it is stored anyway, with U+FFFD in
its place and the rest as it came: never refused, never dead-lettered.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from mia_common.contracts import ChannelError, MediaRef, MessageKind, StatusValue
from mia_common.identity import Role
from mia_common.testing import wait_until
from mia_crm.models import Contact
from support.events import wamid
from support.world import Caller, World

NUL, REPLACEMENT = "\x00", "\ufffd"
CONVERSATION = "/api/v1/inbox/conversations/{conversation}"
CONTACT = "/api/v1/contacts/{contact}"
TEMPLATE = {"type": "template", "name": "hello", "language": "pt_BR"}
MEDIA = {"type": "media", "kind": "document", "link": "https://files.example.com/a.pdf"}

# (method, path, query, body, headers, where the answer says the NUL is)
API_INPUTS: list[tuple[str, str, dict[str, str], Any, dict[str, str], list[Any]]] = [
    ("GET", "/api/v1/inbox/conversations", {"q": f"An{NUL}a"}, None, {}, ["query", "q"]),
    ("GET", "/api/v1/contacts", {"q": NUL}, None, {}, ["query", "q"]),
    ("GET", "/api/v1/contacts/%00", {}, None, {}, ["path", "contact_id"]),
    ("PATCH", CONTACT, {}, {"name": f"A{NUL}na"}, {}, ["body", "name"]),
    ("PATCH", CONTACT, {}, {"email": f"ana{NUL}@example.com"}, {}, ["body", "email"]),
    ("POST", f"{CONVERSATION}/notes", {}, {"text": f"call{NUL}back"}, {}, ["body", "text"]),
    (
        "POST",
        f"{CONVERSATION}/messages",
        {},
        {"type": "text", "text": f"hi{NUL}"},
        {},
        ["body", "text", "text"],
    ),
    (
        "POST",
        f"{CONVERSATION}/messages",
        {},
        {**TEMPLATE, "name": f"hello{NUL}"},
        {},
        ["body", "template", "name"],
    ),
    (
        "POST",
        f"{CONVERSATION}/messages",
        {},
        {**TEMPLATE, "language": f"pt{NUL}BR"},
        {},
        ["body", "template", "language"],
    ),
    (
        "POST",
        f"{CONVERSATION}/messages",
        {},
        {**TEMPLATE, "variables": ["Ana", f"R$ 10{NUL}"]},
        {},
        ["body", "template", "variables", 1],
    ),
    (
        "POST",
        f"{CONVERSATION}/messages",
        {},
        {
            **TEMPLATE,
            "components": [{"type": "body", "parameters": [{"type": "text", "text": f"Ana{NUL}"}]}],
        },
        {},
        ["body", "template", "components", 0],
    ),
    (
        "POST",
        f"{CONVERSATION}/messages",
        {},
        {**TEMPLATE, "components": [{f"ty{NUL}pe": "body"}]},
        {},
        ["body", "template", "components", 0],
    ),
    (
        "POST",
        f"{CONVERSATION}/messages",
        {},
        {**MEDIA, "caption": f"the{NUL}quote"},
        {},
        ["body", "document", "caption"],
    ),
    (
        "POST",
        f"{CONVERSATION}/messages",
        {},
        {**MEDIA, "filename": f"quote{NUL}.pdf"},
        {},
        ["body", "document", "filename"],
    ),
    (
        "POST",
        f"{CONVERSATION}/messages",
        {},
        {"type": "media", "kind": "image", "media_id": f"12{NUL}34"},
        {},
        ["body", "image", "media_id"],
    ),
]


async def _state(world: World, conversation_id: str) -> dict[str, Any]:
    """What a NUL-laden request must leave as it was."""
    conversation = await world.get(f"/api/v1/inbox/conversations/{conversation_id}")
    contact = await world.get(f"/api/v1/contacts/{conversation['contact']['id']}")
    notes = await world.get(f"/api/v1/inbox/conversations/{conversation_id}/notes")
    return {
        "conversation": conversation,
        "contact": contact,
        "notes": notes,
        "messages": await world.messages(conversation_id),
    }


@pytest.mark.parametrize(
    ("method", "path", "query", "body", "headers", "where"),
    API_INPUTS,
    ids=[f"{method} {'.'.join(map(str, where))}" for method, *_, where in API_INPUTS],
)
async def test_api_input_with_nul_is_refused_naming_the_field(
    method: str,
    path: str,
    query: dict[str, str],
    body: Any,
    headers: dict[str, str],
    where: list[Any],
    world: World,
) -> None:
    message = await world.deliver(name="Ana")
    conversation = await world.conversation_of(message)
    url = path.format(conversation=conversation["id"], contact=conversation["contact"]["id"])
    before = await _state(world, conversation["id"])

    callers: list[Caller] = [world.manager, world.stranger(Role.owner)]
    for caller in callers:  # this tenant's manager, and another tenant's owner
        response = await world.client.request(
            method, url, params=query, json=body, headers={**caller.headers, **headers}
        )

        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        errors = response.json()["errors"]
        assert [error["loc"] for error in errors] == [where], errors
        if where[0] != "path":  # a path's id is refused as not a UUID
            assert "NUL" in errors[0]["msg"]

    assert await _state(world, conversation["id"]) == before


async def test_an_idempotency_key_with_nul_is_refused(world: World) -> None:
    message = await world.deliver()
    # Through the ASGI transport, as a proxy might forward it: HTTP/1.1 itself has no way.
    response = await world.reply(
        message.conversation_id,
        {"type": "text", "text": "hi"},
        headers={"Idempotency-Key": f"key{NUL}1"},
    )
    assert response.status_code == 422, response.text
    assert [error["loc"] for error in response.json()["errors"]] == [["header", "Idempotency-Key"]]
    assert len(await world.messages(message.conversation_id)) == 1


async def test_an_inbound_message_with_nul_is_stored_with_the_character_replaced(
    world: World,
) -> None:
    media = MediaRef(
        media_id="media-1",
        mime_type="image/jpeg",
        caption=f"my{NUL}photo",
        filename=f"IMG{NUL}1.jpg",
    )
    stored = await world.deliver(
        phone="+5511988887777",
        user_id=f"BR.{NUL}user",
        name=f"Jo{NUL}ão",
        kind=MessageKind.IMAGE,
        text=f"olá{NUL}mundo",
        media=media,
        extra={f"ke{NUL}y": [f"va{NUL}lue", 1, {"deep": f"x{NUL}"}], "plain": "kept"},
    )

    assert stored.text == f"olá{REPLACEMENT}mundo"
    assert stored.media is not None
    assert stored.media["caption"] == f"my{REPLACEMENT}photo"
    assert stored.media["filename"] == f"IMG{REPLACEMENT}1.jpg"
    assert stored.media["media_id"] == "media-1"
    assert stored.extra == {
        f"ke{REPLACEMENT}y": [f"va{REPLACEMENT}lue", 1, {"deep": f"x{REPLACEMENT}"}],
        "plain": "kept",
    }
    async with world.app.state.context.infra.sessions() as session:
        contact = await session.get(Contact, (await world.conversation_of(stored))["contact"]["id"])
    assert contact is not None
    assert contact.name == f"Jo{REPLACEMENT}ão"
    assert contact.phone == "+5511988887777"
    assert contact.channel_user_id == f"BR.{REPLACEMENT}user"
    [shown] = await world.messages(stored.conversation_id)
    assert shown["text"] == f"olá{REPLACEMENT}mundo"


async def test_outcomes_and_receipts_with_nul_are_recorded_with_it_replaced(
    world: World,
) -> None:
    inbound = await world.deliver()
    refused, undelivered = [
        (await world.reply(inbound.conversation_id, {"type": "text", "text": text})).json()["id"]
        for text in ("refused", "undelivered")
    ]
    external_id = f"wamid.{NUL}{wamid()}"

    await world.outcome(
        message_id=uuid.UUID(refused),
        external_id=None,
        accepted=False,
        error=ChannelError(code="131047", title=f"Re-engagement{NUL}", permanent=True),
    )
    # The channel's id holds the character in the outcome and in the receipt alike: the
    # receipt still finds its message.
    await world.outcome(message_id=uuid.UUID(undelivered), external_id=external_id)
    await world.status(
        external_id=external_id,
        value=StatusValue.FAILED,
        error=ChannelError(
            code="131026", title=f"Message {NUL}undeliverable", detail=f"x{NUL}", permanent=True
        ),
    )

    async def failed(message_id: str) -> dict[str, Any] | None:
        shown = await world.message(inbound.conversation_id, message_id)
        return shown if shown["status"] == "failed" else None

    first = await wait_until(lambda: failed(refused), timeout=30, message="outcome recorded")
    assert first["error"] == {"code": "131047", "title": f"Re-engagement{REPLACEMENT}"}
    second = await wait_until(lambda: failed(undelivered), timeout=30, message="status recorded")
    assert second["external_message_id"] == external_id.replace(NUL, REPLACEMENT)
    assert second["error"] == {"code": "131026", "title": f"Message {REPLACEMENT}undeliverable"}
    assert second["status_timeline"][-1]["error"]["detail"] == f"x{REPLACEMENT}"
