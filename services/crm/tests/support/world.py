"""One tenant's world for a test: its callers, its channel account, and its events.

Every test makes a fresh tenant, so tests never see each other's data. Its events are
published with the tenant id as key: one partition, handled in publishing order, so a
test can wait for its last event and know the earlier ones were handled.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from aiokafka import AIOKafkaProducer
from fastapi import FastAPI
from sqlalchemy import select

from mia_common.contracts import (
    Envelope,
    InboundMessage,
    MessageStatus,
    SendOutcome,
    dead_letter_topic,
)
from mia_common.identity import Identity, Role, issue_identity_token
from mia_common.testing import TopicRecord, read_topic, wait_until
from mia_crm.config import CrmSettings
from mia_crm.models import Message, PendingStatus
from support import events
from support.gateway import StandInGateway


@dataclass(frozen=True)
class InboxRecord:
    """One record of the inbox topic, as the gateway's live socket reads it."""

    key: bytes | None
    envelope: dict[str, Any]

    @property
    def tenant_id(self) -> str:
        return str(self.envelope["tenantid"])

    @property
    def change(self) -> str:
        return str(self.envelope["data"]["change"])

    @property
    def conversation_id(self) -> str:
        return str(self.envelope["data"]["conversation_id"])

    @property
    def message_id(self) -> str | None:
        value = self.envelope["data"]["message_id"]
        return None if value is None else str(value)


@dataclass(frozen=True)
class Caller:
    user_id: uuid.UUID
    tenant_id: uuid.UUID
    role: Role
    headers: dict[str, str]


