"""The world a sender test acts in: companies with accounts, customers writing, requests sent.

``World`` talks to the sender the way the platform does: the accounts API with a gateway
identity, send requests and inbound/status events on Kafka. It registers each account's
number on the Meta sandbox first, so the sender's calls reach a number that exists there.
"""

from __future__ import annotations

import random
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import FastAPI

from mia_common.contracts import (
    Channel,
    Envelope,
    InboundMessage,
    MessageKind,
    MessageStatus,
    SendOrigin,
    SendRequest,
    StatusValue,
)
from mia_common.identity import Identity, Role, issue_identity_token
from mia_common.testing.kafka import TopicReader, TopicRecord
from mia_meta_sandbox.testing import SandboxHandle
from mia_sender.config import SenderSettings


def identity_headers(
    tenant_id: uuid.UUID, role: Role = Role.admin, *, secret: str | None = None
) -> dict[str, str]:
    token = issue_identity_token(
        Identity(user_id=uuid.uuid4(), tenant_id=tenant_id, role=role),
        secret=secret or _dev_secret(),
    )
    return {"X-Mia-Identity": token}


def _dev_secret() -> str:
    from mia_common.identity import get_platform_settings

    return get_platform_settings().identity_token_secret.get_secret_value()


def meta_id() -> str:
    return str(random.randint(10**14, 10**15 - 1))


def customer_phone() -> str:
    return f"+55119{random.randint(10**7, 10**8 - 1)}"


@dataclass
class Company:
    tenant_id: uuid.UUID = field(default_factory=uuid.uuid4)

    def headers(self, role: Role = Role.admin) -> dict[str, str]:
        return identity_headers(self.tenant_id, role)


@dataclass
class Account:
    id: uuid.UUID
    company: Company
    phone_number_id: str
    access_token: str
    app_secret: str
    body: dict[str, Any]
    waba_id: str = ""


