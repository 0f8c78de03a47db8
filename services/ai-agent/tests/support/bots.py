"""A bot test's world: a company with a knowledge base, a persona on one of its numbers, and
the inbox events the crm would publish as customers and agents write."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from mia_ai_agent.config import AiAgentSettings
from mia_ai_agent.context import AiAgentContext
from mia_ai_agent.models.conversation import AiRun, BotConversation, ScheduledReply
from mia_common.contracts import (
    Envelope,
    InboxAuthor,
    InboxChange,
    InboxConversation,
    InboxEvent,
    InboxMessage,
)
from mia_common.contracts.topics import INBOX_EVENTS
from mia_common.outbox import ProcessedEvent
from mia_common.testing import read_topic, wait_until
from mia_fake_openai.testing import FakeOpenAIHandle
from support.knowledge import KnowledgeWorld
from support.models import ModelWorld
from support.store_faq import FAQ

__all__ = ["BotWorld", "Thread"]


@dataclass
class Thread:
    """A conversation as the crm would describe it."""

    conversation_id: uuid.UUID = field(default_factory=uuid.uuid4)
    contact_id: uuid.UUID = field(default_factory=uuid.uuid4)
    assigned_user_id: uuid.UUID | None = None
    status: str = "open"


class BotWorld(KnowledgeWorld):
    def __init__(
        self,
        *,
        app: FastAPI,
        client: httpx.AsyncClient,
        settings: AiAgentSettings,
        fake: FakeOpenAIHandle,
    ) -> None:
        super().__init__(client=client, settings=settings)
        self.app = app
        self.account_id = uuid.uuid4()
        self.models = ModelWorld(app=app, client=client, settings=settings, fake=fake)
        self.models.tenant_id = self.tenant_id
        self.models.manager = self.manager
        self.models.agent = self.agent

    @property
    def context(self) -> AiAgentContext:
        context: AiAgentContext = self.app.state.context
        return context

    # --- set-up ----------------------------------------------------------------------------

    async def store_base(self) -> str:
        """The store's FAQ, indexed."""
        base = await self.create_base("Loja Girassol")
        added = await self.add_faq(base["id"], FAQ, title="Perguntas frequentes")
        await self.until_ready(base["id"], added["id"])
        return str(base["id"])

    async def persona(self, **fields: Any) -> dict[str, Any]:
        body = {
            "name": "Sofia",
            "instructions": "Atenda os clientes da Loja Girassol com cordialidade.",
            "channel_account_ids": [str(self.account_id)],
            "debounce_seconds": 0,
            "min_delay_seconds": 0,
            "max_delay_seconds": 0,
            **fields,
        }
        response = await self.client.post(
            "/api/v1/ai/personas", json=body, headers=self.manager.headers
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def console(self, persona_id: str, *lines: tuple[str, str]) -> dict[str, Any]:
        response = await self.client.post(
            f"/api/v1/ai/personas/{persona_id}/console",
            json={"messages": [{"author": a, "text": t} for a, t in lines]},
            headers=self.agent.headers,
        )
        assert response.status_code == 200, response.text
        return dict(response.json())

    # --- inbox events in -------------------------------------------------------------------

    async def says(
        self,
        thread: Thread,
        text: str,
        *,
        author: InboxAuthor = InboxAuthor.CUSTOMER,
        written_at: datetime | None = None,
    ) -> Envelope[InboxEvent]:
        """Publish the crm's ``message_created`` for a new message (written ``written_at``,
        by default now), and wait until the bot learnt it (its claim commits with what it
        changed)."""
        now = datetime.now(UTC)
        data = InboxEvent(
            change=InboxChange.MESSAGE_CREATED,
            conversation_id=thread.conversation_id,
            contact_id=thread.contact_id,
            message_id=uuid.uuid4(),
            occurred_at=now,
            message=InboxMessage(
                direction="in" if author == InboxAuthor.CUSTOMER else "out",
                author=author,
                kind="text",
                text=text,
                occurred_at=written_at or now,
            ),
            conversation=self._described(thread),
        )
        return await self.publish_inbox(data)

    async def conversation_changed(self, thread: Thread) -> Envelope[InboxEvent]:
        data = InboxEvent(
            change=InboxChange.CONVERSATION_UPDATED,
            conversation_id=thread.conversation_id,
            contact_id=thread.contact_id,
            occurred_at=datetime.now(UTC),
            conversation=self._described(thread),
        )
        return await self.publish_inbox(data)

    async def publish_inbox(
        self, data: InboxEvent, *, tenant_id: uuid.UUID | None = None
    ) -> Envelope[InboxEvent]:
        envelope = Envelope[InboxEvent](
            type=INBOX_EVENTS.name,
            source="/services/crm",
            tenantid=tenant_id or self.tenant_id,
            data=data,
        )
        await self.context.infra.broker.publish(
            envelope.to_json_dict(),
            self.settings.inbox_topic,
            key=str(data.conversation_id).encode(),
        )
        await self.learnt(envelope.id)
        return envelope

    def _described(self, thread: Thread) -> InboxConversation:
        return InboxConversation(
            channel="whatsapp_cloud",
            channel_account_id=self.account_id,
            status=thread.status,
            assigned_user_id=thread.assigned_user_id,
        )

    async def learnt(self, event_id: uuid.UUID) -> None:
        async def claimed() -> bool:
            async with self.context.infra.sessions() as session:
                found = await session.scalar(
                    select(ProcessedEvent.event_id).where(
                        ProcessedEvent.consumer == "ai-agent.inbox",
                        ProcessedEvent.event_id == event_id,
                    )
                )
            return found is not None

        await wait_until(claimed, timeout=30, message="the bot learnt the inbox event")

    # --- what the bot did ------------------------------------------------------------------

    async def bot(self, thread: Thread) -> BotConversation | None:
        async with self.context.infra.sessions() as session:
            return await session.get(BotConversation, thread.conversation_id)

    async def runs(self, thread: Thread) -> list[AiRun]:
        async with self.context.infra.sessions() as session:
            rows = await session.scalars(
                select(AiRun)
                .where(AiRun.conversation_id == thread.conversation_id)
                .order_by(AiRun.id)
            )
            return list(rows.all())

    async def scheduled(self, thread: Thread) -> list[ScheduledReply]:
        async with self.context.infra.sessions() as session:
            rows = await session.scalars(
                select(ScheduledReply)
                .where(ScheduledReply.conversation_id == thread.conversation_id)
                .order_by(ScheduledReply.due_at, ScheduledReply.part)
            )
            return list(rows.all())

    async def decisions(
        self, thread: Thread, *, count: int = 1, wait: float = 30
    ) -> list[dict[str, Any]]:
        """The envelopes about ``thread`` on ``ai.events.v1`` (its key), read from the start
        until ``count`` of them (usage records aside) are there."""

        def ours(record: Any) -> bool:
            return bool(
                record.key == str(thread.conversation_id).encode()
                and record.envelope["data"]["type"] != "ai.usage"
            )

        records = await read_topic(
            self.settings.kafka_bootstrap_servers,
            self.settings.ai_topic,
            until=lambda read: sum(ours(r) for r in read) >= count,
            timeout=wait,
            message=f"{count} decision(s) about the conversation",
        )
        return [record.envelope for record in records if ours(record)]