class World:
    def __init__(
        self,
        app: FastAPI,
        settings: CrmSettings,
        client: httpx.AsyncClient,
        gateway: StandInGateway,
    ) -> None:
        self.app = app
        self.settings = settings
        self.client = client
        self.gateway = gateway
        self.tenant_id = uuid.uuid4()
        self.account_id = uuid.uuid4()
        self.agent = self.caller(Role.agent)
        self.manager = self.caller(Role.manager)

    # --- who calls -------------------------------------------------------------------------

    def caller(
        self, role: Role = Role.agent, *, tenant_id: uuid.UUID | None = None, active: bool = True
    ) -> Caller:
        """A user of this tenant (or of ``tenant_id``), with the token the gateway forwards;
        the gateway's user directory knows them."""
        identity = Identity(user_id=uuid.uuid4(), tenant_id=tenant_id or self.tenant_id, role=role)
        self.gateway.add(identity.user_id, tenant_id=identity.tenant_id, role=role, active=active)
        token = issue_identity_token(identity, secret=self.settings.identity_token_secret)
        return Caller(identity.user_id, identity.tenant_id, role, {"X-Mia-Identity": token})

    def api_key(self, role: Role = Role.manager) -> Caller:
        """An integration of this tenant: the gateway forwards its API key's id as the user
        id, and the key is no user the gateway's directory knows."""
        identity = Identity(user_id=uuid.uuid4(), tenant_id=self.tenant_id, role=role)
        token = issue_identity_token(identity, secret=self.settings.identity_token_secret)
        return Caller(identity.user_id, identity.tenant_id, role, {"X-Mia-Identity": token})

    def stranger(self, role: Role = Role.owner) -> Caller:
        """A user of another tenant."""
        return self.caller(role, tenant_id=uuid.uuid4())

    def team(self, *members: Caller, tenant_id: uuid.UUID | None = None) -> uuid.UUID:
        """A team of this tenant (or of ``tenant_id``) the gateway knows, with these members."""
        return self.gateway.add_team(
            tenant_id=tenant_id or self.tenant_id, member_ids=[m.user_id for m in members]
        )

    # --- events in -------------------------------------------------------------------------

    async def publish(self, topic: str, envelope: Envelope[Any], key: str | None = None) -> None:
        await self.app.state.context.infra.broker.publish(
            envelope.to_json_dict(), topic, key=(key or str(self.tenant_id)).encode()
        )

    async def publish_together(self, topic: str, records: list[tuple[Envelope[Any], str]]) -> None:
        """Publish (envelope, key) records in one produce request, as a busy producer does,
        so a consumer polls them together."""
        producer = AIOKafkaProducer(
            bootstrap_servers=self.settings.kafka_bootstrap_servers, acks="all", linger_ms=100
        )
        await producer.start()
        try:
            sent = [
                await producer.send(
                    topic, json.dumps(envelope.to_json_dict()).encode(), key=key.encode()
                )
                for envelope, key in records
            ]
            await asyncio.gather(*sent)
        finally:
            await producer.stop()

    async def publish_raw(self, topic: str, value: bytes, key: str) -> None:
        await self.app.state.context.infra.broker.publish(value, topic, key=key.encode())

    def inbound(self, **fields: Any) -> Envelope[InboundMessage]:
        fields.setdefault("account_id", self.account_id)
        return events.inbound(tenant_id=self.tenant_id, **fields)

    async def deliver(self, **fields: Any) -> Message:
        """Publish an inbound message and wait until the crm stored it."""
        envelope = self.inbound(**fields)
        await self.publish(self.settings.inbound_topic, envelope)
        return await self.stored(
            envelope.data.external_message_id, envelope.data.channel_account_id
        )

    async def stored(self, external_id: str, account_id: uuid.UUID | None = None) -> Message:
        async def find() -> Message | None:
            async with self.app.state.context.infra.sessions() as session:
                return (
                    await session.scalars(
                        select(Message).where(
                            Message.channel_account_id == (account_id or self.account_id),
                            Message.external_message_id == external_id,
                        )
                    )
                ).one_or_none()

        return await wait_until(find, timeout=30, message=f"message {external_id} stored")

    async def outcome(self, **fields: Any) -> Envelope[SendOutcome]:
        fields.setdefault("account_id", self.account_id)
        envelope = events.outcome(tenant_id=self.tenant_id, **fields)
        await self.publish(self.settings.outcome_topic, envelope)
        return envelope

    async def status(self, **fields: Any) -> Envelope[MessageStatus]:
        fields.setdefault("account_id", self.account_id)
        envelope = events.status(tenant_id=self.tenant_id, **fields)
        await self.publish(self.settings.status_topic, envelope)
        return envelope

    async def parked(self, external_id: str) -> list[PendingStatus]:
        async with self.app.state.context.infra.sessions() as session:
            return list(
                (
                    await session.scalars(
                        select(PendingStatus).where(
                            PendingStatus.tenant_id == self.tenant_id,
                            PendingStatus.external_message_id == external_id,
                        )
                    )
                ).all()
            )

    # --- the API ---------------------------------------------------------------------------

    async def get(self, path: str, caller: Caller | None = None, **params: Any) -> Any:
        response = await self.client.get(
            path, params=params, headers=(caller or self.agent).headers
        )
        assert response.status_code == 200, response.text
        return response.json()

    async def conversation_of(self, message: Message) -> dict[str, Any]:
        return dict(await self.get(f"/api/v1/inbox/conversations/{message.conversation_id}"))

    async def messages(self, conversation_id: uuid.UUID | str) -> list[dict[str, Any]]:
        page = await self.get(f"/api/v1/inbox/conversations/{conversation_id}/messages", limit=200)
        return list(page["items"])

    async def message(self, conversation_id: uuid.UUID | str, message_id: str) -> dict[str, Any]:
        return next(m for m in await self.messages(conversation_id) if m["id"] == message_id)

    async def reply(
        self,
        conversation_id: uuid.UUID | str,
        body: dict[str, Any],
        caller: Caller | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        return await self.client.post(
            f"/api/v1/inbox/conversations/{conversation_id}/messages",
            json=body,
            headers={**(caller or self.agent).headers, **(headers or {})},
        )

    # --- events out ------------------------------------------------------------------------

    async def send_requests(
        self, conversation_id: uuid.UUID | str, *, until: str, wait: float = 30
    ) -> list[tuple[bytes | None, dict[str, Any]]]:
        """The (key, envelope) of send requests for one conversation on the send topic, read
        from the start until the request of message ``until`` is among them.

        A channel account's requests share a key and the outbox publishes them in commit
        order, so once that one is read every earlier request of the conversation has been
        too: with ``until`` a marker reply sent after the action, a test proves what the
        action did not publish without waiting for nothing to arrive.
        """

        def ours(record: TopicRecord) -> bool:
            return record.envelope.get("subject") == str(conversation_id)

        records = await read_topic(
            self.settings.kafka_bootstrap_servers,
            self.settings.send_topic,
            until=lambda read: any(r.data["request_id"] == until for r in read if ours(r)),
            timeout=wait,
            message=f"the send request of {until}",
        )
        return [(record.key, record.envelope) for record in records if ours(record)]

    async def inbox_events(
        self, *, until: Callable[[InboxRecord], bool], wait: float = 30
    ) -> list[InboxRecord]:
        """The records of the inbox topic (every tenant's), read from the start until one
        that ``until`` accepts is among them; fails when none arrives within ``wait`` s.

        A conversation's events share a key and leave the outbox in commit order, so once
        the awaited event is read, every earlier event of its conversation is in the list.
        """
        records = await read_topic(
            self.settings.kafka_bootstrap_servers,
            self.settings.inbox_topic,
            until=lambda read: any(until(InboxRecord(r.key, r.envelope)) for r in read),
            timeout=wait,
            message="the awaited inbox event",
        )
        return [InboxRecord(record.key, record.envelope) for record in records]

    async def dead_letters(self, topic: str, *, key: str, count: int) -> list[dict[str, str]]:
        """The headers of the first ``count`` records keyed ``key`` on ``topic``'s dead-letter
        topic (they carry the reason: ``x-dlq-error-type`` and more)."""
        records = await read_topic(
            self.settings.kafka_bootstrap_servers,
            dead_letter_topic(topic),
            until=lambda read: sum(r.key == key.encode() for r in read) >= count,
            message=f"{count} dead letter(s) keyed {key}",
        )
        return [record.header_map for record in records if record.key == key.encode()]

    # --- contacts (profile, tags, custom fields) -------------------------------------------

    async def contact_id_of(self, message: Message) -> str:
        return str((await self.conversation_of(message))["contact"]["id"])

    async def send(
        self, method: str, path: str, body: Any = None, caller: Caller | None = None
    ) -> httpx.Response:
        """Any API call as ``caller`` (the agent by default), answer unchecked."""
        return await self.client.request(
            method, path, json=body, headers=(caller or self.agent).headers
        )

    async def contact_events(
        self, contact_id: str, *, until: Callable[[dict[str, Any]], bool], wait: float = 30
    ) -> list[dict[str, Any]]:
        """The envelopes about ``contact_id`` on the contacts topic (its key), read from the
        start until one that ``until`` accepts is among them. One contact's events share a
        key and leave the outbox in commit order: every earlier one is in the list."""

        def ours(record: TopicRecord) -> bool:
            return record.key == contact_id.encode()

        records = await read_topic(
            self.settings.kafka_bootstrap_servers,
            self.settings.contacts_topic,
            until=lambda read: any(until(r.envelope) for r in read if ours(r)),
            timeout=wait,
            message=f"the awaited event of contact {contact_id}",
        )
        return [record.envelope for record in records if ours(record)]