class World:
    def __init__(
        self,
        *,
        app: FastAPI,
        client: httpx.AsyncClient,
        sandbox: SandboxHandle,
        settings: SenderSettings,
        outcomes: TopicReader,
    ) -> None:
        self.app = app
        self.client = client
        self.sandbox = sandbox
        self.settings = settings
        self.outcomes = outcomes

    @property
    def broker(self) -> Any:
        return self.app.state.context.infra.broker

    @property
    def session_factory(self) -> Any:
        return self.app.state.context.infra.sessions

    # --- accounts --------------------------------------------------------------------

    async def whatsapp_account(
        self,
        company: Company | None = None,
        *,
        throughput: int | None = None,
        tier: str = "unlimited",
        business_id: str | None = None,
        sandbox_throughput: int | None = None,
    ) -> Account:
        company = company or Company()
        phone_number_id = meta_id()
        access_token = "EAAG" + secrets.token_urlsafe(24)
        app_secret = secrets.token_hex(16)
        # A WABA of its own: the sandbox seeds it with its default templates.
        waba_id = meta_id()
        await self.sandbox.client.register_number(
            phone_number_id=phone_number_id,
            access_token=access_token,
            app_secret=app_secret,
            display_phone_number=customer_phone(),
            waba_id=waba_id,
            throughput_per_second=sandbox_throughput,
        )
        body: dict[str, Any] = {
            "channel": "whatsapp_cloud",
            "display_name": "Loja Centro",
            "phone_number": customer_phone(),
            "phone_number_id": phone_number_id,
            "waba_id": waba_id,
            "business_id": business_id or meta_id(),
            "access_token": access_token,
            "app_secret": app_secret,
            "messaging_tier": tier,
        }
        if throughput is not None:
            body["throughput_per_second"] = throughput
        created = await self.client.post(
            "/api/v1/channels/accounts", json=body, headers=company.headers()
        )
        assert created.status_code == 201, created.text
        return Account(
            id=uuid.UUID(created.json()["id"]),
            company=company,
            phone_number_id=phone_number_id,
            access_token=access_token,
            app_secret=app_secret,
            body=body,
            waba_id=waba_id,
        )

    # --- events in -------------------------------------------------------------------

    def request(
        self,
        account: Account | None,
        *,
        to: str | None = None,
        to_user_id: str | None = None,
        text: str | None = "Olá! Seu pedido saiu para entrega.",
        template: str | None = None,
        not_after: datetime | None = None,
        channel: Channel = Channel.WHATSAPP_CLOUD,
        account_id: uuid.UUID | None = None,
    ) -> SendRequest:
        content: dict[str, Any]
        if template is not None:
            content = {"type": "template", "name": template, "language": "pt_BR"}
        else:
            content = {"type": "text", "body": text}
        if to is None and to_user_id is None:
            to = customer_phone()
        return SendRequest.model_validate(
            {
                "request_id": uuid.uuid4(),
                "channel": channel,
                "channel_account_id": account_id or (account.id if account else None),
                "to": to,
                "to_user_id": to_user_id,
                "content": content,
                "origin": SendOrigin.CAMPAIGN,
                "origin_ref": f"campaign-{uuid.uuid4().hex[:6]}",
                "not_after": not_after,
            }
        )

    async def send(
        self,
        request: SendRequest,
        *,
        tenant_id: uuid.UUID,
        event_id: uuid.UUID | None = None,
    ) -> uuid.UUID:
        """Publish the request on messages.send.v1 as a requesting service would."""
        envelope = Envelope[SendRequest](
            **({"id": event_id} if event_id else {}),
            type="messages.send.v1",
            source="/tests",
            tenantid=tenant_id,
            data=request,
        )
        await self.broker.publish(
            envelope.to_json_dict(),
            self.settings.send_topic,
            key=str(request.channel_account_id).encode(),
        )
        return envelope.id

    async def customer_writes(
        self,
        account: Account,
        *,
        phone: str | None = None,
        user_id: str | None = None,
        at: datetime | None = None,
    ) -> None:
        """An inbound message, as meta-ingest publishes it: opens the 24-hour window."""
        message = InboundMessage(
            channel=Channel.WHATSAPP_CLOUD,
            channel_account_id=account.id,
            external_message_id=f"wamid.{uuid.uuid4().hex}",
            from_address=phone,
            from_user_id=user_id,
            to_address=account.phone_number_id,
            kind=MessageKind.TEXT,
            text="Oi, tudo bem?",
            sent_at=at or datetime.now(UTC),
        )
        envelope = Envelope[InboundMessage](
            type="messages.inbound.v1",
            source="/tests",
            tenantid=account.company.tenant_id,
            data=message,
        )
        await self.broker.publish(
            envelope.to_json_dict(),
            self.settings.inbound_topic,
            key=(phone or user_id or "").encode(),
        )

    async def window_open(self, account: Account, phone: str) -> None:
        """Wait until the sender learned the window (its consumer is asynchronous)."""
        windows = self.app.state.context.windows

        async def learned() -> bool:
            return bool(await windows.is_open(account.id, phone=phone, user_id=None))

        from mia_common.testing import wait_until

        await wait_until(learned, message="the sender learned the customer's window")

    async def status(
        self,
        account: Account,
        *,
        wamid: str,
        request_id: uuid.UUID,
        to: str,
        value: StatusValue = StatusValue.SENT,
    ) -> None:
        """A status webhook as meta-ingest publishes it, echoing biz_opaque_callback_data."""
        status = MessageStatus(
            channel=Channel.WHATSAPP_CLOUD,
            channel_account_id=account.id,
            external_message_id=wamid,
            recipient=to,
            status=value,
            occurred_at=datetime.now(UTC),
            send_request_id=str(request_id),
        )
        envelope = Envelope[MessageStatus](
            type="messages.status.v1",
            source="/tests",
            tenantid=account.company.tenant_id,
            data=status,
        )
        await self.broker.publish(
            envelope.to_json_dict(), self.settings.status_topic, key=to.encode()
        )

    # --- what came out ---------------------------------------------------------------

    async def outcome(
        self,
        request_id: uuid.UUID,
        *,
        timeout: float = 20.0,  # noqa: ASYNC109 - a deadline is the point of this helper
    ) -> dict[str, Any]:
        found = await self.outcomes.wait_for(
            lambda r: r.data["request_id"] == str(request_id),
            timeout=timeout,
            message=f"the outcome of {request_id}",
        )
        return found[0].data

    def outcomes_of(self, request_id: uuid.UUID) -> list[TopicRecord]:
        return self.outcomes.matching(lambda r: r.data["request_id"] == str(request_id))

    async def sent_to_sandbox(self, request_id: uuid.UUID) -> list[Any]:
        return await self.sandbox.client.sent(biz_opaque_callback_data=str(request_id))

    async def send_row(self, request_id: uuid.UUID) -> Any:
        from mia_sender.models import Send

        async with self.session_factory() as session:
            return await session.get(Send, request_id)
